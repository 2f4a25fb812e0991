/**
 * The warehouse keeps every value exactly, whatever its type, through the staged CSV and back:
 * strings with quotes, commas, line breaks and any Unicode, exact decimals, longs beyond 2^53,
 * 32-bit floats, dates, timestamps, UUIDs, binary, lists, maps and structs. And a restore reads
 * the current rows back in the runtime's own representation: an event that repeats a current
 * fact after a restart is recognized as unchanged, not stored as a new version.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { STATE_FORMAT } from '../../runtime/checkpoint/store.ts';
import { removeQuietly } from '../../runtime/io/files.ts';
import { Processor } from '../../runtime/processor.ts';
import { ArraySource } from '../../runtime/sources/array.ts';
import { specHeader, specOf, tempDir } from './support.ts';

const work = tempDir('table');
afterAll(() => removeQuietly(work));

const spec = specOf(
  `${specHeader}dataset everything in curated {
  from stream events
  format = iceberg
  columns {
    id         string
    text       string?
    amount     decimal(38, 10)?
    big        long?
    ratio      float?
    exact      double?
    flag       boolean?
    day        date?
    at         timestamptz?
    ref        uuid?
    blob       binary?
    tags       list<string?>?
    limits     map<string, decimal(10, 2)>?
    address    struct<city: string, since: timestamp?, lines: list<string>>?
    valid_from timestamp
    valid_to   timestamp?
    seen_at    timestamp
  }
  key (id)
  bitemporal {
    valid = valid_from .. valid_to
    system = seen_at
  }
}
`,
  'everything',
);

const values = {
  text: 'a "quoted", comma\nnew line\r\nand \u0000 NUL, tab\t, emoji 🚀, accents éà, \\ backslash',
  amount: '-1234567890123456789012345678.0123456789',
  big: '9007199254740993',
  ratio: 0.1,
  exact: 0.1,
  flag: false,
  day: '1999-12-31',
  at: '2024-02-29T23:59:59.999+01:00',
  ref: '6BA7B810-9DAD-11D1-80B4-00C04FD430C8',
  blob: 'AAECAwQ=',
  tags: ['x', null, 'y,"z"'],
  limits: { daily: '10.5', 'a "b"': 0 },
  address: { city: 'Zürich', since: '2020-01-01T00:00:00Z', lines: ['1', '2'] },
};

const event = (id: string, seen: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  id, ...values, valid_from: '2024-01-01T00:00:00Z', valid_to: null, seen_at: seen, ...extra,
});

it('stores every type exactly, and reads it back as JSON', async () => {
  const r = await new Processor(spec).replay([event('k', '2024-01-02T00:00:00Z')]);
  expect(r.deadLetters).toEqual([]);
  expect(r.rows).toEqual([
    {
      id: 'k',
      text: values.text,
      amount: values.amount,
      big: '9007199254740993',
      ratio: Math.fround(0.1),
      exact: 0.1,
      flag: false,
      day: '1999-12-31',
      at: '2024-02-29T22:59:59.999Z',
      ref: '6ba7b810-9dad-11d1-80b4-00c04fd430c8',
      blob: 'AAECAwQ=',
      tags: ['x', null, 'y,"z"'],
      limits: { daily: '10.50', 'a "b"': '0.00' },
      address: { city: 'Zürich', since: '2020-01-01T00:00:00.000Z', lines: ['1', '2'] },
      valid_from: '2024-01-01T00:00:00.000Z',
      valid_to: null,
      seen_at: '2024-01-02T00:00:00.000Z',
      system_from: '2024-01-02T00:00:00.000Z',
      system_to: null,
    },
  ]);
});

it('stores a string whose first line break is CRLF, in a staged file of any line length (issue 9: the CSV reader guessed CRLF lines and failed on every rerun)', async () => {
  const long = 'x'.repeat(3_000_000);
  for (const text of ['a\r\nb', '\r\n', `${long}\r\n${long}`]) {
    const r = await new Processor(spec).replay([event('k', '2024-01-02T00:00:00Z', { text, tags: [text] })]);
    expect(r.deadLetters).toEqual([]);
    expect(r.rows.map((row) => [row['text'], row['tags']])).toEqual([[text, [text]]]);
  }
});

it('recognizes a repeated current fact after a restore as unchanged, for every type', async () => {
  const warehouse = join(work, 'restore');
  mkdirSync(warehouse, { recursive: true });
  const p = new Processor(spec);
  // Each run resumes the in-memory source after the events the previous one committed.
  const events = [
    event('k', '2024-01-02T00:00:00Z'),
    // The same fact, learned again a day later, after a restart: no new version.
    event('k', '2024-01-03T00:00:00Z'),
    // A change of one nested value is a new version.
    event('k', '2024-01-04T00:00:00Z', { limits: { daily: '10.51', 'a "b"': 0 } }),
  ];
  const first = await p.run(new ArraySource(events.slice(0, 1)), { warehouse });
  expect(first.run.changed).toBe(1);
  const again = await p.run(new ArraySource(events.slice(0, 2)), { warehouse });
  expect(again.restoredFrom).toBe(first.lastCheckpoint);
  expect(again.run.recordsIn).toBe(1);
  expect(again.run.unchanged).toBe(1);
  expect(again.run.changed).toBe(0);
  const changed = await p.run(new ArraySource(events), { warehouse });
  expect(changed.run.changed).toBe(1);
});

it('appends exactly once across a stop without a checkpoint, and refuses a warehouse whose state files are gone or of another format', async () => {
  const raw = specOf(
    `lake raw {
  region = "us-east-1"
  encryption = kms
}
zone landing {
  layer = raw
  retention = 30 days
}
stream events {
  format = json
  shards = 1
}
dataset landed in landing {
  from stream events
  format = json
  columns {
    id      string
    payload string    = raw_payload()
    at      timestamp = ingestion_time()
  }
}
`,
    'landed',
  );
  const events = Array.from({ length: 50 }, (_, i) => (i % 10 === 9 ? '{bad' : { id: `e${i}` }));
  const dir = join(work, 'append');
  mkdirSync(dir, { recursive: true });
  const { Warehouse } = await import('../../runtime/sink/duckdb.ts');
  const { runJob } = await import('../../runtime/job.ts');
  const run = async (haltAfterEvents?: number): Promise<void> => {
    const w = await Warehouse.open(join(dir, 'lake.duckdb'));
    try {
      await runJob({
        spec: raw, source: new ArraySource(events, { batchSize: 3 }), warehouse: w, checkpointDir: join(dir, 'checkpoints'), stagingDir: join(dir, 'staging'),
        checkpoints: { events: 7, ms: 3_600_000 }, ...(haltAfterEvents !== undefined ? { haltAfterEvents } : {}),
      });
    } finally {
      w.close();
    }
  };
  await run(20);
  await run(11);
  await run();
  const w = await Warehouse.open(join(dir, 'lake.duckdb'), { readOnly: true });
  try {
    expect((await w.query('SELECT count(*), count(DISTINCT id) FROM landed')).rows).toEqual([[45, 45]]);
    expect((await w.query('SELECT count(*) FROM dead_letters.landed')).rows).toEqual([[5]]);
  } finally {
    w.close();
  }

  // A bi-temporal warehouse without its checkpoint folder cannot restore its keyed state.
  const bt = join(work, 'lost-state');
  const p = new Processor(spec);
  await p.run(new ArraySource([event('k', '2024-01-02T00:00:00Z')]), { warehouse: bt });
  removeQuietly(join(bt, 'checkpoints'));
  await expect(p.run(new ArraySource([event('k', '2024-01-02T00:00:00Z')]), { warehouse: bt })).rejects.toThrow(/state files are missing/);

  // A warehouse whose current rows no longer match its checkpoints' state is refused with a
  // message (here a row deleted by hand), on one partition and on workers.
  for (const partitions of [1, 2]) {
    const tampered = join(work, `tampered-${partitions}`);
    await p.run(new ArraySource([event('k', '2024-01-02T00:00:00Z')]), { warehouse: tampered });
    const { Warehouse } = await import('../../runtime/sink/duckdb.ts');
    const file = readdirSync(tampered).find((f) => f.endsWith('.duckdb'))!;
    const w = await Warehouse.open(join(tampered, file));
    await w.query('DELETE FROM lakec.everything_current');
    w.close();
    await expect(p.run(new ArraySource([event('k', '2024-01-03T00:00:00Z')]), { warehouse: tampered, partitions })).rejects.toThrow(
      /^the checkpoint's state of key "k" names current row 0, but the warehouse holds 0 for it: the warehouse and its checkpoints disagree/,
    );
  }

  // Keyed state written in another layout or meaning (an older lakec) is refused, not misread:
  // with no format at all (format 1), and with format 3, whose key times were the last row
  // change rather than the key's clock.
  for (const format of [undefined, 3]) {
    const old = join(work, `old-state-${format ?? 1}`);
    await p.run(new ArraySource([event('k', '2024-01-02T00:00:00Z')]), { warehouse: old });
    const checkpoints = join(old, 'checkpoints', 'everything');
    for (const chk of readdirSync(checkpoints)) {
      const manifest = join(checkpoints, chk, 'manifest.json');
      const { stateFormat: _dropped, ...older } = JSON.parse(readFileSync(manifest, 'utf8')) as Record<string, unknown>;
      writeFileSync(manifest, JSON.stringify(format === undefined ? older : { ...older, stateFormat: format }));
    }
    await expect(p.run(new ArraySource([event('k', '2024-01-03T00:00:00Z')]), { warehouse: old })).rejects.toThrow(
      new RegExp(`state format ${format ?? 1}, this one reads ${STATE_FORMAT} \\(since format ${STATE_FORMAT}: each key's clock moves with every applied event.*\\); replay the events into a new warehouse`),
    );
  }
});
