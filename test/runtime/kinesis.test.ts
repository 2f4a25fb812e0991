/**
 * The Kinesis source against kinesalite, an in-memory Kinesis on 127.0.0.1: events put on a
 * two-shard stream (partition key = the trade id, so each key's events stay in order on one
 * shard) come out as the same table as the same events from an array; dead letters carry the
 * stream, shard and sequence number; a second run resumes after the committed sequence numbers
 * and reads only what was put since. Bounded reads stop by themselves once caught up.
 */
import { createRequire } from 'node:module';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { CreateStreamCommand, DescribeStreamSummaryCommand, KinesisClient, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { removeQuietly } from '../../runtime/io/files.ts';
import { Processor } from '../../runtime/processor.ts';
import { KinesisSource } from '../../runtime/sources/kinesis.ts';
import { generateTrades, tradesSpec } from './bench/trades.ts';
import { specOf, tempDir } from './support.ts';

const kinesalite = createRequire(import.meta.url)('kinesalite') as (o: Record<string, unknown>) => Server;
const STREAM = 'trade_events';
let server: Server;
let client: KinesisClient;
const work = tempDir('kinesis');

beforeAll(async () => {
  server = kinesalite({ createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  client = new KinesisClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    // kinesalite speaks HTTP/1.1 only.
    requestHandler: new NodeHttpHandler(),
  });
  await client.send(new CreateStreamCommand({ StreamName: STREAM, ShardCount: 2 }));
  for (;;) {
    const s = await client.send(new DescribeStreamSummaryCommand({ StreamName: STREAM }));
    if (s.StreamDescriptionSummary?.StreamStatus === 'ACTIVE') break;
    await new Promise((r) => setTimeout(r, 20));
  }
});

afterAll(async () => {
  client?.destroy();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  removeQuietly(work);
});

async function put(lines: string[]): Promise<void> {
  for (let i = 0; i < lines.length; i += 500) {
    const batch = lines.slice(i, i + 500);
    const r = await client.send(
      new PutRecordsCommand({
        StreamName: STREAM,
        Records: batch.map((l) => ({ Data: Buffer.from(l), PartitionKey: /"trade_id":"([^"]+)"/.exec(l)?.[1] ?? 'none' })),
      }),
    );
    expect(r.FailedRecordCount ?? 0).toBe(0);
  }
}

function events(n: number, seed: number): string[] {
  let text = '';
  generateTrades({ events: n, keys: 200, seed, bad: 0.01 }, (t) => (text += t));
  return text.split('\n').filter((l) => l !== '');
}

it('reads a stream into the same table as the same events from an array, and resumes after the committed sequence numbers', async () => {
  const trades = specOf(tradesSpec, 'trades');
  const first = events(3000, 3);
  const second = events(1000, 4).map((l) => l.replace(/"recorded_at":"2024-01-01T/g, '"recorded_at":"2024-01-02T'));
  await put(first);

  const processor = new Processor(trades);
  const warehouse = join(work, 'warehouse');
  const one = await processor.run(new KinesisSource({ stream: STREAM, client, bounded: true }), { warehouse, checkpoints: { events: 700 } });
  expect(one.stopped).toBe('end');
  expect(one.metrics.recordsIn).toBe(first.length);

  await put(second);
  // A record that is not UTF-8 (a dead letter keeping its bytes) and a blank one (skipped).
  const notUtf8 = Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x7d]);
  await client.send(new PutRecordsCommand({ StreamName: STREAM, Records: [{ Data: notUtf8, PartitionKey: 'x' }, { Data: Buffer.from(' \r\n'), PartitionKey: 'x' }] }));
  const two = await processor.run(new KinesisSource({ stream: STREAM, client, bounded: true }), { warehouse });
  expect(two.restoredFrom).toBe(one.lastCheckpoint);
  expect(two.run.recordsIn).toBe(second.length + 2);
  expect(two.run.blankLines).toBe(1);
  expect(two.metrics.recordsIn).toBe(first.length + second.length + 2);
  const m = two.metrics;
  expect(m.changed + m.unchanged + m.duplicates + m.deadLetters + m.blankLines).toBe(m.recordsIn);

  // The table equals a replay of the same events in per-key order (the order each shard keeps).
  const { Warehouse } = await import('../../runtime/sink/duckdb.ts');
  const w = await Warehouse.open(join(warehouse, 'lake.duckdb'), { readOnly: true });
  let stored: unknown[][];
  let dead: unknown[][];
  try {
    stored = (await w.query(w.rowsSql(trades))).rows;
    dead = (await w.query(`SELECT position->>'stream', position->>'shard', position->>'sequenceNumber', event FROM dead_letters.trades WHERE event_bytes IS NULL`)).rows;
    expect((await w.query(`SELECT reason, event, event_bytes FROM dead_letters.trades WHERE event_bytes IS NOT NULL`)).rows).toEqual([
      ['the event is not UTF-8 text (byte 0xff at byte 3); the dead letter keeps its bytes', '{"\ufffd"}', notUtf8.toString('base64')],
    ]);
  } finally {
    w.close();
  }
  const replayed = await processor.replay([...first, ...second]);
  expect(stored).toEqual(replayed.rows.map((r) => Object.values(r)));
  expect(dead.length).toBe(replayed.deadLetters.length);
  expect(dead.length).toBeGreaterThan(0);
  for (const [stream, shard, sequence, event] of dead as string[][]) {
    expect(stream).toBe(STREAM);
    expect(shard).toMatch(/^shardId-\d+$/);
    expect(sequence).toMatch(/^\d+$/);
    expect([...first, ...second]).toContain(event);
  }
}, 120_000);

it('reads an unbounded stream until asked to stop, then takes a savepoint', async () => {
  const trades = specOf(tradesSpec, 'trades');
  const warehouse = join(work, 'unbounded');
  const stop = new AbortController();
  const result = await new Processor(trades).run(new KinesisSource({ stream: STREAM, client, idleMs: 50 }), {
    warehouse,
    signal: stop.signal,
    // Once everything the stream holds (the records of the test above) was read, stop.
    onProgress: (p) => {
      if (p.recordsIn >= 4002) stop.abort();
    },
  });
  expect(result.stopped).toBe('signal');
  expect(result.metrics.recordsIn).toBe(4002);
  expect(result.lastCheckpoint).not.toBeNull();
}, 60_000);
