/**
 * Layout of `columns { ... }` tables (docs/formatting.md, "Column tables").
 *
 * A table the user already aligned keeps its spacing: every row on one line, its cells (name,
 * type, `= source`, attributes) already in canonical form and separated by spaces only, and the
 * type of every row starting at the same column. Hand alignment beyond that (a wider name
 * column, attributes lined up after the sources) is the user's to choose, and re-formatting
 * reproduces it exactly. Any other table is aligned canonically: the name column is the
 * longest name + 1 wide, the type column the longest type + 1, then the sources, then the
 * attributes (in the source column on rows without a source). A cell wider than
 * WIDEST_ALIGNED does not widen its column: it overflows, one space before the next cell.
 */

/** Wider cells (a long `struct<...>` type, say) overflow instead of pushing every row right. */
export const WIDEST_ALIGNED = 40;

export interface TableRow {
  readonly name: string;
  /** Canonical texts; `undefined` when the row has no such cell. */
  readonly type: string | undefined;
  /** `= $.path` or `= raw_payload()`. */
  readonly source: string | undefined;
  readonly attributes: readonly string[];
  /**
   * Offsets of the cells after the name (type, source, attributes: those present, in order)
   * from the start of the name, when the row is written as canonical cells on one line with
   * spaces between them; `undefined` otherwise.
   */
  readonly written: readonly number[] | undefined;
}

/** The text of each row (without indentation). */
export function layoutTable(rows: readonly TableRow[]): string[] {
  return isAligned(rows) ? rows.map(keepRow) : alignCanonically(rows);
}

export function isAligned(rows: readonly TableRow[]): boolean {
  let typeAt: number | undefined;
  for (const row of rows) {
    if (row.written === undefined) return false;
    if (row.type === undefined) continue;
    const at = row.written[0]!;
    if (typeAt !== undefined && at !== typeAt) return false;
    typeAt = at;
  }
  return true;
}

function cellsAfterName(row: TableRow): string[] {
  return [...(row.type !== undefined ? [row.type] : []), ...(row.source !== undefined ? [row.source] : []), ...row.attributes];
}

function put(line: string, cell: string, column: number): string {
  return line.padEnd(Math.max(column, line.length + 1)) + cell;
}

function keepRow(row: TableRow): string {
  const cells = cellsAfterName(row);
  let line = row.name;
  cells.forEach((cell, i) => { line = put(line, cell, row.written![i]!); });
  return line;
}

function width(cells: readonly (string | undefined)[]): number {
  let w = 0;
  for (const c of cells) if (c !== undefined && c.length <= WIDEST_ALIGNED) w = Math.max(w, c.length + 1);
  return w;
}

function alignCanonically(rows: readonly TableRow[]): string[] {
  const nameWidth = width(rows.map((r) => r.name));
  const typeWidth = width(rows.map((r) => r.type));
  const sourceWidth = width(rows.map((r) => r.source));
  return rows.map((row) => {
    let line = row.name;
    if (row.type !== undefined) line = put(line, row.type, nameWidth);
    if (row.source !== undefined) line = put(line, row.source, nameWidth + typeWidth);
    row.attributes.forEach((a, i) => {
      const column = i > 0 ? 0 : row.source !== undefined ? nameWidth + typeWidth + sourceWidth : nameWidth + typeWidth;
      line = put(line, a, column);
    });
    return line;
  });
}
