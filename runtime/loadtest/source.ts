/**
 * The local target's source: the generator's events offered at a rate, as a stream would hold
 * them. Event i arrives at `start + i / rate` (its ingestion time, what `ingestion_time()` and
 * `system = ingestion` see); the processor reads whatever has arrived, so when it falls behind
 * the events wait, as they would in a stream, and that wait is part of their latency. With no
 * rate (`max`), an event arrives when the processor asks for it.
 */
import type { Lag } from '../metrics.ts';
import type { RecordBatch, Source, SourceOffset } from '../sources/source.ts';
import type { EventGenerator } from './generator.ts';

export interface GeneratorSourceOptions {
  readonly records: number;
  /** Events per second; null: as fast as the processor reads. */
  readonly rate: number | null;
  /** Largest batch handed to the processor (default 4096). */
  readonly batch?: number;
  /** Epoch ms of event 0's arrival (default: the first read). */
  readonly start?: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class GeneratorSource implements Source {
  readonly description = 'the load test generator';
  private produced = 0;
  private start: number | undefined;

  constructor(private readonly generator: EventGenerator, private readonly options: GeneratorSourceOptions) {
    this.start = options.start;
  }

  /** Events that had arrived by `now` (epoch ms). */
  arrivedBy(now: number): number {
    if (this.start === undefined) return 0;
    if (this.options.rate === null) return this.produced;
    return Math.min(this.options.records, Math.max(0, Math.floor(((now - this.start) * this.options.rate) / 1000) + 1));
  }

  private arrival(i: number): number {
    return this.start! + (i * 1000) / this.options.rate!;
  }

  async restore(offset: SourceOffset | undefined): Promise<void> {
    if (offset !== undefined) throw new Error('the load test starts from an empty table, but the warehouse has a committed checkpoint: remove it (or use another --warehouse)');
  }

  async next(): Promise<RecordBatch | null> {
    const total = this.options.records;
    if (this.produced >= total) return null;
    const max = this.options.batch ?? 4096;
    this.start ??= Date.now();
    let n: number;
    if (this.options.rate === null) n = Math.min(max, total - this.produced);
    else {
      // Wait until a batch worth 10 ms of events (or the rest) has arrived.
      const want = Math.min(max, total - this.produced, Math.max(1, Math.ceil(this.options.rate / 100)));
      for (;;) {
        const due = this.arrivedBy(Date.now()) - this.produced;
        if (due >= want) {
          n = Math.min(max, due);
          break;
        }
        await sleep(Math.max(1, Math.ceil(this.arrival(this.produced + want - 1) - Date.now())));
      }
    }
    const from = this.produced;
    const texts: string[] = [];
    this.generator.fill(n, texts);
    this.produced += n;
    let ingestionTime: number | number[];
    if (this.options.rate === null) ingestionTime = Date.now();
    else {
      const times = new Array<number>(n);
      for (let i = 0; i < n; i++) times[i] = Math.floor(this.arrival(from + i));
      ingestionTime = times;
    }
    return { texts, ingestionTime, position: (i) => ({ index: from + i }) };
  }

  offset(): SourceOffset {
    return { kind: 'array', index: this.produced };
  }

  lag(): Lag {
    if (this.options.rate === null || this.start === undefined || this.produced >= this.options.records) return { millisBehindLatest: 0 };
    return { millisBehindLatest: Math.max(0, Date.now() - this.arrival(this.produced)) };
  }

  async close(): Promise<void> {}
}
