/**
 * Shared pieces of the robustness properties: the example specs as source sets, the invariants
 * every compilation must satisfy whatever the input, and generators built from the language's
 * vocabulary (tokens, near-valid declarations, edits of real specs).
 *
 * FC_NUM_RUNS=N overrides the number of runs of every property (for longer local fuzzing);
 * FC_SEED=N replays one seed.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { compile, type Compilation } from '../../compiler/driver/compile.ts';
import { hasErrors } from '../../compiler/diagnostics/diagnostic.ts';
import type { SourceFile } from '../../compiler/syntax/source.ts';
import { examples, root } from '../support/compile.ts';

// ------------------------------------------------------------------ configuration

/** The runs of one property: `fallback` unless FC_NUM_RUNS says otherwise. */
export function numRuns(fallback: number): number {
  const env = Number(process.env['FC_NUM_RUNS']);
  return Number.isInteger(env) && env > 0 ? env : fallback;
}

/** fast-check parameters for one property. */
export function params(runs: number): fc.Parameters<unknown> {
  const seed = Number(process.env['FC_SEED']);
  return { numRuns: numRuns(runs), ...(Number.isInteger(seed) ? { seed } : {}) };
}

/**
 * Only there to catch a hang or a blow-up (a healthy case takes a few milliseconds of CPU).
 * Measured in CPU time of this process, not wall time: other work on a busy machine delays a
 * case without adding to its CPU time, so the suite never flakes on a loaded CI runner.
 */
export const caseBudgetMs = 2_000;

/** CPU milliseconds this process has used (all its threads). */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

// ------------------------------------------------------------------ the examples

/** Each example as the list of files that form its lake (the iot example is a folder). */
export function exampleSources(): { name: string; files: SourceFile[] }[] {
  return examples.map((path) => {
    const abs = join(root, path);
    const names = statSync(abs).isDirectory()
      ? readdirSync(abs).filter((n) => n.endsWith('.lake')).sort().map((n) => `${path}/${n}`)
      : [path];
    return { name: path, files: names.map((p) => ({ path: p, text: readFileSync(join(root, p), 'utf8') })) };
  });
}

export const referenceSpec = 'examples/audit-surveillance.lake';

// ------------------------------------------------------------------ invariants

export interface Checked {
  readonly compilation: Compilation;
  readonly ms: number;
}

/** Slowest case seen per property, printed at the end of each file. */
export class Slowest {
  ms = 0;
  cases = 0;
  note(ms: number): void {
    this.cases++;
    if (ms > this.ms) this.ms = ms;
  }
  toString(): string {
    return `${this.cases} cases, slowest ${this.ms.toFixed(1)} ms of CPU`;
  }
}

const codePattern = /^LAKE\d{4}$/;
const severities = new Set(['error', 'warning', 'info']);

/**
 * Compiles `sources` and throws (so fast-check shrinks and reports the input) when any
 * invariant breaks: no exception, no hang, no internal error, every diagnostic well-formed
 * and inside its file, a model exactly when there are no errors.
 */
