/**
 * Partitions on worker threads. The reading thread routes every event to the partition owning
 * its key (router.ts) and ships each partition its share of the batch; each worker maps,
 * validates and applies its events with its own keyed state, and at a checkpoint writes its own
 * staged rows and state file, in parallel with the others. The job then commits all partitions'
 * files in one transaction.
 *
 * Back pressure: at most `maxInFlight` batches wait per worker; reading pauses beyond that.
 */
import { totalmem } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { CheckpointStore } from '../checkpoint/store.ts';
import type { DatasetSpec } from '../dataset.ts';
import type { Engine } from '../job.ts';
import { restoredKey, type RestoredRows } from '../operators/bitemporal.ts';
import { partitionOf, type PartitionCheckpoint } from '../partition.ts';
import type { Position, RecordBatch, Unreadable } from '../sources/source.ts';
import { WarehouseError } from '../sink/duckdb.ts';
import type { FromWorker, ToWorker, WireBatch, WorkerInit } from './protocol.ts';
import { KeyRouter } from './router.ts';

export interface WorkerOptions {
  readonly stagingDir: string;
  readonly dedupWindow?: number | undefined;
  readonly core?: 'typed' | 'reference' | undefined;
  /** The worker script; defaults to the one beside this module (defaultWorker). */
  readonly worker?: { readonly url: URL; readonly execArgv?: readonly string[] } | undefined;
  readonly maxInFlight?: number;
}

interface Pending {
  readonly expect: FromWorker['type'];
  readonly resolve: (m: FromWorker) => void;
  readonly reject: (e: Error) => void;
}

class PartitionWorker {
  private readonly pending: Pending[] = [];
  private failure: Error | undefined;
  inFlight = 0;
  private drained: (() => void) | undefined;

  constructor(readonly worker: Worker, readonly partition: number) {
    worker.on('message', (m: FromWorker) => this.receive(m));
    worker.on('error', (e) => this.fail(e instanceof Error ? e : new Error(String(e))));
    worker.on('exit', (code) => {
      if (this.pending.length > 0) this.fail(new Error(`partition worker ${partition} exited (code ${code})`));
    });
  }

  private receive(m: FromWorker): void {
    if (m.type === 'failed') {
      this.fail(m.warehouse === true ? new WarehouseError(m.message) : new Error(`partition ${this.partition} failed: ${m.message}`));
      return;
    }
    if (m.type === 'processed') {
      this.inFlight--;
      const d = this.drained;
      this.drained = undefined;
      d?.();
      return;
    }
    const p = this.pending.shift();
    if (p === undefined || p.expect !== m.type) {
      this.fail(new Error(`partition ${this.partition}: unexpected '${m.type}'`));
      return;
    }
    p.resolve(m);
  }

  private fail(e: Error): void {
    this.failure ??= e;
    for (const p of this.pending.splice(0)) p.reject(e);
    const d = this.drained;
    this.drained = undefined;
    d?.();
  }

  /** Sends `message` (if any) and waits for the reply of type `expect`. */
  request<T extends FromWorker['type']>(message: ToWorker | null, expect: T): Promise<Extract<FromWorker, { type: T }>> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.pending.push({ expect, resolve: resolve as (m: FromWorker) => void, reject });
      if (message !== null) this.worker.postMessage(message);
    });
  }

  send(batch: WireBatch): void {
    this.sendMessage({ type: 'batch', batch });
  }

  /** Sends a message answered by 'processed' (counted for back pressure), transferring `transfer`. */
  sendMessage(message: ToWorker, transfer: readonly ArrayBuffer[] = []): void {
    if (this.failure !== undefined) throw this.failure;
    this.inFlight++;
    this.worker.postMessage(message, transfer);
  }

  /** Resolves once fewer than `max` batches wait. */
  async below(max: number): Promise<void> {
    while (this.inFlight >= max) {
      if (this.failure !== undefined) throw this.failure;
      await new Promise<void>((r) => (this.drained = r));
    }
    if (this.failure !== undefined) throw this.failure;
  }
}

