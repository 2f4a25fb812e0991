/** Where an offset stands in the syntax tree: its declaration, the nested items around it, its column. */
import type * as A from '../syntax/ast.ts';
import type { Compilation } from '../driver/compile.ts';
import { contains } from './positions.ts';

export interface SyntaxAt {
  readonly decl: A.Declaration;
  /** Items from the outermost (`sla`) to the innermost (`burst`). */
  readonly items: readonly A.Item[];
  readonly column?: A.Column;
}

export function fileAst(compilation: Compilation, path: string): A.LakeFile | undefined {
  return compilation.parsed.find((p) => p.ast.path === path)?.ast;
}

export function syntaxAt(file: A.LakeFile, offset: number): SyntaxAt | undefined {
  const decl = file.declarations.find((d) => contains(d.span, offset));
  if (decl === undefined) return undefined;
  const items: A.Item[] = [];
  let column: A.Column | undefined;
  const walk = (list: readonly (A.Item | A.ColumnsBlock)[]): void => {
    for (const item of list) {
      if (!contains(item.span, offset)) continue;
      if (item.kind === 'Columns') {
        column = item.columns.find((c) => contains(c.span, offset));
        return;
      }
      items.push(item);
      if (item.block !== undefined) walk(item.block.items);
      return;
    }
  };
  if (decl.kind === 'Dataset') walk(decl.items);
  else if (decl.kind === 'Classification') walk(decl.body?.items ?? []);
  else if (decl.kind !== 'Grant') walk(decl.body.items);
  return { decl, items, ...(column !== undefined ? { column } : {}) };
}
