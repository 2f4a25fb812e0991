/**
 * The typed bi-temporal operator (runtime/engine/operator.ts, with the fast mapping) against
 * the reference operator (runtime/operators/bitemporal.ts, every event through mapping.ts): two
 * partitions of the same dataset, one of each, get the same random batches and checkpoints
 * (full and incremental, with and without a checkpoint folder), and must stage byte-identical
 * files (history rows, current-row deletes and inserts, dead letters), write byte-identical
 * state files, count the same and log the same late events. Then each restores from its own
 * files and the current rows the warehouse would hold (replayed from the staged files), and
 * both go on with more events: a restore must give the same state on either side.
 *
 * The events mix what the fast mapping reads (canonical forms) with what only the row mapper
 * reads (escapes, other decimal and timestamp forms, numbers as strings, missing or extra
 * members, broken JSON, a bad op), for few keys and few distinct times, so that corrections,
 * cuts, redeliveries, late events, adjusted system times and deletes are frequent, and the same
 * key is reached by both paths.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { DatasetSpec } from '../../../runtime/dataset.ts';
import type { RestoredRows } from '../../../runtime/operators/bitemporal.ts';
import { Partition, type PartitionCheckpoint } from '../../../runtime/partition.ts';
import type { RecordBatch } from '../../../runtime/sources/source.ts';
import { specHeader, specOf, tempDir } from '../support.ts';

const SEED = process.env['FC_SEED'] !== undefined ? Number(process.env['FC_SEED']) : 20_261_207;
const RUNS = process.env['FC_RUNS'] !== undefined ? Number(process.env['FC_RUNS']) : 60;

const work = tempDir('lakec-operator-');
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Datasets: a single string key with an optional column and the system column in the template; a composite key of a long and a timestamp with a decimal, ingestion_time() and raw_payload(); system = ingestion with a small window and late = dead_letter. */
const specs: { name: string; spec: DatasetSpec }[] = [
  {
    name: 'string key',
    spec: specOf(
      `${specHeader}dataset d in curated {
  from stream events
  format = iceberg
  columns {
    id          string
    price       decimal(9, 2)
    side        string          @check(side in ("BUY", "SELL"))
    venue       string?         = $.where.venue
    valid_from  timestamp
    valid_to    timestamp?
    recorded_at timestamp
  }
  key (id)
  dedup_window = 3
  bitemporal {
    valid  = valid_from .. valid_to
    system = recorded_at
  }
}
`,
      'd',
    ),
  },
  {
    name: 'composite key',
    spec: specOf(
      `${specHeader}dataset d in curated {
  from stream events
  format = iceberg
  columns {
    n           long
    day         timestamp
    price       decimal(9, 2)?
    flag        boolean?
    raw         string          = raw_payload()
    seen        timestamp       = ingestion_time()
    valid_from  timestamp
    valid_to    timestamp?
    recorded_at timestamp
  }
  key (n, day)
  bitemporal {
    valid  = valid_from .. valid_to
    system = recorded_at
  }
}
`,
      'd',
    ),
  },
  {
    name: 'system = ingestion, late = dead_letter',
    spec: specOf(
      `${specHeader}dataset d in curated {
  from stream events
  format = iceberg
  columns {
    id          string
    qty         int
    valid_from  timestamp
    valid_to    timestamp?
  }
  key (id)
  dedup_window = 2
  bitemporal {
    valid  = valid_from .. valid_to
    system = ingestion
    late   = dead_letter
  }
}
`,
      'd',
    ),
  },
];

const T0 = Date.UTC(2024, 0, 1);
const iso = (t: number): string => new Date(t).toISOString();