/** A worker's old-generation limit in MB: its share of 60% of the memory, at least 4 GB. */
function oldGenerationMb(partitions: number): number {
  return Math.max(4096, Math.floor((0.6 * totalmem()) / (1 << 20) / partitions));
}

/** Rows per restore message to a worker. */
const RESTORE_BATCH = 16_384;

/** One worker's share of the restored rows, gathered in columns until sent. */
class RestoredRowsBuilder {
  count = 0;
  private keyColumns: unknown[][] = [];
  private templates = new Uint8Array(1 << 16);
  private used = 0;
  private templateAt: number[] = [];
  private times: number[] = [];

  add(from: RestoredRows, i: number): void {
    const k = from.keyColumns;
    if (this.keyColumns.length !== k.length) this.keyColumns = k.map(() => []);
    for (let c = 0; c < k.length; c++) this.keyColumns[c]!.push(k[c]![i]);
    const s = from.templateAt[2 * i]!;
    const e = from.templateAt[2 * i + 1]!;
    if (this.used + e - s > this.templates.length) {
      const grown = new Uint8Array(Math.max(2 * this.templates.length, this.used + e - s));
      grown.set(this.templates.subarray(0, this.used));
      this.templates = grown;
    }
    this.templates.set(from.templates.subarray(s, e), this.used);
    this.templateAt.push(this.used, this.used + e - s);
    this.used += e - s;
    const t = from.times;
    // A current-state table's rows have no times.
    if (t.length > 0) this.times.push(t[3 * i]!, t[3 * i + 1]!, t[3 * i + 2]!);
    this.count++;
  }

  take(): RestoredRows {
    const out: RestoredRows = {
      count: this.count, keyColumns: this.keyColumns, templates: this.templates.slice(0, this.used),
      templateAt: Int32Array.from(this.templateAt), times: Float64Array.from(this.times),
    };
    this.count = 0;
    this.keyColumns = this.keyColumns.map(() => []);
    this.used = 0;
    this.templateAt = [];
    this.times = [];
    return out;
  }
}

/**
 * The worker script beside this module: from the sources, worker.ts started through tsx
 * (worker-tsx.mjs); in the bundle a generated project vendors (lakec/runtime.js), the bundled
 * worker beside it (lakec/worker.js). The lakec CLI passes its own (compiler/dist/lakec-worker.js).
 */
function defaultWorker(): URL {
  return import.meta.url.endsWith('.ts') ? new URL('./worker-tsx.mjs', import.meta.url) : new URL('./worker.js', import.meta.url);
}

export class WorkerEngine implements Engine {
  private constructor(
    private readonly workers: PartitionWorker[],
    private readonly router: KeyRouter,
    private readonly maxInFlight: number,
  ) {}

  static async start(spec: DatasetSpec, partitions: number, options: WorkerOptions): Promise<WorkerEngine> {
    const url = options.worker?.url ?? defaultWorker();
    const execArgv = options.worker?.execArgv ?? [];
    const workers: PartitionWorker[] = [];
    const ready: Promise<unknown>[] = [];
    for (let p = 0; p < partitions; p++) {
      const init: WorkerInit = { spec, partition: p, partitions, stagingDir: options.stagingDir, ...(options.dedupWindow !== undefined ? { dedupWindow: options.dedupWindow } : {}), ...(options.core !== undefined ? { core: options.core } : {}) };
      // A young generation of 64 MB semi-spaces: the events' short-lived objects die there
      // instead of being promoted, which halves the garbage collector's share (docs/runtime.md).
      // The old generation holds the partition's keyed state: each worker may use its share of
      // 60% of the machine's memory (at least V8's default; --max-old-space-size overrides it).
      const resourceLimits = { maxYoungGenerationSizeMb: 192, maxOldGenerationSizeMb: oldGenerationMb(partitions) };
      const w = new PartitionWorker(new Worker(url, { workerData: init, execArgv: [...execArgv], resourceLimits }), p);
      ready.push(w.request(null, 'ready'));
      workers.push(w);
    }
    const engine = new WorkerEngine(workers, new KeyRouter(spec, partitions), options.maxInFlight ?? 4);
    try {
      await Promise.all(ready);
    } catch (e) {
      await engine.close();
      throw e;
    }
    return engine;
  }

