import type * as A from '../../syntax/ast.ts';
import type { Rule } from '../rule.ts';
import { walkColumnTypes } from '../typeWalk.ts';

/** Iceberg, Glue and Athena: decimal precision 1..38, scale 0..precision. */
export const maxDecimalPrecision = 38;

const usage = 'decimal(P, S): P digits in all (1 to 38), S of them after the point (0 to P)';

export const decimalRange: Rule = {
  code: 'LAKE2002',
  severity: 'error',
  title: 'invalid decimal precision or scale',
  description:
    '`decimal(P, S)` stores numbers of P digits, S of them after the decimal point. Iceberg, Glue and Athena accept a precision ' +
    'from 1 to 38 and a scale from 0 to the precision. Both must be written: `decimal(12, 2)` for amounts in cents, ' +
    '`decimal(18, 0)` for whole numbers. A scale larger than the precision is usually the two numbers swapped.',
  example: 'columns {\n  price    decimal(40, 2)\n  quantity decimal(4, 18)\n  fee      decimal\n}',
  fixed: 'columns {\n  price    decimal(38, 2)\n  quantity decimal(18, 4)\n  fee      decimal(12, 2)\n}',
  check({ lake, report }) {
    let written: Map<string, A.TypeNode> | undefined;
    walkColumnTypes(lake.datasets, {
      type(t, optional) {
        if (t.kind !== 'decimal') return;
        const { precision: p, scale: s, span } = t;
        const q = optional ? '?' : '';
        if (Number.isNaN(p) || Number.isNaN(s)) {
          // How the parameters were written (only looked up for the rare missing ones).
          written ??= decimalNodes(lake.files);
          const node = written.get(`${span.file}:${span.start}`);
          if (node?.hasArgs === true) return; // `decimal<...>`: the binder reported it (LAKE2010)
          const count = node?.params.length ?? (Number.isNaN(p) ? 0 : 1);
          if (count === 0) {
            report(span, 'decimal needs a precision and a scale', `write ${usage}, for instance decimal(18, 4)`);
          } else if (count === 1) {
            report(span, `decimal(${p}) needs a scale as well as the precision ${p}`, `write decimal(${p}, 0) for whole numbers, or decimal(${p}, S) with S digits after the point`,
              validPrecision(p) ? [{ title: `Change to decimal(${p}, 0)`, span, text: `decimal(${p}, 0)${q}` }] : undefined);
          } else {
            report(span, `decimal takes two parameters, found ${count}`, `write ${usage}`);
          }
          return;
        }
        if (!validPrecision(p)) {
          const fix = p > maxDecimalPrecision && Number.isInteger(s) && s >= 0 ? `decimal(${maxDecimalPrecision}, ${Math.min(s, maxDecimalPrecision)})` : undefined;
          report(
            span,
            `decimal precision ${p} is out of range: ${Number.isInteger(p) ? `Iceberg and Athena support 1 to ${maxDecimalPrecision} digits` : 'it must be a whole number of digits'}`,
            fix !== undefined ? `use ${fix}; larger numbers need double (inexact) or a string` : `write ${usage}`,
            fix !== undefined ? [{ title: `Change to ${fix}`, span, text: fix + q }] : undefined,
          );
          return;
        }
        if (!Number.isInteger(s) || s < 0) {
          report(span, `decimal scale ${s} is not a whole number of digits`, `write ${usage}`);
          return;
        }
        if (s > p) {
          const swapped = validPrecision(s) ? `decimal(${s}, ${p})` : undefined;
          report(
            span,
            `decimal scale ${s} is larger than its precision ${p}: the scale counts the digits after the point, out of ${p} in all`,
            swapped !== undefined ? `did you mean ${swapped}?` : `write ${usage}`,
            swapped !== undefined ? [{ title: `Change to ${swapped}`, span, text: swapped + q }] : undefined,
          );
        }
      },
    });
  },
};

function validPrecision(p: number): boolean {
  return Number.isInteger(p) && p >= 1 && p <= maxDecimalPrecision;
}

/** Every `decimal` type node of the spec by file and start offset, nested ones included. */
function decimalNodes(files: readonly A.LakeFile[]): Map<string, A.TypeNode> {
  const out = new Map<string, A.TypeNode>();
  const visit = (n: A.TypeNode): void => {
    if (n.name.name === 'decimal') out.set(`${n.span.file}:${n.span.start}`, n);
    for (const a of n.args) visit(a.type);
  };
  for (const f of files) {
    for (const d of f.declarations) {
      if (d.kind !== 'Dataset') continue;
      for (const item of d.items) if (item.kind === 'Columns') for (const c of item.columns) if (c.type !== undefined) visit(c.type);
    }
  }
  return out;
}
