/**
 * Routes each event to the partition that owns its key (Flink's keyBy), on the reading thread,
 * without parsing the event when it can: for a key that is one top-level string or integer
 * field, the key is read straight from the text. The fast path is exact, not a guess: it is
 * taken only when the field's name occurs exactly once in the text, unescaped, followed by a
 * plain value, and the text holds no `\u` escape (which could spell the name another way).
 * Then that occurrence is the top-level field if there is one, and if there is none the event
 * is a dead letter whichever partition sees it. Every other event is parsed and its key
 * columns mapped as the partition will map them, so a key always lands on the same partition.
 */
import type { DatasetSpec } from '../dataset.ts';
import { RowMapper } from '../mapping.ts';
import { partitionOf } from '../partition.ts';

const INTEGER = /^(?:0|-?[1-9]\d{0,14})$/;

export class KeyRouter {
  private readonly pattern: string | undefined;
  private readonly integer: boolean;
  /** Maps the key of a parsed event exactly as the partition will. */
  private readonly mapper: RowMapper;
  private roundRobin = 0;
  /** Events routed without a parse, and with one (for the benchmark's report). */
  fast = 0;
  slow = 0;

  constructor(private readonly spec: DatasetSpec, private readonly partitions: number) {
    const keyColumns = spec.key.map((k) => spec.columns.find((c) => c.name === k)!);
    this.mapper = new RowMapper(spec);
    const only = keyColumns.length === 1 ? keyColumns[0]! : undefined;
    const t = only?.type;
    const simple = only !== undefined && only.source.kind === 'path' && only.source.segments.length === 1 && typeof only.source.segments[0] === 'string';
    const name = simple ? (only.source as { segments: readonly string[] }).segments[0]! : '';
    const nameIsPlain = !/["\\\u0000-\u001f]/.test(name);
    this.integer = t?.kind === 'primitive' && (t.name === 'int' || t.name === 'long');
    this.pattern = simple && nameIsPlain && t?.kind === 'primitive' && (t.name === 'string' || this.integer) ? `"${name}"` : undefined;
  }

  /** The partition of one event's text. */
  partitionOf(text: string): number {
    if (this.partitions === 1) return 0;
    if (this.spec.key.length === 0) {
      // No key, no keyed state: spread the events evenly.
      this.roundRobin = (this.roundRobin + 1) % this.partitions;
      return this.roundRobin;
    }
    const fast = this.fastKey(text);
    if (fast !== undefined) {
      this.fast++;
      return partitionOf(fast, this.partitions);
    }
    this.slow++;
    return partitionOf(this.parsedKey(text) ?? '', this.partitions);
  }

  private fastKey(text: string): string | undefined {
    const pattern = this.pattern;
    if (pattern === undefined) return undefined;
    const at = text.indexOf(pattern);
    if (at <= 0 || text.charCodeAt(at - 1) === 92 || text.indexOf(pattern, at + pattern.length) >= 0 || text.indexOf('\\u') >= 0) return undefined;
    let i = at + pattern.length;
    while (isSpace(text.charCodeAt(i))) i++;
    if (text.charCodeAt(i) !== 58 /* : */) return undefined;
    i++;
    while (isSpace(text.charCodeAt(i))) i++;
    if (this.integer) {
      let j = i;
      while (j < text.length && !isDelimiter(text.charCodeAt(j))) j++;
      const token = text.slice(i, j);
      return INTEGER.test(token) ? token : undefined;
    }
    if (text.charCodeAt(i) !== 34 /* " */) return undefined;
    const end = text.indexOf('"', i + 1);
    if (end < 0) return undefined;
    const value = text.slice(i + 1, end);
    // An escape would make the text differ from the value.
    return value.indexOf('\\') >= 0 ? undefined : value;
  }

  /** The key as the partition computes it (mapping.ts), or undefined for an event that will be rejected. */
  private parsedKey(text: string): string | undefined {
    let event: unknown;
    try {
      event = JSON.parse(text);
    } catch {
      return undefined;
    }
    return this.mapper.keyOfEvent(event, text);
  }
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

function isDelimiter(c: number): boolean {
  return c === 44 || c === 125 || c === 93 || isSpace(c);
}
