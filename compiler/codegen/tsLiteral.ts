/**
 * Prints a JSON-like value as a TypeScript literal the way a person would write it: unquoted keys
 * where they are identifiers, single-quoted strings, one line when it fits, and `/** doc *\/`
 * comments above the entries that carry one. Key order is the order the value was built in.
 */

/** Wraps a value so the printer writes a doc comment above it. */
export interface Documented {
  readonly __doc: string;
  readonly value: unknown;
}

export function documented(doc: string | undefined, value: unknown): unknown {
  return doc === undefined ? value : ({ __doc: doc, value } satisfies Documented);
}

function isDocumented(v: unknown): v is Documented {
  return typeof v === 'object' && v !== null && '__doc' in v && 'value' in v;
}

const identifier = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const width = 110;

/** Single quotes, or double quotes for a string with single quotes and no double quotes (as Prettier does). */
export function tsString(s: string): string {
  if (s.includes("'") && !s.includes('"')) {
    return `"${s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029')}"`;
  }
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029')}'`;
}

function key(k: string): string {
  return identifier.test(k) ? k : tsString(k);
}

/** A doc comment, wrapped at about 100 columns, `*\/` defused. */
export function docComment(doc: string, indent: string): string {
  const words = doc.replace(/\*\//g, '*\\/').split(/\s+/).filter((w) => w !== '');
  const lines: string[] = [];
  let line = '';
  for (const w of words) {
    if (line !== '' && indent.length + 3 + line.length + 1 + w.length > 100) {
      lines.push(line);
      line = w;
    } else line = line === '' ? w : `${line} ${w}`;
  }
  if (line !== '') lines.push(line);
  if (lines.length === 1) return `${indent}/** ${lines[0]} */\n`;
  return `${indent}/**\n${lines.map((l) => `${indent} * ${l}\n`).join('')}${indent} */\n`;
}

function inline(v: unknown): string | undefined {
  if (isDocumented(v)) return undefined;
  if (v === null) return 'null';
  if (typeof v === 'string') return tsString(v);
  if (typeof v === 'number') return Number.isFinite(v) ? (Number.isInteger(v) && Math.abs(v) >= 10_000 ? groupDigits(v) : String(v)) : 'NaN';
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) {
    const parts = v.map(inline);
    if (parts.some((p) => p === undefined)) return undefined;
    return `[${parts.join(', ')}]`;
  }
  if (typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
    if (entries.length === 0) return '{}';
    const parts = entries.map(([k, x]) => {
      const s = inline(x);
      return s === undefined ? undefined : `${key(k)}: ${s}`;
    });
    if (parts.some((p) => p === undefined)) return undefined;
    return `{ ${parts.join(', ')} }`;
  }
  throw new Error(`cannot print ${typeof v} as a literal`);
}

function groupDigits(n: number): string {
  const sign = n < 0 ? '-' : '';
  return sign + String(Math.abs(n)).replace(/\B(?=(\d{3})+(?!\d))/g, '_');
}

/** The literal, starting at the current position; continuation lines indented by `indent`. */
export function tsLiteral(v: unknown, indent = '', prefixLength = 0): string {
  const one = inline(v);
  if (one !== undefined && indent.length + prefixLength + one.length <= width) return one;
  const inner = `${indent}  `;
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    return `[\n${v.map((x) => entry(x, inner, '')).join('')}${indent}]`;
  }
  if (typeof v === 'object' && v !== null && !isDocumented(v)) {
    const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
    return `{\n${entries.map(([k, x]) => entry(x, inner, `${key(k)}: `)).join('')}${indent}}`;
  }
  if (one !== undefined) return one;
  throw new Error('unprintable value');
}

function entry(x: unknown, indent: string, prefix: string): string {
  if (isDocumented(x)) return `${docComment(x.__doc, indent)}${indent}${prefix}${tsLiteral(x.value, indent, prefix.length)},\n`;
  return `${indent}${prefix}${tsLiteral(x, indent, prefix.length)},\n`;
}
