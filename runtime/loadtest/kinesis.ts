/**
 * The `kinesis` target: the generator's events published with PutRecords (AWS SDK v3) to the
 * dataset's stream, by name or ARN, at the offered rate: batches of at most 500 records and
 * 5 MiB (partition keys included), at most `concurrency` requests in flight and
 * `maxRequestsPerSecond` started per second. Records a response marks failed (Kinesis answers
 * a throttled shard with FailedRecordCount and a per-record ErrorCode,
 * ProvisionedThroughputExceededException) are sent again, alone, after an exponential backoff
 * with full jitter; so is a whole request refused as throttled or failing on the network. A
 * record still failing after `maxAttempts` is counted as not published (never silently lost).
 * Partition keys are the values of the stream's `partition_key` field.
 *
 * With `consume: 'local'`, the dataset's processor reads the stream at the same time (the
 * runtime's Kinesis source, the warehouse of the local target), and "queryable" means committed
 * there: latency runs from Kinesis' ApproximateArrivalTimestamp of each record to that commit.
 * Without a consumer (a deployed Flink application reads the stream), the report has the
 * publishing side only: intake rate, throttling, publish latency.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import type { KinesisClient, PutRecordsRequestEntry } from '@aws-sdk/client-kinesis';
import { Processor } from '../processor.ts';
import { KinesisSource } from '../sources/kinesis.ts';
import { UsageError, count } from './cli.ts';
import { measureGenerator, newGenerator, phase, type GeneratorSettings } from './local.ts';
import { Histogram, Tracker } from './measure.ts';
import type { ProgressLine } from './progress.ts';
import { Rng } from './random.ts';
import { buildReport, type LoadTestReport, type LoadTestSpec, type Phase } from './report.ts';

export class KinesisTargetError extends Error {
  override readonly name = 'KinesisTargetError';
}

export interface PublisherOptions {
  /** A stream name or ARN. */
  readonly stream: string;
  readonly concurrency: number;
  readonly maxRequestsPerSecond: number;
  readonly maxAttempts: number;
  /** First backoff (ms) and its cap. */
  readonly backoffMs?: number;
  readonly maxBackoffMs?: number;
}

export interface KinesisOptions extends GeneratorSettings, PublisherOptions {
  readonly endpoint?: string;
  readonly region: string;
  readonly consume: 'local' | 'none';
  readonly createStream?: number;
  readonly partitions: number;
  readonly checkpoints: { readonly events: number; readonly ms: number };
  readonly warehouse: string;
  readonly progress?: ProgressLine;
  /** A client to use (tests); by default one is made from the endpoint and region. */
  readonly client?: KinesisClient;
}

export const MAX_RECORDS_PER_REQUEST = 500;
export const MAX_BYTES_PER_REQUEST = 5 * 1024 * 1024;
export const MAX_BYTES_PER_RECORD = 1024 * 1024;

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/;

export function isLoopback(endpoint: string | undefined): boolean {
  if (endpoint === undefined) return false;
  try {
    return LOOPBACK.test(new URL(endpoint).hostname);
  } catch {
    return false;
  }
}

