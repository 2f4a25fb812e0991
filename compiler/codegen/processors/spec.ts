/**
 * The runtime's description of a dataset (`DatasetSpec`, runtime/dataset.ts) from the lake model:
 * what `lakec run` and `lakec replay` hand the runtime, and what a generated processor holds as a
 * literal. Each `@check` is parsed once here, by the compiler's own expression parser, into the
 * JSON tree the runtime evaluates; the runtime never parses spec syntax.
 */
import type { CheckExpr } from '../../../runtime/checks.ts';
import type { DatasetSpec } from '../../../runtime/dataset.ts';
import type { DatasetModel, LakeModel } from '../../model/model.ts';
import type * as A from '../../syntax/ast.ts';
import { parseFile } from '../../syntax/parse.ts';

/** Datasets a processor runs for: those fed by a stream. */
export function streamDatasets(model: LakeModel): DatasetModel[] {
  return model.datasets.filter((d) => d.mode !== 'external');
}

export function datasetSpec(d: DatasetModel): DatasetSpec {
  if (d.mode === 'external') throw new Error(`dataset '${d.name}' has no stream: no processor runs for it`);
  return {
    name: d.name,
    mode: d.mode,
    columns: d.columns.map((c) => ({
      name: c.name,
      type: c.type,
      optional: c.optional,
      source: c.source,
      checks: c.checks.map((text) => ({ text, expr: checkExpr(text) })),
    })),
    key: [...d.key],
    ...(d.dedupWindow !== undefined ? { dedupWindow: d.dedupWindow } : {}),
    ...(d.bitemporal !== undefined ? { bitemporal: { validFrom: d.bitemporal.validFrom, validTo: d.bitemporal.validTo, system: d.bitemporal.system, late: d.bitemporal.late } } : {}),
  };
}

/**
 * The tree of a check's canonical text (as the model holds it). The text is parsed as the
 * condition of a row filter, which has the same expression grammar.
 */
export function checkExpr(text: string): CheckExpr {
  const parsed = parseFile('<check>', `grant select on d to p where ${text}\n`);
  const grant = parsed.ast.declarations[0];
  if (parsed.diagnostics.length > 0 || grant?.kind !== 'Grant' || grant.where === undefined) {
    throw new Error(`cannot parse the check '${text}'${parsed.diagnostics[0] !== undefined ? `: ${parsed.diagnostics[0].message}` : ''}`);
  }
  return toTree(grant.where);
}

function toTree(e: A.Expr): CheckExpr {
  switch (e.kind) {
    case 'Logical': return { op: e.op, left: toTree(e.left), right: toTree(e.right) };
    case 'Not': return { op: 'not', operand: toTree(e.operand) };
    case 'Compare': return { op: e.op, left: toTree(e.left), right: toTree(e.right) };
    case 'In': return { op: 'in', negated: e.negated, operand: toTree(e.operand), values: e.values.map(toTree) };
    case 'IsNull': return { op: 'is null', negated: e.negated, operand: toTree(e.operand) };
    case 'ColumnRef': return { op: 'column', name: e.name };
    case 'Paren': return toTree(e.inner);
    case 'Literal':
      switch (e.type) {
        case 'string': return { op: 'literal', value: e.value };
        case 'number': return { op: 'literal', value: e.value, text: e.text };
        case 'boolean': return { op: 'literal', value: e.value };
        case 'null': return { op: 'literal', value: null };
      }
    // falls through: a Missing expression only exists in specs with errors
    case 'Missing':
      throw new Error('a check with a syntax error reached the runtime');
  }
}
