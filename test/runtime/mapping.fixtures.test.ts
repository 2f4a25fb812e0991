/**
 * The shared mapping fixtures (test/vectors/mapping): good and bad raw events per
 * column type, JSON path, check and bi-temporal field, with the expected row or dead-letter
 * reason. The TypeScript mapper must give exactly these outcomes; the Java job's mapper is
 * tested on the same files (runtime/java, lakec.runtime.mapping.FixturesTest).
 *
 * Each file holds a lake (`lake`), the dataset as the runtime reads it (`dataset`, what
 * `datasetSpec` makes of the lake: the Java side reads this), and the cases. The inputs are
 * written by hand; `LAKEC_UPDATE_FIXTURES=1 npx vitest run test/runtime/mapping.fixtures.test.ts`
 * rewrites `dataset` and the expected outcomes from this mapper, for review as a golden diff.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isRejection, RowMapper, type MappedEvent, type Rejection } from '../../runtime/mapping.ts';
import { OPEN } from '../../runtime/bitemporal/index.ts';
import { specOf } from './support.ts';

const DIR = fileURLToPath(new URL('../vectors/mapping/', import.meta.url));
const update = process.env['LAKEC_UPDATE_FIXTURES'] === '1';

interface Case {
  event: string;
  row?: unknown[];
  key?: string;
  op?: 'put' | 'delete';
  validFrom?: number;
  validTo?: number | null;
  systemTime?: number;
  reason?: string;
  reasonStartsWith?: string;
  column?: string;
}

interface Fixture {
  name: string;
  description: string;
  lake: string;
  dataset: unknown;
  ingestionTime: number;
  cases: Case[];
}

/** A case's expected outcome as this mapper gives it (the fixture's form). */
function outcomeOf(result: MappedEvent | Rejection, bitemporal: boolean): Omit<Case, 'event'> {
  if (isRejection(result)) {
    if (result.reason.startsWith('malformed JSON: ')) return { reasonStartsWith: 'malformed JSON: ' };
    return { reason: result.reason, ...(result.column !== undefined ? { column: result.column } : {}) };
  }
  // JSON's view of the row (what the file can hold): -0 is 0, as JSON.stringify writes it.
  const row = JSON.parse(JSON.stringify(result.values)) as unknown[];
  return {
    row,
    key: result.key,
    ...(bitemporal ? { op: result.op, validFrom: result.validFrom, validTo: result.validTo === OPEN ? null : result.validTo, systemTime: result.systemTime } : {}),
  };
}

const files = readdirSync(DIR).filter((f) => f.endsWith('.json')).sort();

describe('shared mapping fixtures (test/vectors/mapping)', () => {
  it('has fixtures', () => {
    expect(files.length).toBeGreaterThanOrEqual(5);
  });

  describe.each(files)('%s', (file) => {
    const path = join(DIR, file);
    const fixture = JSON.parse(readFileSync(path, 'utf8')) as Fixture;
    const spec = specOf(fixture.lake, 'd');
    const mapper = new RowMapper(spec);
    const bitemporal = spec.mode === 'bitemporal';

    if (update) {
      it('is rewritten from this mapper (LAKEC_UPDATE_FIXTURES=1)', () => {
        const cases = fixture.cases.map((c) => ({ event: c.event, ...outcomeOf(mapper.map(c.event, fixture.ingestionTime), bitemporal) }));
        writeFileSync(path, JSON.stringify({ ...fixture, dataset: spec, cases }, null, 2) + '\n');
      });
      return;
    }

    it('holds the dataset the lake compiles to', () => {
      expect(fixture.dataset).toEqual(JSON.parse(JSON.stringify(spec)));
    });

    it('has good and bad cases', () => {
      expect(fixture.cases.some((c) => c.row !== undefined)).toBe(true);
      expect(fixture.cases.some((c) => c.row === undefined)).toBe(true);
    });

    it.each(fixture.cases.map((c, i) => ({ i, c })))('case $i: $c.event', ({ c }) => {
      const { event, ...expected } = c;
      expect(outcomeOf(mapper.map(event, fixture.ingestionTime), bitemporal)).toEqual(expected);
    });
  });
});
