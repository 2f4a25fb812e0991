/**
 * Progress on the terminal while a load test runs: one line rewritten in place (records, rate,
 * ETA, queryable, dead letters) on a TTY; nothing when stderr is not a terminal (CI logs get
 * the summary only).
 */
import { grouped } from './html.ts';

export interface ProgressState {
  readonly phase: string;
  readonly done: number;
  readonly total: number;
  readonly queryable?: number;
  readonly deadLetters?: number;
  readonly throttled?: number;
}

export class ProgressLine {
  private readonly tty: boolean;
  private last = 0;
  private lastDone = 0;
  private lastAt = 0;
  private rate = 0;
  private shown = false;

  constructor(private readonly out: NodeJS.WriteStream = process.stderr, enabled?: boolean) {
    this.tty = enabled ?? (out.isTTY === true && process.env['CI'] === undefined);
  }

  update(s: ProgressState): void {
    if (!this.tty) return;
    const now = Date.now();
    if (now - this.last < 200) return;
    if (this.lastAt > 0 && now > this.lastAt) {
      const r = ((s.done - this.lastDone) * 1000) / (now - this.lastAt);
      this.rate = this.rate === 0 ? r : 0.7 * this.rate + 0.3 * r;
    }
    this.last = now;
    this.lastAt = now;
    this.lastDone = s.done;
    const eta = this.rate > 0 ? Math.max(0, (s.total - s.done) / this.rate) : undefined;
    const parts = [
      `${s.phase} ${grouped(s.done)}/${grouped(s.total)}`,
      `${grouped(this.rate)}/s`,
      eta !== undefined ? `ETA ${eta < 90 ? `${Math.ceil(eta)} s` : `${Math.ceil(eta / 60)} min`}` : 'ETA ...',
      ...(s.queryable !== undefined ? [`queryable ${grouped(s.queryable)}`] : []),
      ...(s.deadLetters !== undefined ? [`dead letters ${grouped(s.deadLetters)}`] : []),
      ...(s.throttled !== undefined ? [`throttled ${grouped(s.throttled)}`] : []),
    ];
    const width = (this.out.columns ?? 0) > 20 ? this.out.columns : 120;
    this.out.write(`\r${parts.join(' · ').slice(0, width - 1).padEnd(Math.min(width - 1, 100))}`);
    this.shown = true;
  }

  done(): void {
    if (this.shown) this.out.write('\n');
    this.shown = false;
    this.lastAt = 0;
    this.rate = 0;
  }
}
