/**
 * The engine's first look at an event: one pass over its JSON text as UTF-8 bytes, which
 * decides whether `JSON.parse` would accept it as an object and records where the members the
 * dataset maps are, without building a string or an object.
 *
 * The pass is exact where it says yes. It accepts a text only if it is a JSON object under
 * ECMA-404's grammar, which is what `JSON.parse` implements (whitespace is space, tab, LF and
 * CR; no trailing commas, comments, NaN or leading zeros; no control character inside a
 * string), and only in forms that DuckDB's JSON reader would read the same way too (so that a
 * DuckDB stage, planned, can store payload columns from the same text): no lone UTF-16
 * surrogate escape anywhere (DuckDB refuses the whole text, `JSON.parse` reads it), no escape
 * in a mapped member's name, nesting at most `MAX_DEPTH` deep. Anything else is `OTHER`: the
 * event goes to the row mapper of mapping.ts, which decides as it always did. Where the pass
 * cannot tell, it says `OTHER`; it never says yes to a text the mapper would read differently
 * (test/runtime/engine/fast-mapper.test.ts compares the two on fixtures and random events).
 *
 * The mapped members form a tree (`ScanPlan`): top-level names, and under a name whose value
 * a path reads into (`$.instrument.symbol`), that object's names. Each node of the tree is an
 * "entry"; for each one the pass records how often the member occurred in this event (a
 * duplicate name is read last-wins by `JSON.parse` and first-wins by DuckDB, so the fast path
 * refuses it), its JSON type and where its value is.
 */

/** JSON types of a recorded value. */
export const NULL = 1;
export const STRING = 2;
export const NUMBER = 3;
export const TRUE = 4;
export const FALSE = 5;
export const OBJECT = 6;
export const ARRAY = 7;

/** What `Scanner.scan` found. */
export const BLANK = 0;
/** A JSON object `JSON.parse` accepts, its mapped members recorded. */
export const SCANNED = 1;
/** Anything else: not JSON, not an object, or a form the fast path leaves to the row mapper. */
export const OTHER = 2;

/** Recorded value flags. */
/** A string value holds an escape sequence (its bytes are not its value). */
export const ESCAPED = 1;
/** A number has a fraction or an exponent. */
export const NOT_INTEGER = 2;

/** Deeper nesting (in members no column reads) goes to the row mapper. */
export const MAX_DEPTH = 512;

interface PlanNode {
  readonly names: Uint8Array[];
  readonly entries: number[];
  /** The node of an entry whose value a path reads into, else null. */
  readonly children: (PlanNode | null)[];
  /** Where the last member matched: events usually list their members in one order. */
  guess: number;
}

/** The tree of mapped member names, built once per dataset. */
export class ScanPlan {
  readonly root: PlanNode = { names: [], entries: [], children: [], guess: 0 };
  /** Entries in creation order; `parent[e]` is the entry whose object holds e (-1 at the top). */
  readonly parent: number[] = [];
  readonly names: string[] = [];

  /**
   * The entry of a path of member names (created on first use), and the entries on the way to
   * it, outermost first (the path's own entry last).
   */
  add(segments: readonly string[]): number[] {
    let node = this.root;
    let parent = -1;
    const path: number[] = [];
    for (let s = 0; s < segments.length; s++) {
      const name = segments[s]!;
      const bytes = Buffer.from(name, 'utf8');
      let k = node.names.findIndex((n) => Buffer.compare(n, bytes) === 0);
      if (k < 0) {
        k = node.names.length;
        node.names.push(bytes);
        node.entries.push(this.parent.length);
        node.children.push(null);
        this.parent.push(parent);
        this.names.push(name);
      }
      const entry = node.entries[k]!;
      path.push(entry);
      if (s < segments.length - 1) {
        node.children[k] ??= { names: [], entries: [], children: [], guess: 0 };
        node = node.children[k]!;
      }
      parent = entry;
    }
    return path;
  }

  /** Whether an entry is both read as a value and read into (a path is a prefix of another). */
  isPrefix(entry: number): boolean {
    return this.parent.includes(entry);
  }

  get entryCount(): number {
    return this.parent.length;
  }
}

/** 1 for the bytes that end a run of plain string content: a quote, a backslash, a control character. */
const SPECIAL = new Uint8Array(256);
for (let c = 0; c < 32; c++) SPECIAL[c] = 1;
SPECIAL[34] = 1;
SPECIAL[92] = 1;

