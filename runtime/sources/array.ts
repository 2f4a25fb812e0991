/** An in-memory source: events given as JSON values or texts, for tests and small tools. */
import type { Lag } from '../metrics.ts';
import { isWellFormed, loneSurrogate } from '../json-text.ts';
import type { RecordBatch, Source, SourceOffset, Unreadable } from './source.ts';

export interface ArraySourceOptions {
  /** Records per batch (default 1024). */
  readonly batchSize?: number;
  /** Arrival time of each event: a fixed clock makes `ingestion_time()` reproducible. */
  readonly clock?: () => number;
}

export class ArraySource implements Source {
  readonly description = 'in-memory events';
  private index = 0;
  private readonly texts: string[];
  private readonly values: unknown[] | undefined;

  /** `events`: JSON values (objects as published) or their texts. */
  constructor(events: readonly unknown[], private readonly options: ArraySourceOptions = {}) {
    const allText = events.every((e) => typeof e === 'string');
    this.texts = events.map((e) => (typeof e === 'string' ? e : JSON.stringify(e)));
    this.values = allText ? undefined : events.map((e) => (typeof e === 'string' ? undefined : e));
  }

  async restore(offset: SourceOffset | undefined): Promise<void> {
    if (offset === undefined) this.index = 0;
    else if (offset.kind !== 'array') throw new Error(`cannot resume an in-memory source from a ${offset.kind} offset`);
    else this.index = offset.index;
  }

  async next(): Promise<RecordBatch | null> {
    if (this.index >= this.texts.length) return null;
    const from = this.index;
    const to = Math.min(this.texts.length, from + (this.options.batchSize ?? 1024));
    this.index = to;
    const values = this.values?.slice(from, to);
    const texts = this.texts.slice(from, to);
    // A text given by code may hold a lone surrogate: not Unicode, so not an event the table can keep.
    const unreadable = new Map<number, Unreadable>();
    texts.forEach((t, i) => {
      if (!isWellFormed(t)) {
        const lone = loneSurrogate(t)!;
        unreadable.set(i, { reason: `the event's text is not Unicode: it holds a lone UTF-16 surrogate (${lone.escape}) at character ${lone.index}` });
      }
    });
    return {
      texts,
      ...(unreadable.size > 0 ? { unreadable } : {}),
      ...(values !== undefined ? { values } : {}),
      ingestionTime: (this.options.clock ?? Date.now)(),
      position: (i) => ({ index: from + i }),
    };
  }

  offset(): SourceOffset {
    return { kind: 'array', index: this.index };
  }

  lag(): Lag {
    return {};
  }

  async close(): Promise<void> {}
}
