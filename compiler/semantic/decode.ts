/** Decoders from general block items and terms to typed, located values. */
import type { DiagnosticBag, Span } from '../diagnostics/diagnostic.ts';
import { didYouMean } from '../diagnostics/suggest.ts';
import type * as A from '../syntax/ast.ts';
import type { Duration, Located } from './symbols.ts';

export const codes = {
  unknownAttribute: 'LAKE1008',
  missingAttribute: 'LAKE1009',
  invalidValue: 'LAKE1010',
  duplicateAttribute: 'LAKE1011',
} as const;

const unitSeconds: Record<string, number> = {
  second: 1, minute: 60, hour: 3600, day: 86_400, week: 604_800, year: 31_536_000,
};
export const durationUnits = Object.keys(unitSeconds);

export function termsSpan(item: A.Item): Span {
  const first = item.terms[0];
  const last = item.terms[item.terms.length - 1];
  if (first === undefined || last === undefined) return item.span;
  return { file: first.span.file, start: first.span.start, end: last.span.end };
}

export function describeTerms(terms: readonly A.Term[]): string {
  if (terms.length === 0) return 'nothing';
  return terms.map(describeTerm).join(' ');
}

function describeTerm(t: A.Term): string {
  switch (t.kind) {
    case 'Name': return t.name;
    case 'String': return t.quote === 'double' ? JSON.stringify(t.value) : `'${t.value}'`;
    case 'Number': return t.text;
    case 'Path': return t.text;
    case 'Punct': return t.text;
    case 'List': return '[...]';
    case 'Map': return '{...}';
    case 'Call': return `${t.callee.name}(...)`;
    case 'Group': return '(...)';
  }
}

/** Reads one block's items against a table of known attributes. */
export class BlockReader {
  private readonly seen = new Map<string, A.Item>();

  constructor(
    private readonly bag: DiagnosticBag,
    private readonly what: string,
    private readonly known: readonly string[],
  ) {}

  /** Returns the items worth decoding; reports unknown and duplicate ones. */
  accept(items: readonly A.Item[]): Map<string, A.Item[]> {
    const out = new Map<string, A.Item[]>();
    for (const item of items) {
      const name = item.name.name;
      if (name === '') continue;
      if (!this.known.includes(name)) {
        const hint = didYouMean(name, this.known) ?? `${this.what} takes: ${this.known.join(', ')}`;
        const suggestion = didYouMean(name, this.known) !== undefined ? closestKnown(name, this.known) : undefined;
        this.bag.error(codes.unknownAttribute, item.name.span, `unknown ${this.what} item '${name}'`, hint,
          suggestion !== undefined ? [{ title: `Change to '${suggestion}'`, span: item.name.span, text: suggestion }] : undefined);
        continue;
      }
      const list = out.get(name) ?? [];
      list.push(item);
      out.set(name, list);
    }
    return out;
  }

  /** The single item of that name; later duplicates are reported. Repeatable items skip this. */
  single(items: Map<string, A.Item[]>, name: string): A.Item | undefined {
    const list = items.get(name);
    if (list === undefined) return undefined;
    for (const dup of list.slice(1)) {
      // No position in the text: the editor keeps this diagnostic while edits elsewhere move it.
      this.bag.error(codes.duplicateAttribute, dup.name.span, `'${name}' is set more than once in this ${this.what}`,
        `remove one of them: only the first '${name}' counts`);
    }
    this.seen.set(name, list[0]!);
    return list[0];
  }
}

function closestKnown(name: string, known: readonly string[]): string | undefined {
  const m = didYouMean(name, known);
  return m === undefined ? undefined : /'([^']+)'/.exec(m)?.[1];
}

export class Decoder {
  constructor(private readonly bag: DiagnosticBag) {}

  invalid(span: Span, message: string, hint?: string): undefined {
    this.bag.error(codes.invalidValue, span, message, hint);
    return undefined;
  }

  requireAssign(item: A.Item, example: string): boolean {
    if (item.block !== undefined) {
      this.invalid(item.span, `'${item.name.name}' takes a value, not a block`, `write it as ${example}`);
      return false;
    }
    if (item.terms.length === 0) {
      this.invalid(item.span, `'${item.name.name}' needs a value`, `write it as ${example}`);
      return false;
    }
    return true;
  }

  string(item: A.Item, example: string): Located<string> | undefined {
    if (!this.requireAssign(item, example)) return undefined;
    const t = item.terms[0]!;
    if (item.terms.length !== 1 || t.kind !== 'String') {
      return this.invalid(termsSpan(item), `'${item.name.name}' takes a string in double quotes, not ${describeTerms(item.terms)}`, `write it as ${example}`);
    }
    return { value: t.value, span: t.span };
  }

  /** A name from a closed set: `layer = raw`. */
  choice<T extends string>(item: A.Item, options: readonly T[]): Located<T> | undefined {
    const example = `${item.name.name} = ${options[0]}`;
    if (!this.requireAssign(item, example)) return undefined;
    return this.choiceTerms(item.terms, options, item.name.name, termsSpan(item));
  }