const isWs = (c: number): boolean => c === 32 || c === 10 || c === 13 || c === 9;

function hex(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const l = c | 32;
  return l >= 97 && l <= 102 ? l - 87 : -1;
}

/**
 * One scanner per dataset, reused for every event (not re-entrant). After `scan` returns
 * `SCANNED`, `seen(e)` says whether entry e occurred, and `count`, `type`, `start`, `end` and
 * `flags` describe it (a string's range is inside its quotes).
 */
export class Scanner {
  readonly count: Uint8Array;
  readonly type: Uint8Array;
  readonly flags: Uint8Array;
  readonly start: Int32Array;
  readonly end: Int32Array;
  private readonly epochOf: Int32Array;
  private epoch = 0;
  private readonly stack = new Uint8Array(MAX_DEPTH + 1);

  constructor(readonly plan: ScanPlan) {
    const n = Math.max(1, plan.entryCount);
    this.count = new Uint8Array(n);
    this.type = new Uint8Array(n);
    this.flags = new Uint8Array(n);
    this.start = new Int32Array(n);
    this.end = new Int32Array(n);
    this.epochOf = new Int32Array(n);
  }

  /** Whether entry `e` occurred in the event last scanned. */
  seen(e: number): boolean {
    return this.epochOf[e] === this.epoch;
  }

  /** Scans the text `b[from, to)`: BLANK, SCANNED or OTHER. */
  scan(b: Uint8Array, from: number, to: number): number {
    if (++this.epoch === 0x7fffffff) {
      this.epochOf.fill(0);
      this.epoch = 1;
    }
    let i = from;
    while (i < to && isWs(b[i]!)) i++;
    if (i === to) return BLANK;
    if (b[i] !== 123) return OTHER;
    i = this.object(b, i, to, this.plan.root);
    if (i < 0) return OTHER;
    while (i < to && isWs(b[i]!)) i++;
    return i === to ? SCANNED : OTHER;
  }

  /** The object at `b[i]` (`{`) of a mapped level: the index after it, or -1. */
  private object(b: Uint8Array, i: number, to: number, node: PlanNode): number {
    i++;
    while (i < to && isWs(b[i]!)) i++;
    if (i < to && b[i] === 125) return i + 1;
    for (;;) {
      if (i >= to || b[i] !== 34) return -1;
      // The member's name: usually the one after the last one matched, compared in place.
      const ns = i + 1;
      let k = guessed(node, b, ns, to);
      let ne: number;
      if (k >= 0) {
        ne = ns + node.names[k]!.length;
      } else {
        let j = ns;
        let escaped = false;
        for (;;) {
          let c = b[j]!;
          while (SPECIAL[c] === 0) c = b[++j]!;
          if (j >= to) return -1;
          if (c === 34) break;
          if (c !== 92) return -1;
          escaped = true;
          j = this.escape(b, j, to);
          if (j < 0) return -1;
        }
        ne = j;
        // An escaped name may spell a mapped one: the row mapper reads such events.
        if (escaped) return -1;
        k = match(node, b, ns, ne);
      }
      i = ne + 1;
      while (i < to && isWs(b[i]!)) i++;
      if (i >= to || b[i] !== 58) return -1;
      i++;
      while (i < to && isWs(b[i]!)) i++;
      if (i >= to) return -1;
      if (k >= 0) {
        i = this.member(b, i, to, node.entries[k]!, node.children[k]!);
      } else {
        i = this.skipValue(b, i, to);
      }
      if (i < 0) return -1;
      while (i < to && isWs(b[i]!)) i++;
      if (i >= to) return -1;
      const c = b[i]!;
      if (c === 44) {
        i++;
        while (i < to && isWs(b[i]!)) i++;
        continue;
      }
      return c === 125 ? i + 1 : -1;
    }
  }

