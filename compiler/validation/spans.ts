/**
 * Small helpers shared by validation rules: spans of block keywords, what a dataset
 * declaration wrote (so rules stay quiet about items the binder already rejected), and
 * number formatting for messages.
 */
import type { Span } from '../diagnostics/diagnostic.ts';
import { columnOf, type BoundLake, type ColumnSymbol, type DatasetSymbol, type Duration, type LakeType } from '../semantic/symbols.ts';

/** The keyword at the start of an item's span: `sla` in `sla { ... }`. */
export function keywordSpan(itemSpan: Span, keyword: string): Span {
  return { file: itemSpan.file, start: itemSpan.start, end: Math.min(itemSpan.end, itemSpan.start + keyword.length) };
}

export function joinSpans(a: Span, b: Span): Span {
  return { file: a.file, start: Math.min(a.start, b.start), end: Math.max(a.end, b.end) };
}

/** An empty span at `offset`: where a fix inserts text. */
export function pointSpan(file: string, offset: number): Span {
  return { file, start: offset, end: offset };
}

const itemNamesCache = new WeakMap<BoundLake, Map<string, ReadonlySet<string>>>();

/**
 * The item names a dataset declaration wrote (`from`, `key`, `sla`, ...), whether or not the
 * binder could decode them. A rule about a missing `key` checks this first: a `key` the binder
 * rejected is already reported, and saying it is missing would be a second diagnostic for
 * one mistake.
 */
export function writtenItems(lake: BoundLake, dataset: DatasetSymbol): ReadonlySet<string> {
  let byDecl = itemNamesCache.get(lake);
  if (byDecl === undefined) {
    byDecl = new Map();
    for (const file of lake.files) {
      for (const decl of file.declarations) {
        if (decl.kind !== 'Dataset') continue;
        const names = new Set<string>();
        for (const item of decl.items) names.add(item.kind === 'Columns' ? 'columns' : item.name.name);
        byDecl.set(`${decl.span.file}:${decl.span.start}`, names);
      }
    }
    itemNamesCache.set(lake, byDecl);
  }
  return byDecl.get(`${dataset.span.file}:${dataset.span.start}`) ?? new Set();
}

/**
 * A current-state dataset (model mode `current`): fed by a stream, with a key and no
 * `bitemporal` block, so one row per key, upserted. False when the binder rejected one of those
 * items: whatever the dataset was meant to be is unclear, and the mistake is reported already.
 */
export function isCurrentState(lake: BoundLake, ds: DatasetSymbol): boolean {
  if (ds.source === undefined || ds.key === undefined || ds.bitemporal !== undefined || ds.hasSyntaxErrors) return false;
  return !writtenItems(lake, ds).has('bitemporal');
}

/** Column lookup by name in constant time (the first declaration of a name wins). */
export const columnNamed = columnOf;

/** The span that removes item `i` of a comma-separated list with its comma (the list must hold more than one). */
export function listItemRemoval(list: readonly { readonly span: Span }[], i: number): Span {
  const c = list[i]!.span;
  return i > 0 ? { file: c.file, start: list[i - 1]!.span.end, end: c.end } : { file: c.file, start: c.start, end: list[i + 1]!.span.start };
}

/** `timestamp` or `timestamptz`; an undecodable type counts as one (it is reported already). */
export function isTimestampType(t: LakeType): boolean {
  return t.kind === 'unknown' || (t.kind === 'primitive' && (t.name === 'timestamp' || t.name === 'timestamptz'));
}

/** The span of the `?` that makes a column optional (the last character of its type). */
export function questionMarkSpan(column: ColumnSymbol): Span {
  return { file: column.typeSpan.file, start: column.typeSpan.end - 1, end: column.typeSpan.end };
}

/** 1234567 -> "1,234,567". */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: 2 });
}

export const secondsPerDay = 86_400;

/** `30 days`, or `1 year (365 days)` when the duration was written in another unit. */
export function inDays(d: Duration): string {
  const days = d.seconds / secondsPerDay;
  const text = `${formatCount(days)} ${days === 1 ? 'day' : 'days'}`;
  return /\bdays?$/.test(d.text) ? d.text : `${d.text} (${text})`;
}

/** `'a', 'b' and 'c'` (at most `max` names, then "and N more"). */
export function nameList(names: readonly string[], max = 5): string {
  const quoted = names.slice(0, max).map((n) => `'${n}'`);
  const rest = names.length - quoted.length;
  if (rest > 0) return `${quoted.join(', ')} and ${rest} more`;
  if (quoted.length <= 1) return quoted.join('');
  return `${quoted.slice(0, -1).join(', ')} and ${quoted[quoted.length - 1]}`;
}