/** One event's text: canonical forms mostly, others sometimes. */
const eventText = (name: string): fc.Arbitrary<string> => {
  const time = fc.integer({ min: 0, max: 12 }).map((h) => T0 + h * 3_600_000);
  const timeText = fc.oneof(
    { weight: 8, arbitrary: time.map(iso) },
    // Forms only the general reader takes (the same instant, or another).
    { weight: 1, arbitrary: time.map((t) => iso(t).replace('.000Z', 'Z')) },
    { weight: 1, arbitrary: time.map((t) => iso(t).replace('Z', '+00:00')) },
  );
  const op = fc.oneof({ weight: 12, arbitrary: fc.constant(undefined) }, { weight: 3, arbitrary: fc.constant('put') }, { weight: 3, arbitrary: fc.constant('delete') }, { weight: 1, arbitrary: fc.constant('DELETE') });
  const validTo = fc.oneof({ weight: 3, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constant(undefined) }, { weight: 3, arbitrary: timeText });
  const decimal = fc.oneof({ weight: 6, arbitrary: fc.constantFrom('1.50', '2.00', '2.5', '-0.00', '10') }, { weight: 1, arbitrary: fc.constantFrom('1.5e0', 'x', '123456789.00') }, { weight: 1, arbitrary: fc.constant(1.5) });
  const common = { op, valid_from: timeText, valid_to: validTo, recorded_at: timeText };
  let record: fc.Arbitrary<Record<string, unknown>>;
  if (name === 'string key') {
    record = fc.record({
      ...common,
      id: fc.oneof({ weight: 8, arbitrary: fc.constantFrom('a', 'b', 'c', 'd') }, { weight: 1, arbitrary: fc.constantFrom('\u00e9', 'q"x', 'a\\b') }),
      price: decimal,
      side: fc.oneof({ weight: 8, arbitrary: fc.constantFrom('BUY', 'SELL') }, { weight: 1, arbitrary: fc.constant('HOLD') }),
      where: fc.oneof(fc.constant(undefined), fc.constant(null), fc.record({ venue: fc.oneof(fc.constantFrom('X', 'Y', 'Z\u00fc'), fc.constant(null)) })),
    }, { requiredKeys: ['id', 'price', 'side', 'valid_from', 'recorded_at'] });
  } else if (name === 'composite key') {
    record = fc.record({
      ...common,
      n: fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 1, max: 3 }) }, { weight: 1, arbitrary: fc.constantFrom('2', 1.0, 2.5) }),
      day: fc.oneof({ weight: 8, arbitrary: fc.constantFrom(iso(T0), iso(T0 + 86_400_000)) }, { weight: 1, arbitrary: fc.constant('2024-01-01') }),
      price: fc.oneof(decimal, fc.constant(null)),
      flag: fc.oneof(fc.boolean(), fc.constant(null), fc.constant('true')),
    }, { requiredKeys: ['n', 'day', 'valid_from', 'recorded_at'] });
  } else {
    record = fc.record({
      op,
      valid_from: timeText,
      valid_to: validTo,
      id: fc.constantFrom('a', 'b', 'c'),
      qty: fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 0, max: 3 }) }, { weight: 1, arbitrary: fc.constantFrom(2 ** 31, '1') }),
    }, { requiredKeys: ['id', 'qty', 'valid_from'] });
  }
  return fc.oneof(
    { weight: 30, arbitrary: record.map((r) => JSON.stringify(r)) },
    // Escaped member names and values, whitespace, broken text, blank lines.
    { weight: 2, arbitrary: record.map((r) => JSON.stringify(r, null, 1).replace(/"id"/, '"\\u0069d"')) },
    { weight: 1, arbitrary: record.map((r) => JSON.stringify(r).slice(0, -3)) },
    { weight: 1, arbitrary: fc.constantFrom('', '   ', '[]', 'null', '{"id":') },
  );
};

interface Step {
  readonly events: string[];
  /** Then a checkpoint: none, incremental or full, into a checkpoint folder or without state. */
  readonly checkpoint: 'none' | 'delta' | 'full' | 'nostate';
}

const steps = (name: string): fc.Arbitrary<Step[]> =>
  fc.array(
    fc.record({
      events: fc.array(eventText(name), { minLength: 1, maxLength: 25 }),
      // Redeliveries: some events again, in the same step.
      again: fc.array(fc.nat(), { maxLength: 4 }),
      checkpoint: fc.constantFrom<Step['checkpoint']>('none', 'delta', 'delta', 'full', 'nostate'),
    }).map((s) => ({ events: [...s.events, ...s.again.map((i) => s.events[i % s.events.length]!)], checkpoint: s.checkpoint })),
    { minLength: 1, maxLength: 8 },
  );

let runId = 0;

