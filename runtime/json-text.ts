/**
 * Reading an event's JSON text where `JSON.parse` loses what the text says, and the text
 * checks every source shares:
 *
 * - `numberTextAt`: the literal text of the number at a path. `JSON.parse` reads every number
 *   as a double: `9007199254740993` becomes `9007199254740992` and a 20-digit decimal loses its
 *   last digits. The mapper reads such a number's own text instead (coerce.ts `Inexact`), only
 *   when the value is a number that may have been rounded, so the common event pays nothing.
 * - `isBlank`: a record that holds no event (empty, or JSON whitespace only).
 * - `isWellFormed` / `toWellFormed`: whether a string is valid Unicode (no lone UTF-16
 *   surrogate), which UTF-8, and so the warehouse, can store.
 */

/** Positions of a JSON text (one that JSON.parse accepted), as the small scanner below walks it. */
function skipSpace(text: string, i: number): number {
  for (;;) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13) i++;
    else return i;
  }
}

/** The index just after the string token starting at `i` (on its opening quote). */
function skipString(text: string, i: number): number {
  let j = text.indexOf('"', i + 1);
  // A quote preceded by an odd number of backslashes is escaped.
  for (;;) {
    let b = j - 1;
    while (text.charCodeAt(b) === 92) b--;
    if ((j - 1 - b) % 2 === 0) return j + 1;
    j = text.indexOf('"', j + 1);
  }
}

/** The index just after the value starting at `i`: iterative, so any nesting depth is fine. */
function skipValue(text: string, i: number): number {
  let depth = 0;
  for (;;) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      i = skipString(text, i);
    } else if (c === 123 || c === 91) {
      depth++;
      i++;
    } else if (c === 125 || c === 93) {
      depth--;
      i++;
    } else if (depth === 0) {
      // A number, true, false or null: up to the next delimiter.
      while (i < text.length) {
        const d = text.charCodeAt(i);
        if (d === 44 || d === 125 || d === 93 || d === 32 || d === 9 || d === 10 || d === 13) break;
        i++;
      }
      return i;
    } else {
      i++;
    }
    if (depth === 0) return i;
  }
}

/** The member name of the string token at [i, end): its text, decoded when it holds an escape. */
function memberName(text: string, i: number, end: number): string {
  const inner = text.slice(i + 1, end - 1);
  return inner.indexOf('\\') < 0 ? inner : (JSON.parse(text.slice(i, end)) as string);
}

/**
 * The start of the value at `segment` inside the object or array starting at `i`, as JSON.parse
 * reads it (of members with the same name, the last wins); -1 when there is none.
 */
function child(text: string, i: number, segment: string | number): number {
  const open = text.charCodeAt(i);
  if (open === 123 && typeof segment === 'string') {
    let found = -1;
    i = skipSpace(text, i + 1);
    while (text.charCodeAt(i) === 34) {
      const end = skipString(text, i);
      const name = memberName(text, i, end);
      const value = skipSpace(text, skipSpace(text, end) + 1);
      if (name === segment) found = value;
      i = skipSpace(text, skipValue(text, value));
      if (text.charCodeAt(i) === 44) i = skipSpace(text, i + 1);
    }
    return found;
  }
  if (open === 91 && typeof segment === 'number') {
    i = skipSpace(text, i + 1);
    for (let k = 0; text.charCodeAt(i) !== 93; k++) {
      if (k === segment) return i;
      i = skipSpace(text, skipValue(text, i));
      if (text.charCodeAt(i) === 44) i = skipSpace(text, i + 1);
    }
  }
  return -1;
}

/**
 * The literal text of the number at `segments` (a column's JSON path) in `text`, a JSON text
 * JSON.parse accepted; undefined when the value there is not a number.
 */
export function numberTextAt(text: string, segments: readonly (string | number)[]): string | undefined {
  let i = skipSpace(text, 0);
  for (const s of segments) {
    i = child(text, i, s);
    if (i < 0) return undefined;
  }
  const c = text.charCodeAt(i);
  if (c !== 45 && !(c >= 48 && c <= 57)) return undefined;
  return text.slice(i, skipValue(text, i));
}

/** A record that holds no event: empty, or only JSON whitespace (space, tab, CR, LF). */
export function isBlank(text: string): boolean {
  if (text.length === 0) return true;
  const c = text.charCodeAt(0);
  if (c !== 32 && c !== 9 && c !== 13 && c !== 10) return false;
  return skipSpace(text, 0) === text.length;
}

interface WellFormed {
  isWellFormed(): boolean;
  toWellFormed(): string;
}

/** Whether `s` is valid Unicode: no lone UTF-16 surrogate (which UTF-8 cannot encode). Node >= 20. */
export function isWellFormed(s: string): boolean {
  return (s as unknown as WellFormed).isWellFormed();
}

/** `s` with every lone surrogate replaced by U+FFFD. */
export function toWellFormed(s: string): string {
  return (s as unknown as WellFormed).toWellFormed();
}

/** The first lone surrogate of `s`, as `\udXXX` and its index, for messages. */
export function loneSurrogate(s: string): { escape: string; index: number } | undefined {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdfff) continue;
    if (c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        i++;
        continue;
      }
    }
    return { escape: `\\u${c.toString(16)}`, index: i };
  }
  return undefined;
}