export function compileChecked(sources: readonly SourceFile[], slowest?: Slowest): Checked {
  const t0 = cpuMs();
  let c: Compilation;
  try {
    c = compile(sources);
  } catch (e) {
    throw new Error(`compile() threw: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  }
  const ms = cpuMs() - t0;
  slowest?.note(ms);
  const problems = invariantProblems(sources, c);
  if (ms > caseBudgetMs) problems.push(`compile() took ${ms.toFixed(0)} ms of CPU (budget ${caseBudgetMs} ms)`);
  if (problems.length > 0) throw new Error(problems.join('\n'));
  return { compilation: c, ms };
}

export function invariantProblems(sources: readonly SourceFile[], c: Compilation): string[] {
  const problems: string[] = [];
  const files = new Map(sources.map((s) => [s.path, s]));
  const inBounds = (what: string, span: { file: string; start: number; end: number }): void => {
    const f = files.get(span.file);
    if (f === undefined) {
      problems.push(`${what}: file '${span.file}' is not among the sources`);
      return;
    }
    const ok = Number.isInteger(span.start) && Number.isInteger(span.end) && span.start >= 0 && span.start <= span.end && span.end <= f.text.length;
    if (!ok) problems.push(`${what}: span ${span.start}..${span.end} outside 0..${f.text.length} of ${span.file}`);
  };
  for (const d of c.diagnostics) {
    const what = `${d.code} '${d.message}'`;
    if (d.code === 'LAKE0000') problems.push(`internal error: ${d.message}`);
    if (!codePattern.test(d.code)) problems.push(`${what}: code does not match LAKE + 4 digits`);
    if (typeof d.message !== 'string' || d.message.trim() === '') problems.push(`${what}: empty message`);
    if (!severities.has(d.severity)) problems.push(`${what}: severity '${String(d.severity)}'`);
    if (d.hint !== undefined && (typeof d.hint !== 'string' || d.hint.trim() === '')) problems.push(`${what}: empty hint`);
    inBounds(what, d.span);
    for (const fix of d.fixes ?? []) inBounds(`${what} fix '${fix.title}'`, fix.span);
  }
  const errors = hasErrors(c.diagnostics);
  if (errors && c.model !== undefined) problems.push('a lake with errors produced a model');
  if (!errors && c.model === undefined) problems.push('a lake without errors produced no model');
  return problems;
}

// ------------------------------------------------------------------ vocabulary

export const keywords = ['lake', 'zone', 'classification', 'stream', 'dataset', 'persona', 'grant', 'in', 'columns', 'on', 'to', 'where', 'except', 'and', 'or', 'not', 'is', 'null'];

/** Words that mean something inside values and blocks (attribute names, choices, units). */
export const valueWords = [
  'region', 'owner', 'encryption', 'tags', 'layer', 'retention', 'archive', 'format', 'partition_key', 'shards',
  'from', 'key', 'bitemporal', 'partition', 'by', 'sla', 'scaling', 'maintenance', 'valid', 'system', 'burst',
  'freshness', 'baseline', 'peak', 'for', 'at', 'kpu', 'compact', 'expire_snapshots', 'remove_orphans', 'access',
  'identity', 'after', 'records', 'record', 'within', 'glacier_ir', 'glacier', 'deep_archive', 'kms', 'raw', 'transformed',
  'curated', 'json', 'iceberg', 'parquet', 'on_demand', 'select', 'insert', 'delete', 'describe', 'alter', 'drop',
  'all', 'iam_role', 'sso_group', 'athena', 'quicksight', 'api', 'hourly', 'daily', 'weekly', 'ingestion', 'year',
  'month', 'day', 'hour', 'bucket', 'truncate', 'days', 'hours', 'minutes', 'minute', 'seconds', 'weeks', 'years',
  'raw_payload', 'ingestion_time', 'check', 'pii', 'confidential', 'true', 'false', 'TRUE',
  'sensitive', 'warnings_as_errors', 'LAKE6102', 'LAKE1003', 'system_from', 'system_to',
];

export const typeWords = ['string', 'int', 'long', 'float', 'double', 'boolean', 'date', 'timestamp', 'timestamptz', 'uuid', 'binary', 'decimal', 'list', 'map', 'struct', 'strng', 'varchar'];

/** Names the examples declare, so random text also hits resolved references. */
export const exampleNames = ['trades', 'trade_id', 'accounts', 'account_id', 'curated', 'raw', 'trade_events', 'valid_from', 'valid_to', 'recorded_at', 'compliance_it', 'business_users', 'venue', 'symbol', 'orders', 'order_id'];

export const punctuation = ['{', '}', '(', ')', '[', ']', ',', ':', ';', '..', '?', '@', '<>', '!=', '<=', '>=', '<', '>', '=', '-', '.', '/', '*', '!', '#', '%', '&', '|', '^', '~', '+', '`', '\\', '$'];

const weirdChars = [
  '\u0000', '\t', '\r', '\n', '\r\n', '\f', '\v', '\u00a0', '\u2028', '\u2029', '\u200b', '\u202e', '\ufeff',
  'é', 'ß', 'İ', '日本', '🙂', '👩‍💻', 'e\u0301', '\ud800', '\udfff', '\u{10ffff}',
];

const nameArb = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,12}$/);
const stringBody = fc.array(fc.oneof(fc.constantFrom('a', ' ', '\\"', '\\\\', '\\n', "'", '\t', 'é', '🙂', '\\'), fc.string({ maxLength: 4 })), { maxLength: 6 }).map((p) => p.join('').replace(/[\n\r]/g, ' '));

export const tokenArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...keywords) },
  { weight: 4, arbitrary: fc.constantFrom(...valueWords) },
  { weight: 2, arbitrary: fc.constantFrom(...typeWords) },
  { weight: 2, arbitrary: fc.constantFrom(...exampleNames) },
  { weight: 3, arbitrary: nameArb },
  { weight: 5, arbitrary: fc.constantFrom(...punctuation) },
  { weight: 1, arbitrary: stringBody.map((s) => `"${s.replace(/\\$/, '')}"`) },
  { weight: 1, arbitrary: stringBody.map((s) => `'${s.replace(/'/g, "''")}'`) },
  { weight: 1, arbitrary: stringBody.map((s) => `"${s}`) },
  { weight: 1, arbitrary: stringBody.map((s) => `'${s}`) },
  { weight: 2, arbitrary: fc.constantFrom('0', '1', '16', '18', '512', '150_000_000', '1.5', '1__2', '007', '99999999999999999999999', '1e9', '4_', '0.0001') },
  { weight: 1, arbitrary: fc.nat().map(String) },
  { weight: 2, arbitrary: fc.constantFrom('$', '$.', '$.a', '$.instrument.symbol', '$[0]', '$.items[12].sku', '$["odd key"]', '$["unterminated', '$..a', '$.a.', '$[x]', '$.9') },
  { weight: 1, arbitrary: stringBody.map((s) => `// ${s}\n`) },
  { weight: 1, arbitrary: stringBody.map((s) => `/// ${s}\n`) },
  { weight: 1, arbitrary: stringBody.map((s) => `/* ${s} */`) },
  { weight: 1, arbitrary: fc.constantFrom('/*', '/* never closed', '*/', '/**/', '/*/', '///', '//') },
  { weight: 2, arbitrary: fc.constantFrom(...weirdChars) },
  { weight: 1, arbitrary: fc.string({ maxLength: 3, unit: 'binary' }) },
  { weight: 1, arbitrary: fc.constantFrom('"cron(0 20 ? * MON-FRI *)"', '"arn:aws:iam::123456789012:role/x"', '"us-east-1"', '"a@example.com"') },
);