  /** Events routed by reading the key from the text, and by parsing. */
  routing(): { fast: number; slow: number } {
    return { fast: this.router.fast, slow: this.router.slow };
  }

  /**
   * Restores the workers' state: each reads the state files (keeping the keys it owns), then
   * gets the current rows of its keys, in batches of about `RESTORE_BATCH` rows in columns
   * (`RestoredRows`, the buffers of templates and times transferred, not copied).
   */
  async restore(store: CheckpointStore | null, id: number, rows: AsyncIterable<RestoredRows>): Promise<void> {
    if (store !== null) await Promise.all(this.workers.map((w) => w.request({ type: 'restoreState', dir: store.dir, id }, 'stateRestored')));
    const n = this.workers.length;
    const parts = Array.from({ length: n }, () => new RestoredRowsBuilder());
    const send = async (p: number): Promise<void> => {
      const part = parts[p]!;
      if (part.count === 0) return;
      const w = this.workers[p]!;
      await w.below(this.maxInFlight);
      const batch = part.take();
      w.sendMessage({ type: 'restoreRows', rows: batch }, [batch.times.buffer as ArrayBuffer, batch.templates.buffer as ArrayBuffer, batch.templateAt.buffer as ArrayBuffer]);
    };
    for await (const chunk of rows) {
      for (let i = 0; i < chunk.count; i++) parts[partitionOf(restoredKey(chunk, i), n)]!.add(chunk, i);
      for (let p = 0; p < n; p++) if (parts[p]!.count >= RESTORE_BATCH) await send(p);
    }
    for (let p = 0; p < n; p++) await send(p);
    await Promise.all(this.workers.map((w) => w.request({ type: 'finishRestore' }, 'restored')));
  }

  async process(batch: RecordBatch): Promise<void> {
    const n = this.workers.length;
    const texts: string[][] = Array.from({ length: n }, () => []);
    const lines: number[][] = Array.from({ length: n }, () => []);
    const list: Position[][] = Array.from({ length: n }, () => []);
    const times: number[][] = Array.from({ length: n }, () => []);
    const perRecordTime = typeof batch.ingestionTime !== 'number';
    const src = batch.texts;
    const unreadable = batch.unreadable;
    const unreadableOf: Map<number, Unreadable>[] | undefined = unreadable !== undefined ? Array.from({ length: n }, () => new Map()) : undefined;
    for (let i = 0; i < src.length; i++) {
      const text = src[i]!;
      const p = this.router.partitionOf(text);
      const u = unreadable?.get(i);
      if (u !== undefined) unreadableOf![p]!.set(texts[p]!.length, u);
      texts[p]!.push(text);
      if (batch.lines !== undefined) lines[p]!.push(batch.lines.firstLine + i);
      else list[p]!.push(batch.position(i));
      if (perRecordTime) times[p]!.push((batch.ingestionTime as readonly number[])[i]!);
    }
    for (let p = 0; p < n; p++) {
      if (texts[p]!.length === 0) continue;
      const w = this.workers[p]!;
      await w.below(this.maxInFlight);
      const u = unreadableOf?.[p];
      w.send({
        texts: texts[p]!,
        ...(u !== undefined && u.size > 0 ? { unreadable: u } : {}),
        ingestionTime: perRecordTime ? times[p]! : (batch.ingestionTime as number),
        positions: batch.lines !== undefined ? { kind: 'lines', file: batch.lines.file, lines: Float64Array.from(lines[p]!) } : { kind: 'list', list: list[p]! },
      });
    }
  }

  async checkpoint(checkpointTmp: string | null, full: boolean): Promise<PartitionCheckpoint[]> {
    const results = await Promise.all(this.workers.map((w) => w.request({ type: 'checkpoint', checkpointTmp, full }, 'checkpointed')));
    return results.map((r) => r.result);
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
  }
}
