/**
 * A Kinesis stream source through the AWS SDK v3 (GetRecords on every shard). The position of an
 * event is its stream, shard and sequence number; the offset is the last sequence number handed
 * out per shard, and a restore continues AFTER_SEQUENCE_NUMBER (TRIM_HORIZON for a shard never
 * read). A child shard is read only once its parents are exhausted, so the events of a key stay
 * in order across a reshard. The arrival time of an event is Kinesis' ApproximateArrivalTimestamp.
 *
 * `bounded: true` stops once every shard is caught up (no records and MillisBehindLatest 0):
 * for tests, backfills and `lakec` runs over what a stream holds now.
 */
import { isUtf8 } from 'node:buffer';
import type { KinesisClient, Shard, _Record } from '@aws-sdk/client-kinesis';
import type { Lag } from '../metrics.ts';
import { notUtf8, type Position, type RecordBatch, type Source, type SourceOffset, type Unreadable } from './source.ts';

export interface KinesisSourceOptions {
  readonly stream: string;
  /** A client to use; by default one is created with the SDK's default configuration. */
  readonly client?: KinesisClient;
  /** Stop when every shard is caught up (default false: read until stopped). */
  readonly bounded?: boolean;
  /** Records per GetRecords call (default 1000; Kinesis allows 10,000). */
  readonly limit?: number;
  /** Pause when a pass over the shards found nothing (default 200 ms; Kinesis allows 5 calls per shard per second). */
  readonly idleMs?: number;
}

interface ShardReader {
  readonly id: string;
  readonly parents: readonly string[];
  iterator: string | undefined;
  /** Last sequence number handed out. */
  last: string | undefined;
  /** No more records will come (closed shard read to its end). */
  finished: boolean;
  caughtUp: boolean;
  behindMs: number;
}

export class KinesisSource implements Source {
  private client: KinesisClient | undefined;
  private sdk: typeof import('@aws-sdk/client-kinesis') | undefined;
  private shards: ShardReader[] = [];
  private next_ = 0;

  constructor(private readonly options: KinesisSourceOptions) {
    this.client = options.client;
  }

  get description(): string {
    return `kinesis stream ${this.options.stream}`;
  }

  private async api(): Promise<{ client: KinesisClient; sdk: typeof import('@aws-sdk/client-kinesis') }> {
    this.sdk ??= await import('@aws-sdk/client-kinesis');
    this.client ??= new this.sdk.KinesisClient({});
    return { client: this.client, sdk: this.sdk };
  }

  async restore(offset: SourceOffset | undefined): Promise<void> {
    if (offset !== undefined && (offset.kind !== 'kinesis' || offset.stream !== this.options.stream)) {
      throw new Error(`cannot resume ${this.description} from ${offset.kind === 'kinesis' ? `stream ${offset.stream}` : `a ${offset.kind} offset`}`);
    }
    const { client, sdk } = await this.api();
    const shards: Shard[] = [];
    let token: string | undefined;
    do {
      const r = await client.send(new sdk.ListShardsCommand(token !== undefined ? { NextToken: token } : { StreamName: this.options.stream }));
      shards.push(...(r.Shards ?? []));
      token = r.NextToken;
    } while (token !== undefined);
    const known = new Set(shards.map((s) => s.ShardId!));
    this.shards = shards
      .map((s) => ({
        id: s.ShardId!,
        parents: [s.ParentShardId, s.AdjacentParentShardId].filter((p): p is string => p !== undefined && known.has(p)),
        iterator: undefined,
        last: offset?.kind === 'kinesis' ? offset.shards[s.ShardId!] : undefined,
        finished: false,
        caughtUp: false,
        behindMs: 0,
      }))
      .sort((a, b) => (a.id < b.id ? -1 : 1));
  }

  private async iterator(shard: ShardReader): Promise<string | undefined> {
    const { client, sdk } = await this.api();
    const r = await client.send(
      new sdk.GetShardIteratorCommand(
        shard.last !== undefined
          ? { StreamName: this.options.stream, ShardId: shard.id, ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: shard.last }
          : { StreamName: this.options.stream, ShardId: shard.id, ShardIteratorType: 'TRIM_HORIZON' },
      ),
    );
    return r.ShardIterator;
  }

  /** Shards that may be read now: not finished, parents finished. */
  private readable(): ShardReader[] {
    const finished = new Set(this.shards.filter((s) => s.finished).map((s) => s.id));
    return this.shards.filter((s) => !s.finished && s.parents.every((p) => finished.has(p)));
  }

  async next(): Promise<RecordBatch | null> {
    const { client, sdk } = await this.api();
    for (;;) {
      const open = this.readable();
      if (open.length === 0) return null;
      if (this.options.bounded === true && open.every((s) => s.caughtUp)) return null;
      // One shard per call, round robin.
      const shard = open[this.next_++ % open.length]!;
      shard.iterator ??= await this.iterator(shard);
      if (shard.iterator === undefined) {
        shard.finished = true;
        continue;
      }
      let r;
      try {
        r = await client.send(new sdk.GetRecordsCommand({ ShardIterator: shard.iterator, Limit: this.options.limit ?? 1000 }));
      } catch (e) {
        if ((e as { name?: string }).name === 'ExpiredIteratorException') {
          shard.iterator = undefined;
          continue;
        }
        throw e;
      }
      const records: _Record[] = r.Records ?? [];
      shard.iterator = r.NextShardIterator;
      shard.behindMs = r.MillisBehindLatest ?? 0;
      if (shard.iterator === undefined || shard.iterator === null) shard.finished = true;
      shard.caughtUp = records.length === 0 && shard.behindMs === 0;
      if (records.length === 0) {
        if (open.every((s) => s.caughtUp) && this.options.bounded !== true) {
          // Nothing new anywhere: pause, then hand back an empty batch so that the job can
          // take a due checkpoint or notice that it was asked to stop.
          await sleep(this.options.idleMs ?? 200);
          return { texts: [], ingestionTime: Date.now(), position: () => ({ stream: this.options.stream, shard: shard.id, sequenceNumber: shard.last ?? '' }) };
        }
        continue;
      }
      shard.last = records[records.length - 1]!.SequenceNumber;
      const decoder = new TextDecoder();
      const stream = this.options.stream;
      const positions: Position[] = records.map((x) => ({ stream, shard: shard.id, sequenceNumber: x.SequenceNumber! }));
      // A record that is not UTF-8 is a dead letter with its bytes (the decoder shows them as U+FFFD).
      const unreadable = new Map<number, Unreadable>();
      records.forEach((x, i) => {
        if (x.Data !== undefined && !isUtf8(x.Data)) unreadable.set(i, notUtf8(x.Data)!);
      });
      return {
        texts: records.map((x) => decoder.decode(x.Data)),
        ...(unreadable.size > 0 ? { unreadable } : {}),
        ingestionTime: records.map((x) => x.ApproximateArrivalTimestamp?.getTime() ?? Date.now()),
        position: (i) => positions[i]!,
      };
    }
  }

  offset(): SourceOffset {
    const shards: Record<string, string> = {};
    for (const s of this.shards) if (s.last !== undefined) shards[s.id] = s.last;
    return { kind: 'kinesis', stream: this.options.stream, shards };
  }

  lag(): Lag {
    return { millisBehindLatest: this.shards.reduce((m, s) => Math.max(m, s.behindMs), 0) };
  }

  async close(): Promise<void> {
    // A client given by the caller stays the caller's to close.
    if (this.options.client === undefined) this.client?.destroy();
    this.client = undefined;
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