export const separatorArb = fc.constantFrom(' ', ' ', ' ', '', '\n', '\n', '\r\n', '\t', '  ', '\n\n');

/** A random sequence of tokens from the language's vocabulary, randomly separated. */
export const tokenSoupArb: fc.Arbitrary<string> = fc
  .array(fc.tuple(tokenArb, separatorArb), { maxLength: 80 })
  .map((parts) => parts.map(([t, s]) => t + s).join(''));

// ------------------------------------------------------------------ near-valid declarations

const termArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: tokenArb },
  { weight: 1, arbitrary: fc.array(tokenArb, { maxLength: 4 }).map((ts) => `[${ts.join(', ')}]`) },
  { weight: 1, arbitrary: fc.array(tokenArb, { maxLength: 4 }).map((ts) => `(${ts.join(', ')})`) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('day', 'bucket', 'identity', 'truncate', 'raw_payload', 'f'), fc.array(tokenArb, { maxLength: 3 })).map(([f, ts]) => `${f}(${ts.join(', ')})`) },
  { weight: 1, arbitrary: fc.array(fc.tuple(nameArb, tokenArb), { maxLength: 3 }).map((es) => `{ ${es.map(([k, v]) => `${k}: ${v}`).join(', ')} }`) },
);

const typeArb: fc.Arbitrary<string> = fc.letrec<{ type: string }>((tie) => ({
  type: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(...typeWords),
    fc.tuple(fc.constantFrom('decimal', 'string', 'decimal'), fc.array(fc.constantFrom('18', '4', '0', '39', 'x', '-1'), { maxLength: 3 })).map(([t, ps]) => `${t}(${ps.join(', ')})`),
    fc.tuple(fc.constantFrom('list', 'map', 'struct', 'int'), fc.array(fc.tuple(fc.option(nameArb), tie('type')), { maxLength: 3 }))
      .map(([t, args]) => `${t}<${args.map(([n, a]) => (n === null ? a : `${n}: ${a}`)).join(', ')}>`),
  ).chain((t) => fc.constantFrom(t, `${t}?`)),
})).type;

const exprArb: fc.Arbitrary<string> = fc.letrec<{ expr: string }>((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.tuple(fc.constantFrom(...exampleNames, 'x'), fc.constantFrom('=', '<>', '!=', '<', '>=', 'in', 'is null', 'is not null', 'not in'), fc.constantFrom("'TEST'", '0', '-1.5', '"BUY"', 'null', 'true', '("a", "b")', '(1, 2', ''))
      .map((ps) => ps.join(' ')),
    fc.tuple(tie('expr'), fc.constantFrom('and', 'or', 'and not', ''), tie('expr')).map((ps) => ps.join(' ')),
    tie('expr').map((e) => `(${e})`),
    tie('expr').map((e) => `not ${e}`),
  ),
})).expr;

const columnArb = fc
  .tuple(nameArb, fc.option(typeArb), fc.option(fc.constantFrom('= $.a.b', '= raw_payload()', '= ingestion_time()', '= $[0]', '= f(1)', '= $', '=')), fc.array(fc.oneof(fc.constantFrom('@pii', '@confidential', '@check', '@', '@nope(1)'), exprArb.map((e) => `@check(${e})`)), { maxLength: 2 }))
  .map(([n, t, s, as]) => [n, t ?? '', s ?? '', ...as].join(' '));