  /** A mapped member's value at `b[i]`: recorded, and read into when `child` is set. */
  private member(b: Uint8Array, i: number, to: number, e: number, child: PlanNode | null): number {
    if (this.epochOf[e] !== this.epoch) {
      this.epochOf[e] = this.epoch;
      this.count[e] = 1;
    } else if (this.count[e]! < 255) this.count[e]!++;
    const c = b[i]!;
    let flags = 0;
    let type: number;
    let start = i;
    let end: number;
    if (c === 34) {
      type = STRING;
      start = i + 1;
      let j = start;
      for (;;) {
        let d = b[j]!;
        while (SPECIAL[d] === 0) d = b[++j]!;
        if (j >= to) return -1;
        if (d === 34) break;
        if (d !== 92) return -1;
        flags = ESCAPED;
        j = this.escape(b, j, to);
        if (j < 0) return -1;
      }
      end = j;
      i = j + 1;
    } else if (c === 123) {
      type = OBJECT;
      i = child !== null ? this.object(b, i, to, child) : this.skipValue(b, i, to);
      end = i;
    } else if (c === 91) {
      type = ARRAY;
      i = this.skipValue(b, i, to);
      end = i;
    } else if (c === 116 || c === 102 || c === 110) {
      i = literal(b, i, to);
      type = c === 116 ? TRUE : c === 102 ? FALSE : NULL;
      end = i;
    } else {
      type = NUMBER;
      i = number(b, i, to);
      if (i < 0) return -1;
      if ((i & 0x40000000) !== 0) flags = NOT_INTEGER;
      i &= 0x3fffffff;
      end = i;
    }
    this.type[e] = type;
    this.flags[e] = flags;
    this.start[e] = start;
    this.end[e] = end;
    return i;
  }

  /** The escape sequence at `b[j]` (`\`): the index after it, or -1 (also for a lone surrogate). */
  private escape(b: Uint8Array, j: number, to: number): number {
    if (j + 1 >= to) return -1;
    const c = b[j + 1]!;
    if (c === 34 || c === 92 || c === 47 || c === 98 || c === 102 || c === 110 || c === 114 || c === 116) return j + 2;
    if (c !== 117) return -1;
    const u = unit(b, j + 2, to);
    if (u < 0) return -1;
    if (u >= 0xd800 && u <= 0xdbff) {
      // A high surrogate must be followed by a low one: DuckDB refuses a text holding half a pair.
      if (j + 12 > to) return -1;
      if (b[j + 6] !== 92 || b[j + 7] !== 117) return -1;
      const low = unit(b, j + 8, to);
      if (low < 0xdc00 || low > 0xdfff) return -1;
      return j + 12;
    }
    if (u >= 0xdc00 && u <= 0xdfff) return -1;
    return j + 6;
  }

  /** Validates any JSON value at `b[i]` (iteratively: any depth up to MAX_DEPTH); the index after it, or -1. */
  private skipValue(b: Uint8Array, i: number, to: number): number {
    const stack = this.stack;
    let depth = 0;
    for (;;) {
      // A value is expected at i.
      if (i >= to) return -1;
      const c = b[i]!;
      if (c === 34) {
        i = this.string(b, i, to);
      } else if (c === 123 || c === 91) {
        if (depth === MAX_DEPTH) return -1;
        stack[++depth] = c;
        i++;
        while (i < to && isWs(b[i]!)) i++;
        if (i >= to) return -1;
        if (b[i] === (c === 123 ? 125 : 93)) {
          i++;
          depth--;
        } else {
          if (c === 123) {
            i = this.key(b, i, to);
            if (i < 0) return -1;
          }
          continue;
        }
      } else if (c === 116 || c === 102 || c === 110) {
        i = literal(b, i, to);
      } else {
        i = number(b, i, to);
        if (i >= 0) i &= 0x3fffffff;
      }
      if (i < 0) return -1;
      // After a value: close containers, or go on to the next element.
      for (;;) {
        if (depth === 0) return i;
        while (i < to && isWs(b[i]!)) i++;
        if (i >= to) return -1;
        const d = b[i]!;
        if (d === 44) {
          i++;
          while (i < to && isWs(b[i]!)) i++;
          if (stack[depth] === 123) {
            i = this.key(b, i, to);
            if (i < 0) return -1;
          }
          break;
        }
        if (d !== (stack[depth] === 123 ? 125 : 93)) return -1;
        i++;
        depth--;
      }
    }
  }

  /** A member name and its colon inside an unmapped object: the index of its value, or -1. */
  private key(b: Uint8Array, i: number, to: number): number {
    if (i >= to || b[i] !== 34) return -1;
    i = this.string(b, i, to);
    if (i < 0) return -1;
    while (i < to && isWs(b[i]!)) i++;
    if (i >= to || b[i] !== 58) return -1;
    i++;
    while (i < to && isWs(b[i]!)) i++;
    return i;
  }

