/**
 * The append-only operator: datasets without a `bitemporal` block (such as a raw landing table
 * with `raw_payload()` and `ingestion_time()`) store every valid event as one row. No keyed
 * state: exactly-once comes from committing the rows with the source position (docs/runtime.md).
 */
import type { DatasetLayout } from '../dataset.ts';
import type { MappedEvent } from '../mapping.ts';
import type { Metrics } from '../metrics.ts';
import { fieldEncoder, type FieldEncoder, type StagedFile } from '../sink/csv.ts';

export class AppendOperator {
  private rows: StagedFile | undefined;
  private readonly encoders: FieldEncoder[];

  constructor(layout: DatasetLayout, private readonly metrics: Metrics) {
    this.encoders = layout.spec.columns.map((c) => fieldEncoder(c.type));
  }

  /** Where this checkpoint interval's rows go. */
  stageTo(rows: StagedFile): void {
    this.rows = rows;
  }

  apply(ev: MappedEvent): null {
    const enc = this.encoders;
    const values = ev.values;
    let line = '';
    for (let c = 0; c < enc.length; c++) {
      if (c > 0) line += ',';
      line += enc[c]!(values[c]);
    }
    this.rows!.line(line);
    this.metrics.changed++;
    this.metrics.rowsOut++;
    return null;
  }

  /** Closes this interval's staged rows: the file's path, or null when there was no row. */
  drainTable(): { rows: string | null } {
    const rows = this.rows?.close() ?? null;
    this.rows = undefined;
    return { rows };
  }
}
