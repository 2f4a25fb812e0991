/** Messages between a job and its partition workers (pool.ts and worker.ts). */
import type { DatasetSpec } from '../dataset.ts';
import type { RestoredRows } from '../operators/bitemporal.ts';
import type { PartitionCheckpoint } from '../partition.ts';
import type { Position, Unreadable } from '../sources/source.ts';

/** Positions of a batch's events: file lines compactly, anything else as a list. */
export type WirePositions =
  | { readonly kind: 'lines'; readonly file: string; readonly lines: Float64Array }
  | { readonly kind: 'list'; readonly list: readonly Position[] };

export interface WireBatch {
  readonly texts: readonly string[];
  /** Records the source could not read, by index in `texts` (RecordBatch `unreadable`). */
  readonly unreadable?: ReadonlyMap<number, Unreadable>;
  readonly ingestionTime: number | readonly number[];
  readonly positions: WirePositions;
}

export interface WorkerInit {
  readonly spec: DatasetSpec;
  readonly partition: number;
  readonly partitions: number;
  readonly stagingDir: string;
  readonly dedupWindow?: number;
  /** partition.ts `PartitionOptions.core`. */
  readonly core?: 'typed' | 'reference';
}

export type ToWorker =
  | { readonly type: 'restoreState'; readonly dir: string; readonly id: number }
  | { readonly type: 'restoreRows'; readonly rows: RestoredRows }
  | { readonly type: 'finishRestore' }
  | { readonly type: 'batch'; readonly batch: WireBatch }
  | { readonly type: 'checkpoint'; readonly checkpointTmp: string | null; readonly full: boolean }
  | { readonly type: 'stop' };

export type FromWorker =
  | { readonly type: 'ready' }
  | { readonly type: 'stateRestored' }
  | { readonly type: 'restored'; readonly keys: number }
  | { readonly type: 'processed' }
  | { readonly type: 'checkpointed'; readonly result: PartitionCheckpoint }
  /** `warehouse`: a WarehouseError (a message for the user, not a crash). */
  | { readonly type: 'failed'; readonly message: string; readonly warehouse?: boolean };
