/**
 * The bi-temporal core (DESIGN.md section 2): pure, synchronous, no I/O. A processor maps an
 * event to a `BitemporalEvent`, applies it to the key's `BitemporalKeyState` and writes the
 * `ApplyResult` to its sink. Append-only datasets (no `bitemporal` block) do not use it.
 */
export { BitemporalKeyState, DEFAULT_DEDUP_WINDOW, checkEvent, type KeyStateOptions } from './key-state.ts';
export {
  BitemporalTable,
  type DeadLetter,
  type TableMetrics,
  type TableRow,
  type TableRowSnapshot,
  type TableSnapshot,
} from './table.ts';
export { payloadKeyOf, payloadKeyOfRecord } from './payload.ts';
export {
  ApplyResult,
  BadEventReason,
  ChangeList,
  OPEN,
  type AppliedEventSnapshot,
  type BitemporalEvent,
  type CurrentRowSnapshot,
  type DeleteEvent,
  type KeyStateSnapshot,
  type LatePolicy,
  type Op,
  type PutEvent,
  type Version,
  type VersionId,
} from './types.ts';