const itemArb = fc.letrec<{ item: string; block: string }>((tie) => ({
  item: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.tuple(fc.constantFrom(...valueWords), fc.constantFrom('=', '= ', '', ':'), fc.array(termArb, { maxLength: 5 })).map(([n, eq, ts]) => `${n} ${eq} ${ts.join(' ')}`),
    fc.tuple(fc.constantFrom('bitemporal', 'sla', 'scaling', 'maintenance', 'tags', 'columns', 'x'), tie('block')).map(([n, b]) => `${n} ${b}`),
    fc.array(columnArb, { maxLength: 5 }).map((cs) => `columns {\n    ${cs.join('\n    ')}\n  }`),
  ),
  block: fc.array(tie('item'), { maxLength: 4 }).chain((items) => fc.constantFrom(`{\n  ${items.join('\n  ')}\n}`, `{ ${items.join('; ')} }`, `{\n  ${items.join('\n  ')}\n`)),
}));

const grantArb = fc
  .tuple(
    fc.array(fc.constantFrom('select', 'insert', 'describe', 'all', 'selct', ''), { minLength: 1, maxLength: 3 }),
    fc.oneof(
      fc.constantFrom(...exampleNames, 'zone curated', 'zone', ''),
      fc.tuple(fc.constantFrom('trades', 'accounts', 'x'), fc.array(fc.constantFrom(...exampleNames), { maxLength: 3 })).map(([d, cs]) => `${d} (${cs.join(', ')})`),
      fc.tuple(fc.constantFrom('trades', 'accounts'), fc.array(fc.constantFrom(...exampleNames), { maxLength: 3 })).map(([d, cs]) => `${d} except (${cs.join(', ')})`),
      fc.constantFrom('trades except @pii', 'trades except @', 'trades except'),
    ),
    fc.constantFrom('compliance_it', 'business_users', 'nobody', ''),
    fc.option(exprArb),
  )
  .map(([ps, target, persona, where]) => `grant ${ps.join(', ')} on ${target} to ${persona}${where === null ? '' : `\n  where ${where}`}`);

/** Declarations shaped like the language, with random holes: gets past the parser into binding and rules. */
export const declarationArb: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(fc.constantFrom('lake', 'zone', 'stream', 'persona', 'dataset', 'dataset'), fc.oneof(fc.constantFrom(...exampleNames), nameArb), fc.constantFrom('', ' in curated', ' in raw', ' in', ' in nowhere'), itemArb.block)
    .map(([kw, n, zone, body]) => `${kw} ${n}${kw === 'dataset' ? zone : ''} ${body}`),
  fc.tuple(fc.oneof(fc.constantFrom(...exampleNames), nameArb), fc.option(itemArb.block)).map(([n, b]) => `classification ${n}${b === null ? '' : ` ${b}`}`),
  grantArb,
);

export const declarationsArb: fc.Arbitrary<string> = fc
  .array(fc.tuple(fc.option(fc.constantFrom('/// doc\n', '// note\n', '/* c */ ')), declarationArb), { maxLength: 8 })
  .map((ds) => ds.map(([doc, d]) => (doc ?? '') + d).join('\n\n'));

// ------------------------------------------------------------------ edits of real specs

export type Edit =
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'insert'; at: number; text: string }
  | { kind: 'replace'; at: number; length: number; text: string }
  | { kind: 'duplicate'; from: number; length: number; to: number }
  | { kind: 'move-line'; from: number; to: number }
  | { kind: 'truncate'; at: number };

const pos = fc.nat({ max: 1_000_000 });

export const editArb: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: pos, length: fc.integer({ min: 1, max: 60 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: pos, text: fc.oneof(tokenArb, tokenSoupArb, declarationArb) }),
  fc.record({ kind: fc.constant('replace' as const), at: pos, length: fc.integer({ min: 1, max: 20 }), text: tokenArb }),
  fc.record({ kind: fc.constant('duplicate' as const), from: pos, length: fc.integer({ min: 1, max: 400 }), to: pos }),
  fc.record({ kind: fc.constant('move-line' as const), from: pos, to: pos }),
  fc.record({ kind: fc.constant('truncate' as const), at: pos }),
);

/** Applies an edit; positions are taken modulo the text's length, so every edit applies. */
export function applyEdit(text: string, e: Edit): string {
  const at = (n: number): number => n % (text.length + 1);
  switch (e.kind) {
    case 'delete': { const a = at(e.at); return text.slice(0, a) + text.slice(a + e.length); }
    case 'insert': { const a = at(e.at); return text.slice(0, a) + e.text + text.slice(a); }
    case 'replace': { const a = at(e.at); return text.slice(0, a) + e.text + text.slice(a + e.length); }
    case 'duplicate': {
      const f = at(e.from);
      const piece = text.slice(f, f + e.length);
      const t = at(e.to);
      return text.slice(0, t) + piece + text.slice(t);
    }
    case 'move-line': {
      const lines = text.split('\n');
      const [line] = lines.splice(e.from % lines.length, 1);
      lines.splice(e.to % (lines.length + 1), 0, line!);
      return lines.join('\n');
    }
    case 'truncate': return text.slice(0, at(e.at));
  }
}
