/**
 * The sample events of each generated processor's own test (compiler/codegen/processors/sample.ts)
 * give what that test asserts, for every stream dataset of every example: the generated project
 * runs them only for the project it is, so this runs them all here, bi-temporal, current-state
 * and append-only alike.
 */
import { describe, expect, it } from 'vitest';
import { sampleEvents } from '../../compiler/codegen/processors/sample.ts';
import { datasetSpec, streamDatasets } from '../../compiler/codegen/processors/spec.ts';
import { Processor } from '../../runtime/processor.ts';
import { compileAt, examples } from '../support/compile.ts';

const cases = examples.flatMap((example) => streamDatasets(compileAt(example).model!).map((d) => ({ example, name: d.name, spec: datasetSpec(d) })));

describe.each(cases)('$example: $name', ({ spec }) => {
  it('replays its sample events as its generated test expects', async () => {
    const s = sampleEvents(spec);
    let now = Date.UTC(2024, 0, 1);
    const result = await new Processor(spec).replay(s.events, { clock: () => (now += 60_000), batchSize: 1 });
    expect(result.rows).toHaveLength(s.expect.rows);
    expect(result.metrics.duplicates).toBe(s.expect.duplicates);
    expect(result.deadLetters.map((d) => d.reason)).toEqual([s.expect.deadLetterReason]);
    const c = s.expect.corrected;
    if (c === undefined) return;
    if (spec.mode === 'current') expect(result.rows.map((r) => r[c.column])).toEqual([c.after]);
    else if (spec.mode === 'bitemporal') expect(result.rows.map((r) => [r[c.column], r['system_to'] === null])).toEqual([[c.before, true], [c.before, false], [c.after, true]]);
  });
});

it('covers every mode a stream dataset has', () => {
  expect(new Set(cases.map((c) => c.spec.mode))).toEqual(new Set(['bitemporal', 'current', 'append']));
});