  /** A string at `b[i]` (`"`): the index after its closing quote, or -1. */
  private string(b: Uint8Array, i: number, to: number): number {
    let j = i + 1;
    for (;;) {
      let c = b[j]!;
      while (SPECIAL[c] === 0) c = b[++j]!;
      if (j >= to) return -1;
      if (c === 34) return j + 1;
      if (c !== 92) return -1;
      j = this.escape(b, j, to);
      if (j < 0) return -1;
    }
  }
}

/** The UTF-16 unit of the four hex digits at `b[j]`, or -1. */
function unit(b: Uint8Array, j: number, to: number): number {
  if (j + 4 > to) return -1;
  const a = hex(b[j]!);
  const c = hex(b[j + 1]!);
  const d = hex(b[j + 2]!);
  const e = hex(b[j + 3]!);
  if ((a | c | d | e) < 0) return -1;
  return (a << 12) | (c << 8) | (d << 4) | e;
}

/** `true`, `false` or `null` at `b[i]`: the index after it, or -1. */
function literal(b: Uint8Array, i: number, to: number): number {
  const c = b[i]!;
  if (c === 116) return i + 3 < to && b[i + 1] === 114 && b[i + 2] === 117 && b[i + 3] === 101 ? i + 4 : -1;
  if (c === 102) return i + 4 < to && b[i + 1] === 97 && b[i + 2] === 108 && b[i + 3] === 115 && b[i + 4] === 101 ? i + 5 : -1;
  return i + 3 < to && b[i + 1] === 117 && b[i + 2] === 108 && b[i + 3] === 108 ? i + 4 : -1;
}

/**
 * A JSON number at `b[i]`: the index after it (with bit 30 set when it has a fraction or an
 * exponent), or -1. Texts are shorter than 2^30 bytes (a line is at most 64 MiB).
 */
function number(b: Uint8Array, i: number, to: number): number {
  if (i < to && b[i] === 45) i++;
  if (i >= to) return -1;
  let c = b[i]!;
  if (c === 48) i++;
  else if (c >= 49 && c <= 57) {
    i++;
    while (i < to && (c = b[i]!) >= 48 && c <= 57) i++;
  } else return -1;
  let frac = 0;
  if (i < to && b[i] === 46) {
    i++;
    if (i >= to || !((c = b[i]!) >= 48 && c <= 57)) return -1;
    while (i < to && (c = b[i]!) >= 48 && c <= 57) i++;
    frac = 0x40000000;
  }
  if (i < to && (b[i] === 101 || b[i] === 69)) {
    i++;
    if (i < to && (b[i] === 43 || b[i] === 45)) i++;
    if (i >= to || !((c = b[i]!) >= 48 && c <= 57)) return -1;
    while (i < to && (c = b[i]!) >= 48 && c <= 57) i++;
    frac = 0x40000000;
  }
  return i | frac;
}

/**
 * The guessed name (the one after the last match) if the member's name at `b[ns]` is that one:
 * its bytes, then the closing quote. Its index, or -1 (then the name is scanned and matched).
 */
function guessed(node: PlanNode, b: Uint8Array, ns: number, to: number): number {
  const n = node.names.length;
  if (n === 0) return -1;
  const k = node.guess < n ? node.guess : 0;
  const name = node.names[k]!;
  const len = name.length;
  if (ns + len >= to || b[ns + len] !== 34) return -1;
  for (let x = 0; x < len; x++) if (name[x] !== b[ns + x]) return -1;
  node.guess = k + 1;
  return k;
}

/** The index of the name `b[ns, ne)` among the node's names, or -1. */
function match(node: PlanNode, b: Uint8Array, ns: number, ne: number): number {
  const names = node.names;
  const n = names.length;
  if (n === 0) return -1;
  const len = ne - ns;
  let k = node.guess;
  for (let tried = 0; tried < n; tried++) {
    if (k >= n) k = 0;
    const name = names[k]!;
    if (name.length === len) {
      let same = true;
      for (let x = 0; x < len; x++) {
        if (name[x] !== b[ns + x]) {
          same = false;
          break;
        }
      }
      if (same) {
        node.guess = k + 1;
        return k;
      }
    }
    k++;
  }
  return -1;
}