/** Both partitions, their folders, and what the table would hold (current rows by identity). */
class Pair {
  readonly dir: string;
  readonly typed: Partition;
  readonly reference: Partition;
  private interval = 0;
  private line = 0;
  /** The current rows the warehouse would hold: identity (key part, valid_from, system_from) to the row's fields. */
  readonly current = new Map<string, string[]>();
  stateId = 0;

  constructor(readonly spec: DatasetSpec, from?: Pair) {
    this.dir = join(work, `run-${++runId}`);
    for (const side of ['typed', 'reference']) mkdirSync(join(this.dir, side, 'staging'), { recursive: true });
    this.typed = new Partition(spec, { partition: 0, partitions: 1, stagingDir: join(this.dir, 'typed', 'staging'), core: 'typed' });
    this.reference = new Partition(spec, { partition: 0, partitions: 1, stagingDir: join(this.dir, 'reference', 'staging'), core: 'reference' });
    if (from !== undefined) {
      for (const [k, v] of from.current) this.current.set(k, v);
      this.line = from.line;
    }
  }

  process(events: string[]): void {
    const first = this.line;
    const batch: RecordBatch = { texts: events, ingestionTime: events.map((_, i) => T0 + 3_600_000 * ((first + i) % 7)), position: (i) => ({ file: 'events.jsonl', line: first + i + 1 }) };
    this.line += events.length;
    this.typed.process(batch);
    this.reference.process(batch);
  }

  /** A checkpoint on both sides; their outputs compared; the current rows applied to `current`. */
  checkpoint(kind: Step['checkpoint']): void {
    const id = ++this.interval;
    const out: { cp: PartitionCheckpoint; files: Record<string, string> }[] = [];
    for (const [side, p] of [['typed', this.typed], ['reference', this.reference]] as const) {
      let tmp: string | null = null;
      if (kind !== 'nostate') {
        tmp = join(this.dir, side, `cp-${id}`);
        mkdirSync(tmp, { recursive: true });
      }
      const cp = p.checkpoint(tmp, kind === 'full');
      const files: Record<string, string> = {};
      for (const f of ['rows', 'currentDeletes', 'currentRows', 'deadLetters', 'statePart'] as const) files[f] = cp[f] === null ? '<none>' : readFileSync(cp[f], 'utf8');
      out.push({ cp, files });
    }
    const [t, r] = out as [(typeof out)[0], (typeof out)[0]];
    expect(t.files).toEqual(r.files);
    const strip = (c: PartitionCheckpoint): unknown => ({ ...c, rows: null, currentDeletes: null, currentRows: null, deadLetters: null, statePart: null });
    expect(strip(t.cp)).toEqual(strip(r.cp));
    // The warehouse: deletes by identity, then inserts.
    const keyFields = this.spec.key.length;
    if (t.files['currentDeletes'] !== '<none>') for (const f of records(t.files['currentDeletes']!)) expect(this.current.delete(f.join(',')), `delete of a row the table holds: ${f.join(',')}`).toBe(true);
    if (t.files['currentRows'] !== '<none>') for (const f of records(t.files['currentRows']!)) this.current.set([...f.slice(0, keyFields + 1), f[keyFields + 2]!].join(','), f);
  }
}

/** A staged file's records, each its fields as written (a quoted field may hold newlines: raw_payload() of a pretty-printed event). */
function records(text: string): string[][] {
  const out: string[][] = [];
  let record: string[] = [];
  let i = 0;
  while (i < text.length) {
    let end: number;
    if (text[i] === '"') {
      let q = text.indexOf('"', i + 1);
      while (text[q + 1] === '"') q = text.indexOf('"', q + 2);
      end = q + 1;
    } else {
      end = i;
      while (end < text.length && text[end] !== ',' && text[end] !== '\n') end++;
    }
    record.push(text.slice(i, end));
    if (text[end] === ',') i = end + 1;
    else {
      out.push(record);
      record = [];
      i = end + 1;
    }
  }
  return out;
}