  choiceTerms<T extends string>(terms: readonly A.Term[], options: readonly T[], what: string, span: Span): Located<T> | undefined {
    const t = terms[0];
    const value = t?.kind === 'Name' ? t.name : t?.kind === 'String' ? t.value : undefined;
    if (terms.length !== 1 || value === undefined) {
      return this.invalid(span, `'${what}' takes one of ${options.join(', ')}; found ${describeTerms(terms)}`);
    }
    if (!(options as readonly string[]).includes(value)) {
      const hint = didYouMean(value, options) ?? `'${what}' takes one of ${options.join(', ')}`;
      this.bag.error(codes.invalidValue, t!.span, `'${value}' is not a valid ${what}`, hint);
      return undefined;
    }
    return { value: value as T, span: t!.span };
  }

  /** `N unit` at the start of `terms`; returns the value and how many terms it used. */
  durationAt(terms: readonly A.Term[], index: number, what: string, fallbackSpan: Span): { value: Located<Duration>; used: number } | undefined {
    const n = terms[index];
    const u = terms[index + 1];
    const example = `${what} = 7 days`;
    if (n?.kind !== 'Number') {
      this.invalid(n?.span ?? fallbackSpan, `expected a duration such as '7 days' for '${what}', found ${n === undefined ? 'nothing' : describeTerm(n)}`, `write it as ${example}`);
      return undefined;
    }
    if (u?.kind !== 'Name') {
      this.invalid(n.span, `the duration '${n.text}' needs a unit (${durationUnits.join(', ')})`, `for instance '${n.text} days'`);
      return undefined;
    }
    const unit = u.name.endsWith('s') ? u.name.slice(0, -1) : u.name;
    const factor = unitSeconds[unit];
    if (factor === undefined) {
      this.invalid(u.span, `'${u.name}' is not a unit of time`, didYouMean(u.name, [...durationUnits, ...durationUnits.map((d) => d + 's')]) ?? `use one of ${durationUnits.join(', ')}`);
      return undefined;
    }
    if (!Number.isFinite(n.value) || n.value <= 0 || !Number.isInteger(n.value)) {
      this.invalid(n.span, `a duration must be a positive whole number of ${u.name}, not ${n.text}`);
      return undefined;
    }
    const span = { file: n.span.file, start: n.span.start, end: u.span.end };
    return { value: { value: { seconds: n.value * factor, text: `${n.text} ${u.name}` }, span }, used: 2 };
  }

  duration(item: A.Item): Located<Duration> | undefined {
    if (!this.requireAssign(item, `${item.name.name} = 7 days`)) return undefined;
    const d = this.durationAt(item.terms, 0, item.name.name, item.span);
    if (d === undefined) return undefined;
    this.noMore(item.terms, d.used, item.name.name);
    return d.value;
  }

  /** A positive whole number. */
  count(t: A.Term | undefined, what: string, fallbackSpan: Span): Located<number> | undefined {
    if (t?.kind !== 'Number') {
      return this.invalid(t?.span ?? fallbackSpan, `expected a number for ${what}, found ${t === undefined ? 'nothing' : describeTerm(t)}`);
    }
    if (!Number.isInteger(t.value) || t.value <= 0) {
      return this.invalid(t.span, `${what} must be a positive whole number, not ${t.text}`);
    }
    return { value: t.value, span: t.span };
  }

  /** Reports terms after the expected ones. */
  noMore(terms: readonly A.Term[], used: number, what: string): void {
    if (terms.length <= used) return;
    const first = terms[used]!;
    const last = terms[terms.length - 1]!;
    this.invalid({ file: first.span.file, start: first.span.start, end: last.span.end },
      `unexpected ${describeTerms(terms.slice(used))} after the value of '${what}'`, 'put each item on its own line or separate items with ;');
  }

  tags(item: A.Item): { key: Located<string>; value: Located<string> }[] {
    if (!this.requireAssign(item, `${item.name.name} = { team: "data" }`)) return [];
    const t = item.terms[0]!;
    if (item.terms.length !== 1 || t.kind !== 'Map') {
      this.invalid(termsSpan(item), `'${item.name.name}' takes a map such as { team: "data" }, not ${describeTerms(item.terms)}`);
      return [];
    }
    const out: { key: Located<string>; value: Located<string> }[] = [];
    const seen = new Set<string>();
    for (const e of t.entries) {
      const v = e.value[0];
      if (e.value.length !== 1 || v?.kind !== 'String') {
        this.invalid(e.span, `the tag '${e.key.name}' takes a string value in double quotes`);
        continue;
      }
      if (seen.has(e.key.name)) {
        this.bag.error(codes.duplicateAttribute, e.key.span, `the tag '${e.key.name}' is set more than once`);
        continue;
      }
      seen.add(e.key.name);
      out.push({ key: { value: e.key.name, span: e.key.span }, value: { value: v.value, span: v.span } });
    }
    return out;
  }

  missing(span: Span, what: string, attribute: string, example: string): void {
    this.bag.error(codes.missingAttribute, span, `${what} needs '${attribute}'`, `add: ${example}`);
  }
}
