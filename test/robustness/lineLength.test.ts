/**
 * Line length does not change what the checker says, nor how long it takes beyond the input's
 * size: the same spec written one item per line and written on one single line (items separated
 * by `;`) gives the same diagnostics, code for code, message for message, each on the same text.
 * The spec generator makes mistakes on purpose (unknown types and names, duplicates, reserved
 * words, bad attributes), so the comparison covers diagnostics, not only silence.
 *
 * Checking was once quadratic in the length of a line (each column looked back over its whole
 * line for a doc comment): a 40,000-column block on one line took seconds, 2.6 MB minutes. The
 * last case checks such a spec; its timeout only catches a relapse into that (a linear check
 * takes a few seconds here), it is not a measurement: `npm run bench` measures.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compile } from '../../compiler/driver/compile.ts';
import type { Diagnostic } from '../../compiler/diagnostics/diagnostic.ts';
import { layouts, wideSpec, type SpecShape } from '../bench/synthetic.ts';
import { params } from './support.ts';

/** What a diagnostic says, independent of where its text sits: code, severity, message, the text it covers, its fixes. */
function said(text: string, d: Diagnostic): string {
  const fixes = (d.fixes ?? []).map((f) => `${f.title} [${text.slice(f.span.start, f.span.end)} -> ${f.text}]`).join('; ');
  return `${d.code} ${d.severity} ${d.message} @ ${JSON.stringify(text.slice(d.span.start, d.span.end))}${fixes !== '' ? ` fixes: ${fixes}` : ''}`;
}

function diagnosticsOf(text: string): string[] {
  return compile([{ path: 'spec.lake', text }]).diagnostics.map((d) => said(text, d)).sort();
}

const name = fc.constantFrom('claim_id', 'member_id', 'paid_amount', 'amount_paid', 'ClaimDate', 'date', 'status', 'notes', 'provider');
const type = fc.constantFrom('string', 'string?', 'long', 'decimal(12, 2)', 'decimal(40, 2)', 'timestamp', 'timestamp?', 'strng', 'list<string>', 'map<list<int>, string>');
const label = fc.constantFrom('', ' @pii', ' @phi', ' @check(paid_amount >= 0)', ' @nope');

const shape: fc.Arbitrary<SpecShape> = fc.record({
  tags: fc.nat({ max: 30 }),
  zoneItems: fc.subarray(['layer = curated', 'retention = 400 days', 'retension = 30 days', 'layer = bronze'], { minLength: 1 }),
  columns: fc.array(fc.tuple(name, type, label).map(([n, t, l]) => `${n} ${t}${l}`), { minLength: 1, maxLength: 300 }),
  datasetItems: fc.subarray(['format = parquet', 'format = csv', 'key (claim_id)', 'partition by identity(status)', 'sla { freshness = 15 minutes }', 'owner = "claims@example.com"']),
  grantColumns: fc.array(name, { maxLength: 60 }),
  filter: fc.constantFrom('', " where status <> 'VOID'", " where paid_amount > '1'", ' where unknown_col is null'),
});

describe('the same spec on one line and on many lines', () => {
  it('gives the same diagnostics, whatever the length of its lines', () => {
    fc.assert(
      fc.property(shape, (s) => {
        const { manyLines, oneLine } = layouts(s);
        expect(oneLine.split('\n').filter((l) => l !== '').length).toBe(1);
        expect(diagnosticsOf(oneLine)).toEqual(diagnosticsOf(manyLines));
      }),
      params(60),
    );
  }, 120_000);

  it('a 2.6 MB spec on one line: checked, its two mistakes found once each', () => {
    const { oneLine } = wideSpec(150_000);
    expect(oneLine.length).toBeGreaterThan(2_600_000);
    const codes = compile([{ path: 'spec.lake', text: oneLine }]).diagnostics.map((d) => d.code);
    // The unknown type and the duplicate column wideSpec writes (the rest: @pii to QuickSight, and
    // its dataset without a stream that no grant loads).
    expect(codes.filter((c) => c !== 'LAKE6102' && c !== 'LAKE6120')).toEqual(['LAKE1005', 'LAKE2001']);
  }, 60_000);
});
