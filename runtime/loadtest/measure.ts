/**
 * What a load test measures while it runs: when each event arrived (the time the stream, or the
 * local source standing in for it, accepted it), when it was read by the processor, and when it
 * became queryable (the commit of the checkpoint that covers it). Latencies go into log-scale
 * histograms (1% resolution), overall and per second of arrival, so percentiles and their
 * course over the run cost a few counters per event, whatever the number of events.
 */
import type { Lag } from '../metrics.ts';
import type { RecordBatch, Source, SourceOffset } from '../sources/source.ts';

/** Latencies in milliseconds, in buckets `growth` apart (1% by default). */
export class Histogram {
  private counts = new Float64Array(64);
  count = 0;
  max = 0;
  sum = 0;
  private readonly growth: number;

  constructor(growth = 1.01) {
    this.growth = Math.log(growth);
  }

  private bucket(ms: number): number {
    return ms < 1 ? 0 : 1 + Math.floor(Math.log(ms) / this.growth);
  }

  add(ms: number, n = 1): void {
    const v = ms < 0 ? 0 : ms;
    const b = this.bucket(v);
    if (b >= this.counts.length) {
      const grown = new Float64Array(Math.max(b + 1, this.counts.length * 2));
      grown.set(this.counts);
      this.counts = grown;
    }
    this.counts[b]! += n;
    this.count += n;
    this.sum += v * n;
    if (v > this.max) this.max = v;
  }

  merge(other: Histogram): void {
    other.counts.forEach((c, b) => {
      if (c > 0) this.add(b === 0 ? 0 : Math.exp((b - 0.5) * other.growth), c);
    });
    if (other.max > this.max) this.max = other.max;
  }

  /** The q-quantile (0..1): the upper end of its bucket, at most the largest value seen; null when empty. */
  quantile(q: number): number | null {
    if (this.count === 0) return null;
    const want = q * this.count;
    let seen = 0;
    for (let b = 0; b < this.counts.length; b++) {
      seen += this.counts[b]!;
      if (seen >= want && this.counts[b]! > 0) return Math.min(this.max, b === 0 ? 1 : Math.exp(b * this.growth));
    }
    return this.max;
  }

  summary(): { p50: number | null; p95: number | null; p99: number | null; max: number | null; mean: number | null; count: number } {
    const r = (x: number | null): number | null => (x === null ? null : Math.round(x));
    return { p50: r(this.quantile(0.5)), p95: r(this.quantile(0.95)), p99: r(this.quantile(0.99)), max: this.count > 0 ? Math.round(this.max) : null, mean: this.count > 0 ? Math.round(this.sum / this.count) : null, count: this.count };
  }
}

/** A point of the run's course, every `sampleMs`. */
export interface Sample {
  /** Milliseconds since the run started. */
  readonly t: number;
  /** Events that had arrived (were offered) by then. */
  readonly arrived: number;
  /** Events the processor had read. */
  readonly read: number;
  /** Events committed (queryable). */
  readonly queryable: number;
}

/** Width of the latency chart's arrival bins. */
export const ARRIVAL_BIN_MS = 100;

interface ReadBatch {
  readonly count: number;
  readonly readAt: number;
  readonly arrivals: number | readonly number[];
}

/**
 * Follows the events through a job: wrap its source with `observe`, pass `commit` as the job's
 * `onCommit`. A commit covers what was read before the checkpoint took its source position
 * (the job asks the source for its offset when it takes the checkpoint).
 */
export class Tracker {
  readonly endToEnd = new Histogram();
  /** Read to queryable: what the processor and its checkpoints add. */
  readonly processing = new Histogram();
  /** Arrival to read: time waiting in the stream. */
  readonly waiting = new Histogram();
  /** End-to-end latency by tenth of a second of arrival (since start), at 5% resolution. */
  readonly byArrival: Histogram[] = [];
  readonly commits: { checkpoint: number; at: number; queryable: number; durationMs: number | null }[] = [];
  readonly samples: Sample[] = [];
  read = 0;
  queryable = 0;
  firstRead: number | null = null;
  lastRead: number | null = null;
  firstArrival: number | null = null;
  lastCommitAt: number | null = null;
  private readonly pending: ReadBatch[] = [];
  private readonly marks = new Map<string, { read: number; at: number }>();
  private timer: NodeJS.Timeout | undefined;

  constructor(readonly startedAt: number, private readonly arrivedBy: (now: number) => number) {}

  observe(source: Source): Source {
    const tracker = this;
    return {
      get description() {
        return source.description;
      },
      restore: (offset: SourceOffset | undefined) => source.restore(offset),
      async next(): Promise<RecordBatch | null> {
        const batch = await source.next();
        if (batch !== null && batch.texts.length > 0) tracker.onRead(batch);
        return batch;
      },
      offset(): SourceOffset {
        const o = source.offset();
        tracker.marks.set(JSON.stringify(o), { read: tracker.read, at: Date.now() });
        return o;
      },
      lag: (): Lag => source.lag(),
      close: () => source.close(),
    };
  }

  private onRead(batch: RecordBatch): void {
    const now = Date.now();
    const n = batch.texts.length;
    this.read += n;
    this.firstRead ??= now;
    this.lastRead = now;
    const a = batch.ingestionTime;
    const first = typeof a === 'number' ? a : a[0]!;
    if (this.firstArrival === null || first < this.firstArrival) this.firstArrival = first;
    this.pending.push({ count: n, readAt: now, arrivals: a });
    if (typeof a === 'number') this.waiting.add(now - a, n);
    else for (const x of a) this.waiting.add(now - x);
  }

  /** The job's onCommit. */
  commit = (checkpoint: number, _metrics: unknown, position: SourceOffset): void => {
    const now = Date.now();
    const key = JSON.stringify(position);
    const mark = this.marks.get(key);
    this.marks.delete(key);
    const covered = mark?.read ?? this.read;
    let released = this.queryable;
    while (this.pending.length > 0 && released + this.pending[0]!.count <= covered) {
      const b = this.pending.shift()!;
      released += b.count;
      this.processing.add(now - b.readAt, b.count);
      const a = b.arrivals;
      if (typeof a === 'number') this.arrival(a, now - a, b.count);
      else for (const x of a) this.arrival(x, now - x, 1);
    }
    this.queryable = released;
    this.lastCommitAt = now;
    this.commits.push({ checkpoint, at: now - this.startedAt, queryable: released, durationMs: mark !== undefined ? now - mark.at : null });
  };

  private arrival(at: number, latency: number, n: number): void {
    this.endToEnd.add(latency, n);
    const s = Math.max(0, Math.floor((at - this.startedAt) / ARRIVAL_BIN_MS));
    let h = this.byArrival[s];
    if (h === undefined) {
      for (let i = this.byArrival.length; i <= s; i++) this.byArrival[i] ??= new Histogram(1.05);
      h = this.byArrival[s]!;
    }
    h.add(latency, n);
  }

  sample(): void {
    const now = Date.now();
    this.samples.push({ t: now - this.startedAt, arrived: this.arrivedBy(now), read: this.read, queryable: this.queryable });
  }

  start(everyMs: number): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), everyMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.sample();
  }
}