/** The current rows of `current` as a restore reads them (operators/bitemporal.ts `RestoredRows`), in a shuffled order. */
function restoredRows(spec: DatasetSpec, current: Map<string, string[]>, shuffle: number): RestoredRows {
  const lines = [...current.values()].map((l, i) => ({ l, o: (i * 7919 + shuffle) % 1009 })).sort((a, b) => a.o - b.o).map((x) => x.l);
  const k = spec.key.length;
  const keyColumns: unknown[][] = spec.key.map(() => []);
  const templates: string[] = [];
  const times = new Float64Array(3 * lines.length);
  const types = spec.key.map((name) => spec.columns.find((c) => c.name === name)!.type);
  lines.forEach((f, i) => {
    for (let c = 0; c < k; c++) {
      const v = f[c]!;
      const t = types[c]!;
      keyColumns[c]!.push(t.kind === 'primitive' && (t.name === 'string' || t.name === 'uuid') ? v.slice(1, -1).replaceAll('""', '"') : Number(v));
    }
    times[3 * i] = Number(f[k]);
    times[3 * i + 1] = f[k + 1] === '' ? Number.POSITIVE_INFINITY : Number(f[k + 1]);
    times[3 * i + 2] = Number(f[k + 2]);
    // The template: every field after the four times, each with its leading comma.
    templates.push(f.slice(k + 4).map((x) => ',' + x).join(''));
  });
  const bytes = templates.map((t) => Buffer.from(t));
  const templateAt = new Int32Array(2 * bytes.length);
  let at = 0;
  bytes.forEach((b, i) => {
    templateAt[2 * i] = at;
    at += b.length;
    templateAt[2 * i + 1] = at;
  });
  return { count: lines.length, keyColumns, templates: Buffer.concat(bytes), templateAt, times };
}

/** What the runs went through, over all of them: a test of nothing would compare two idle operators. */
const seen = { events: 0, fast: 0, changed: 0, unchanged: 0, duplicates: 0, lateEvents: 0, adjustedSystemTimes: 0, deadLetters: 0, restoredKeys: 0 };

describe('the typed bi-temporal operator against the reference operator', () => {
  afterAll(() => {
    // Both paths, and every outcome the core has, were compared.
    expect(seen.fast).toBeGreaterThan(seen.events / 8);
    expect(seen.fast).toBeLessThan(seen.events);
    for (const [what, n] of Object.entries(seen)) expect(n, what).toBeGreaterThan(0);
  });
  for (const { name, spec } of specs) {
    it(`stages the same files and state lines, before and after a restore (${name})`, () => {
      fc.assert(
        fc.property(steps(name), steps(name), fc.nat(), (before, after, shuffle) => {
          const a = new Pair(spec);
          for (const s of before) {
            a.process(s.events);
            if (s.checkpoint !== 'none') a.checkpoint(s.checkpoint);
          }
          a.checkpoint('full');
          // Restore both sides from the full checkpoint just taken (its state file) and the table's current rows.
          const b = new Pair(spec, a);
          const cps = readdirSync(join(a.dir, 'typed')).filter((d) => d.startsWith('cp-')).map((d) => Number(d.slice(3))).sort((x, y) => x - y);
          const lastCp = cps[cps.length - 1]!;
          for (const [side, p] of [['typed', b.typed], ['reference', b.reference]] as const) {
            const stateFile = join(a.dir, side, `cp-${lastCp}`, 'part-0.state');
            const lines = readFileSync(stateFile, 'utf8').split('\n').filter((l) => l !== '');
            const restoring = p as unknown as { keyed: { restoreStateLine(l: string, accept: (k: string) => boolean): void } };
            for (const l of lines) restoring.keyed.restoreStateLine(l, () => true);
            p.restoreRows(restoredRows(spec, a.current, shuffle));
            p.finishRestore();
          }
          expect(b.typed.keyCount).toBe(b.reference.keyCount);
          for (const s of after) {
            b.process(s.events);
            if (s.checkpoint !== 'none') b.checkpoint(s.checkpoint);
          }
          b.checkpoint('full');
          const m = b.typed.metrics;
          seen.events += m.recordsIn + a.typed.metrics.recordsIn;
          seen.fast += a.typed.fastEvents + b.typed.fastEvents;
          seen.restoredKeys += b.reference.keyCount;
          for (const k of ['changed', 'unchanged', 'duplicates', 'lateEvents', 'adjustedSystemTimes', 'deadLetters'] as const) seen[k] += m[k] + a.typed.metrics[k];
        }),
        { seed: SEED, numRuns: RUNS },
      );
    });
  }

});