/** The kinesis target's options from the flags. */
export function kinesisOptions(test: LoadTestSpec, flags: ReadonlyMap<string, string>): Omit<KinesisOptions, keyof GeneratorSettings | 'partitions' | 'checkpoints' | 'warehouse' | 'progress'> {
  const endpoint = flags.get('endpoint');
  if (endpoint !== undefined) {
    let u: URL;
    try {
      u = new URL(endpoint);
    } catch {
      throw new UsageError(`--endpoint must be a URL such as http://127.0.0.1:4567, got '${endpoint}'`);
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new UsageError(`--endpoint must be an http or https URL, got '${endpoint}'`);
  }
  const consume = flags.get('consume') ?? (isLoopback(endpoint) ? 'local' : 'none');
  if (consume !== 'local' && consume !== 'none') throw new UsageError(`--consume must be local or none, got '${consume}'`);
  const stream = flags.get('stream') ?? test.stream.kinesisName;
  if (!/^[a-zA-Z0-9_.-]{1,128}$/.test(stream) && !/^arn:aws[a-z-]*:kinesis:[a-z0-9-]+:\d{12}:stream\/[a-zA-Z0-9_.-]{1,128}$/.test(stream)) {
    throw new UsageError(`--stream must be a Kinesis stream name (letters, digits, _ . -) or a stream ARN, got '${stream}'`);
  }
  const createStream = flags.get('create-stream');
  if (createStream !== undefined && !isLoopback(endpoint)) throw new UsageError('--create-stream works only with a loopback --endpoint (a local Kinesis server); streams on AWS belong to the stack');
  const mrps = flags.get('max-requests-per-second');
  return {
    stream,
    ...(endpoint !== undefined ? { endpoint } : {}),
    region: flags.get('region') ?? test.region,
    concurrency: flags.has('concurrency') ? count('concurrency', flags.get('concurrency')!) : 8,
    maxRequestsPerSecond: mrps !== undefined ? count('max-requests-per-second', mrps) : 200,
    maxAttempts: flags.has('max-attempts') ? count('max-attempts', flags.get('max-attempts')!) : 20,
    consume,
    ...(createStream !== undefined ? { createStream: count('create-stream', createStream) } : {}),
  };
}

/** The stream's name, from a name or an ARN. */
export function streamName(stream: string): string {
  return stream.startsWith('arn:') ? stream.slice(stream.indexOf(':stream/') + ':stream/'.length) : stream;
}

/** StreamName or StreamARN, as the API takes one of them. */
function streamParam(stream: string): { StreamName: string } | { StreamARN: string } {
  return stream.startsWith('arn:') ? { StreamARN: stream } : { StreamName: stream };
}

export async function kinesisClient(o: { endpoint?: string; region: string }): Promise<KinesisClient> {
  const sdk = await import('@aws-sdk/client-kinesis');
  const local = isLoopback(o.endpoint);
  const creds = local && process.env['AWS_ACCESS_KEY_ID'] === undefined && process.env['AWS_PROFILE'] === undefined ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {};
  // A plain-http endpoint (a local server) speaks HTTP/1.1; the SDK's default for Kinesis is HTTP/2.
  const handler = o.endpoint?.startsWith('http:') === true ? { requestHandler: new (await import('@smithy/node-http-handler')).NodeHttpHandler() } : {};
  return new sdk.KinesisClient({ region: o.region, maxAttempts: 1, ...(o.endpoint !== undefined ? { endpoint: o.endpoint } : {}), ...creds, ...handler });
}

/** What publishing did. */
export interface PublishStats {
  requests: number;
  /** Record sends, first attempts and retries. */
  recordAttempts: number;
  acknowledged: number;
  /** Records a response refused with ProvisionedThroughputExceededException (each attempt). */
  throttled: number;
  /** Records refused with another error code (InternalFailure), each attempt. */
  otherRecordErrors: number;
  /** Whole requests that failed (throttled, network, 5xx) and were retried. */
  requestErrors: number;
  retries: number;
  /** Records given up after maxAttempts: not published. */
  notPublished: number;
  bytes: number;
  firstSendAt: number | null;
  lastAckAt: number | null;
  readonly publishLatency: Histogram;
  readonly errorCodes: Record<string, number>;
}

interface Pending {
  readonly data: Uint8Array;
  readonly key: string;
  readonly firstAt: number;
  attempts: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const RETRYABLE = new Set(['ProvisionedThroughputExceededException', 'ThrottlingException', 'LimitExceededException', 'InternalFailure', 'InternalFailureException', 'ServiceUnavailable', 'ServiceUnavailableException', 'KMSThrottlingException', 'RequestTimeout', 'TimeoutError']);

/**
 * Publishes `records` events from `next` (one event's text and partition key per call) with
 * PutRecords; resolves once every record is acknowledged or given up.
 */
export async function publish(
  client: KinesisClient,
  o: PublisherOptions & { readonly records: number; readonly rate: number | null; readonly seed: number },
  next: () => { text: string; key: string },
  onAck?: (n: number) => void,
): Promise<PublishStats> {
  const { PutRecordsCommand } = await import('@aws-sdk/client-kinesis');
  const stats: PublishStats = { requests: 0, recordAttempts: 0, acknowledged: 0, throttled: 0, otherRecordErrors: 0, requestErrors: 0, retries: 0, notPublished: 0, bytes: 0, firstSendAt: null, lastAckAt: null, publishLatency: new Histogram(), errorCodes: {} };
  const jitter = new Rng(o.seed ^ 0x6b696e65);
  const base = o.backoffMs ?? 100;
  const cap = o.maxBackoffMs ?? 5000;
  const encoder = new TextEncoder();
  const retry: { due: number; item: Pending }[] = [];
  // Partition keys with a record in flight or waiting to be retried, the records queued behind
  // them, and records whose predecessor was acknowledged (sent next).
  const busy = new Set<string>();
  const waiting = new Map<string, Pending[]>();
  let waitingCount = 0;
  const ready: Pending[] = [];
  const release = (key: string): void => {
    const q = waiting.get(key);
    if (q === undefined) {
      busy.delete(key);
      return;
    }
    ready.push(q.shift()!);
    waitingCount--;
    if (q.length === 0) waiting.delete(key);
  };
  let produced = 0;
  let inFlight = 0;
  let fatal: Error | undefined;
  const start = Date.now();
  const requestTimes: number[] = [];
  let wake: (() => void) | undefined;
  const notify = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const later = (item: Pending): void => {
    if (item.attempts >= o.maxAttempts) {
      stats.notPublished++;
      release(item.key);
      return;
    }
    // Full jitter: a uniform wait up to the exponential backoff.
    const ceiling = Math.min(cap, base * 2 ** (item.attempts - 1));
    retry.push({ due: Date.now() + jitter.next() * ceiling, item });
    stats.retries++;
  };
  const send = async (batch: Pending[]): Promise<void> => {
    inFlight++;
    stats.requests++;
    const now = Date.now();
    stats.firstSendAt ??= now;
    for (const p of batch) {
      p.attempts++;
      stats.recordAttempts++;
    }
    try {
      const entries: PutRecordsRequestEntry[] = batch.map((p) => ({ Data: p.data, PartitionKey: p.key }));
      const r = await client.send(new PutRecordsCommand({ ...streamParam(o.stream), Records: entries }));
      const at = Date.now();
      const results = r.Records ?? [];
      let acked = 0;
      batch.forEach((p, i) => {
        const res = results[i];
        if (res !== undefined && res.ErrorCode === undefined && res.SequenceNumber !== undefined) {
          acked++;
          stats.publishLatency.add(at - p.firstAt);
          release(p.key);
          return;
        }
        const code = res?.ErrorCode ?? 'MissingResult';
        stats.errorCodes[code] = (stats.errorCodes[code] ?? 0) + 1;
        if (code === 'ProvisionedThroughputExceededException') stats.throttled++;
        else stats.otherRecordErrors++;
        later(p);
      });
      stats.acknowledged += acked;
      if (acked > 0) {
        stats.lastAckAt = at;
        onAck?.(acked);
      }
      // A response's FailedRecordCount must agree with its records.
      if ((r.FailedRecordCount ?? 0) !== batch.length - acked) stats.errorCodes['FailedRecordCountMismatch'] = (stats.errorCodes['FailedRecordCountMismatch'] ?? 0) + 1;
    } catch (e) {
      const name = (e as { name?: string }).name ?? 'Error';
      const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      const network = (e as { code?: string }).code !== undefined || name === 'TimeoutError';
      if (RETRYABLE.has(name) || network || (status !== undefined && status >= 500)) {
        stats.requestErrors++;
        stats.errorCodes[name] = (stats.errorCodes[name] ?? 0) + batch.length;
        if (name === 'ProvisionedThroughputExceededException') stats.throttled += batch.length;
        for (const p of batch) later(p);
      } else {
        fatal ??= new KinesisTargetError(`PutRecords to ${o.stream} failed: ${name}: ${(e as Error).message}`);
      }
    } finally {
      inFlight--;
      notify();
    }
  };
  const pending: Promise<void>[] = [];
  for (;;) {
    if (fatal !== undefined) break;
    const now = Date.now();
    const fresh = o.records - produced;
    if (fresh === 0 && retry.length === 0 && ready.length === 0 && inFlight === 0 && waitingCount === 0) break;
    // The request-rate bound: at most maxRequestsPerSecond started in any second.
    while (requestTimes.length > 0 && requestTimes[0]! <= now - 1000) requestTimes.shift();
    const allowed = inFlight < o.concurrency && requestTimes.length < o.maxRequestsPerSecond;
    if (allowed) {
      const batch: Pending[] = [];
      let bytes = 0;
      const size = (p: Pending): number => p.data.length + encoder.encode(p.key).length;
      const fits = (p: Pending): boolean => batch.length < MAX_RECORDS_PER_REQUEST && bytes + size(p) <= MAX_BYTES_PER_REQUEST;
      // Retries that are due first, then records whose key's previous record was acknowledged,
      // then fresh events that have arrived.
      retry.sort((a, b) => a.due - b.due);
      while (retry.length > 0 && retry[0]!.due <= now && fits(retry[0]!.item)) {
        const item = retry.shift()!.item;
        bytes += size(item);
        batch.push(item);
      }
      while (ready.length > 0 && fits(ready[0]!)) {
        const item = ready.shift()!;
        bytes += size(item);
        batch.push(item);
      }
      const due = o.rate === null ? fresh : Math.min(fresh, Math.floor(((now - start) * o.rate) / 1000) + 1 - produced);
      for (let k = 0; k < due && batch.length < MAX_RECORDS_PER_REQUEST; k++) {
        const e = next();
        produced++;
        const item: Pending = { data: encoder.encode(e.text), key: e.key, firstAt: o.rate === null ? now : Math.floor(start + ((produced - 1) * 1000) / o.rate), attempts: 0 };
        if (size(item) > MAX_BYTES_PER_RECORD) {
          stats.notPublished++;
          stats.errorCodes['RecordTooLarge'] = (stats.errorCodes['RecordTooLarge'] ?? 0) + 1;
          continue;
        }
        // One record per partition key in flight: a key's records reach the shard in order.
        if (busy.has(item.key)) {
          const q = waiting.get(item.key);
          if (q === undefined) waiting.set(item.key, [item]);
          else q.push(item);
          waitingCount++;
          continue;
        }
        busy.add(item.key);
        if (!fits(item)) {
          ready.unshift(item);
          break;
        }
        bytes += size(item);
        batch.push(item);
      }
      if (batch.length > 0) {
        stats.bytes += bytes;
        requestTimes.push(now);
        const p = send(batch);
        pending.push(p);
        if (pending.length > 64) pending.splice(0, pending.length - 64);
        continue;
      }
    }
    // Wait for a request to finish, a retry to fall due, the next event to arrive, or a slot in the rate.
    const waits: number[] = [];
    if (retry.length > 0) waits.push(Math.min(...retry.map((r) => r.due)) - now);
    if (fresh > 0 && o.rate !== null) waits.push(start + (produced * 1000) / o.rate - now);
    if (requestTimes.length >= o.maxRequestsPerSecond) waits.push(requestTimes[0]! + 1000 - now);
    const wait = Math.max(1, Math.min(50, ...waits.filter((w) => w > 0)));
    await Promise.race([sleep(wait), new Promise<void>((r) => (wake = r))]);
  }
  await Promise.allSettled(pending);
  if (fatal !== undefined) throw fatal;
  return stats;
}

async function ensureStream(client: KinesisClient, o: KinesisOptions): Promise<number> {
  const sdk = await import('@aws-sdk/client-kinesis');
  const describe = async (): Promise<{ status: string; shards: number } | undefined> => {
    try {
      const s = await client.send(new sdk.DescribeStreamSummaryCommand(streamParam(o.stream)));
      return { status: s.StreamDescriptionSummary?.StreamStatus ?? 'UNKNOWN', shards: s.StreamDescriptionSummary?.OpenShardCount ?? 0 };
    } catch (e) {
      if ((e as { name?: string }).name === 'ResourceNotFoundException') return undefined;
      throw new KinesisTargetError(`cannot describe stream ${o.stream}${o.endpoint !== undefined ? ` at ${o.endpoint}` : ''}: ${(e as Error).message}`);
    }
  };
  let s = await describe();
  if (s === undefined) {
    if (o.createStream === undefined) {
      throw new KinesisTargetError(`stream ${o.stream} does not exist${o.endpoint !== undefined ? ` at ${o.endpoint} (give --create-stream SHARDS to create it there)` : ': deploy the stack first (npx cdk deploy), or name another with --stream'}`);
    }
    await client.send(new sdk.CreateStreamCommand({ StreamName: streamName(o.stream), ShardCount: o.createStream }));
    s = await describe();
  }
  for (let i = 0; s !== undefined && s.status !== 'ACTIVE' && i < 600; i++) {
    await sleep(100);
    s = await describe();
  }
  if (s === undefined || s.status !== 'ACTIVE') throw new KinesisTargetError(`stream ${o.stream} is not ACTIVE (${s?.status ?? 'gone'})`);
  return s.shards;
}

export async function runKinesis(test: LoadTestSpec, o: KinesisOptions): Promise<LoadTestReport> {
  const phases: Phase[] = [];
  const loadStart = loadavg();
  const startedAt = Date.now();
  const alone = await measureGenerator(test, o, phases, o.progress, true);
  const client = o.client ?? (await kinesisClient(o));
  try {
    const shards = await phase(phases, 'stream ready', undefined, () => ensureStream(client, o));
    const generator = newGenerator(test, o);
    const runStart = Date.now();
    let acked = 0;
    const tracker = o.consume === 'local' ? new Tracker(runStart, () => acked) : null;
    const stop = new AbortController();
    let consumer: Promise<unknown> | undefined;
    let consumerResult: Awaited<ReturnType<Processor['run']>> | undefined;
    if (tracker !== null) {
      rmSync(o.warehouse, { recursive: true, force: true });
      mkdirSync(o.warehouse, { recursive: true });
      tracker.start(500);
      const source = new KinesisSource({ stream: streamName(o.stream), client, idleMs: 50 });
      consumer = new Processor(test.dataset)
        .run(tracker.observe(source), { warehouse: o.warehouse, partitions: o.partitions, checkpoints: o.checkpoints, signal: stop.signal, onCommit: tracker.commit })
        .then((r) => {
          consumerResult = r;
        });
      // A consumer that fails stops the publisher's wait below.
      consumer.catch(() => stop.abort());
    }
    let stats: PublishStats | undefined;
    const ticker = setInterval(() => o.progress?.update({ phase: 'kinesis', done: acked, total: o.records, ...(tracker !== null ? { queryable: tracker.queryable } : {}), throttled: stats?.throttled ?? 0 }), 250);
    ticker.unref();
    const texts: string[] = [];
    const keys: string[] = [];
    let at = 0;
    let filled = 0;
    stats = await phase(phases, 'publish', o.records, () =>
      publish(
        client,
        o,
        () => {
          if (at >= texts.length) {
            texts.length = 0;
            keys.length = 0;
            at = 0;
            const n = Math.min(4096, o.records - filled);
            generator.fill(n, texts, keys);
            filled += n;
          }
          const e = { text: texts[at]!, key: keys[at]! };
          at++;
          return e;
        },
        (n) => (acked += n),
      ),
    );
    if (consumer !== undefined && tracker !== null) {
      // Drain: the consumer stops once it has read every acknowledged record.
      await phase(phases, 'drain to queryable', undefined, async () => {
        for (let i = 0; tracker.read < stats!.acknowledged && !stop.signal.aborted; i++) await sleep(20);
        stop.abort();
        await consumer;
      });
      tracker.stop();
    }
    clearInterval(ticker);
    o.progress?.done();
    const notes: string[] = [];
    if (stats.notPublished > 0) notes.push(`${stats.notPublished} records were not published (given up after ${o.maxAttempts} attempts, or larger than 1 MiB)`);
    if (tracker !== null && tracker.read > stats.acknowledged) notes.push(`the consumer read ${tracker.read - stats.acknowledged} more records than this run published: the stream held older records (use a fresh stream)`);
    const kinesis = {
      stream: o.stream,
      endpoint: o.endpoint ?? 'AWS',
      shards,
      requests: stats.requests,
      record_attempts: stats.recordAttempts,
      acknowledged: stats.acknowledged,
      throttled_records: stats.throttled,
      other_record_errors: stats.otherRecordErrors,
      request_errors: stats.requestErrors,
      retries: stats.retries,
      not_published: stats.notPublished,
      bytes: stats.bytes,
      error_codes: stats.errorCodes,
      publish_latency_ms: stats.publishLatency.summary(),
      concurrency: o.concurrency,
      max_requests_per_second: o.maxRequestsPerSecond,
      consume: o.consume,
      accounted: stats.acknowledged + stats.notPublished === o.records,
    };
    return buildReport({
      test,
      target: 'kinesis',
      startedAt,
      seed: o.seed,
      scale: o.scale,
      rate: o.rate,
      mix: o.mix,
      generator,
      generatorAlone: alone,
      metrics: consumerResult?.run ?? null,
      tracker,
      intake: { records: stats.acknowledged, firstAt: stats.firstSendAt ?? runStart, lastAt: stats.lastAckAt ?? runStart },
      phases,
      ...(consumerResult !== undefined ? { processorPhases: Object.fromEntries(Object.entries(consumerResult.phases).map(([k, v]) => [k, Math.round(v)])) } : {}),
      queryable:
        tracker !== null
          ? `From each record's arrival in the stream (Kinesis' ApproximateArrivalTimestamp) to the commit of the checkpoint covering it in the local warehouse of the dataset's processor reading the stream (the runtime's Kinesis source; a checkpoint every ${o.checkpoints.events} events or ${o.checkpoints.ms / 1000} s).`
          : 'Not measured: no processor of this run read the stream (--consume none). Publish latency (first PutRecords attempt to acknowledgement) is in kinesis.publish_latency_ms; on AWS, the freshness alarm watches the stream\'s iterator age.',
      checkpointPolicy: o.checkpoints,
      kinesis,
      notes,
      loadStart,
    });
  } finally {
    if (o.client === undefined) client.destroy();
  }
}
