/**
 * exprTypes.ts is shared by the check rule (LAKE2008) and the row-filter rule: these tests pin
 * what it reports for each kind of expression, independently of either rule.
 */
import { describe, expect, it } from 'vitest';
import { exprTypeProblems, isIsoDate, isIsoTimestamp } from '../../compiler/validation/exprTypes.ts';
import { compileText } from '../support/compile.ts';

const spec = (check: string): string => `
lake shop { region = "eu-west-1" }
zone curated { layer = curated }
dataset orders in curated {
  columns {
    id        string
    qty       int
    price     decimal(12, 2)
    gift      boolean
    placed_on date
    placed_at timestamp
    blob      binary
    tags      list<string>
    odd       money
    probe     string @check(${check})
  }
}
`;

/** The problems of the single check, as `source text -> message` lines. */
function problems(check: string, quote: '"' | "'" = '"'): { at: string; message: string; fix?: string }[] {
  const text = spec(check);
  const c = compileText(text);
  const ds = c.lake.datasets[0]!;
  const probe = ds.columns.find((x) => x.name === 'probe')!;
  return exprTypeProblems(probe.checks[0]!.expr, ds, { quote }).map((p) => ({
    at: text.slice(p.span.start, p.span.end),
    message: p.message,
    ...(p.fixes?.[0] !== undefined ? { fix: p.fixes[0].text } : {}),
  }));
}

describe('exprTypeProblems', () => {
  it('accepts comparisons of compatible types', () => {
    for (const ok of [
      'qty > 0 and price >= 0.5', 'id in ("a", "b")', 'gift = true', 'gift <> false or qty = 1', 'placed_on < placed_at',
      'placed_on >= "2024-02-29"', 'placed_at < "2024-01-31T18:30:00.125+01:00"', 'tags is not null', 'not (id = "x")',
      'gift', 'blob = blob', 'odd = 1', 'odd in (1, 2)', 'unknown_col = 1',
    ]) {
      expect(problems(ok), ok).toEqual([]);
    }
  });

  it('points at the literal of the wrong type and offers the literal the column takes', () => {
    expect(problems('id = 5')).toEqual([{ at: '5', message: "the string column 'id' is compared with the number 5", fix: '"5"' }]);
    expect(problems("id = 5", "'")[0]!.fix).toBe("'5'");
    expect(problems('qty >= "10"')).toEqual([{ at: '"10"', message: `the int column 'qty' is compared with the string "10"`, fix: '10' }]);
    expect(problems('gift = "yes"')).toEqual([{ at: '"yes"', message: `the boolean column 'gift' is compared with the string "yes"` }]);
  });

  it('reports two columns of incompatible types on the whole comparison', () => {
    expect(problems('price = id')).toEqual([{ at: 'price = id', message: "the decimal(12, 2) column 'price' is compared with the string column 'id'" }]);
  });

  it('checks every value of an in list against the operand, and a list against itself when the operand is untyped', () => {
    expect(problems('id in ("a", 2, "c", 4)').map((p) => p.at)).toEqual(['2', '4']);
    expect(problems('unknown_col in ("a", 2)')).toEqual([{ at: '2', message: `the 'in' list mixes the string "a" and the number 2` }]);
  });

  it('rejects ordering booleans, comparing nested columns, comparing with null, and bare values as conditions', () => {
    expect(problems('gift < true')[0]!.at).toBe('gift < true');
    expect(problems('tags = "a"')[0]!.at).toBe('tags');
    expect(problems('id = null')[0]).toMatchObject({ at: 'id = null', fix: 'id is null' });
    expect(problems('id != null')[0]!.fix).toBe('id is not null');
    expect(problems('id in ("a", null)')[0]!.at).toBe('null');
    expect(problems('qty')[0]!.message).toContain('is not a condition');
    expect(problems('gift and qty').map((p) => p.at)).toEqual(['qty']);
  });

  it('checks ISO strings against date and timestamp columns', () => {
    expect(problems('placed_on = "2023-02-29"')[0]!.at).toBe('"2023-02-29"');
    expect(problems('placed_on = "2023-02-28T10:00"')[0]!.at).toBe('"2023-02-28T10:00"');
    expect(problems('placed_at = 5')[0]!.at).toBe('5');
  });
});

describe('ISO literals', () => {
  it('validates calendar dates and times', () => {
    expect(['2024-02-29', '2000-02-29', '1999-12-31'].every(isIsoDate)).toBe(true);
    expect(['2023-02-29', '1900-02-29', '2024-13-01', '2024-00-10', '2024-1-1', '24-01-01'].some(isIsoDate)).toBe(false);
    expect(['2024-01-31', '2024-01-31T23:59', '2024-01-31 23:59:59.999', '2024-01-31T00:00:00Z', '2024-01-31T00:00:00-05:00'].every(isIsoTimestamp)).toBe(true);
    expect(['2024-01-31T24:00', '2024-01-31T10:60', '2024-01-31Z', 'now'].some(isIsoTimestamp)).toBe(false);
  });
});
