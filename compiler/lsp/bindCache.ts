/**
 * Binding only the declarations that changed. The binder decodes each declaration on its own
 * (semantic/bind.ts: no diagnostic of binding depends on another declaration); only the scope,
 * the grants' positions and the references' targets depend on the whole lake. So each
 * declaration is bound alone once and its symbols, references and diagnostics are attached to it
 * (when an edit moves the declaration, the incremental parser moves them too); and the lake is
 * assembled from the parts exactly as `bind` assembles it.
 * test/lsp/bindCache.test.ts checks the result against `bind` on random edits.
 */
import { DiagnosticBag, type Diagnostic } from '../diagnostics/diagnostic.ts';
import { bind } from '../semantic/bind.ts';
import { columnTarget, type BoundLake, type GrantSymbol, type Reference, type SymbolBase } from '../semantic/symbols.ts';
import type * as A from '../syntax/ast.ts';
import { attached } from './incremental.ts';

type Part = Omit<BoundLake, 'files' | 'scope' | 'references'> & {
  readonly references: readonly Reference[];
  readonly diagnostics: readonly Diagnostic[];
};



function partOf(file: A.LakeFile, decl: A.Declaration): Part {
  // Kept with the declaration; the incremental parser moves it along when an edit moves the declaration.
  const cached = attached.get(decl) as Part | undefined;
  if (cached !== undefined) return cached;
  const bag = new DiagnosticBag();
  const lake = bind([{ ...file, declarations: [decl], comments: [] }], bag);
  const part: Part = {
    lakes: lake.lakes, zones: lake.zones, classifications: lake.classifications, streams: lake.streams,
    datasets: lake.datasets, personas: lake.personas, grants: lake.grants,
    // Targets are resolved again against the whole lake.
    references: lake.references.map(({ target: _, ...r }) => r),
    diagnostics: bag.items,
  };
  attached.set(decl, part);
  return part;
}

/** What `bind(files, bag)` returns, reusing the parts of unchanged declarations. */
export function bindCached(files: readonly A.LakeFile[], bag: DiagnosticBag): BoundLake {
  const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const lake = {
    lakes: [] as BoundLake['lakes'][number][], zones: [] as BoundLake['zones'][number][],
    classifications: [] as BoundLake['classifications'][number][], streams: [] as BoundLake['streams'][number][],
    datasets: [] as BoundLake['datasets'][number][], personas: [] as BoundLake['personas'][number][], grants: [] as GrantSymbol[],
  };
  const refs: Reference[] = [];
  for (const file of sorted) {
    for (const decl of file.declarations) {
      const p = partOf(file, decl);
      lake.lakes.push(...p.lakes);
      lake.zones.push(...p.zones);
      lake.classifications.push(...p.classifications);
      lake.streams.push(...p.streams);
      lake.datasets.push(...p.datasets);
      lake.personas.push(...p.personas);
      for (const g of p.grants) lake.grants.push(g.index === lake.grants.length ? g : { ...g, index: lake.grants.length });
      refs.push(...p.references);
      for (const d of p.diagnostics) bag.add(d);
    }
  }
  const scope = {
    zone: firstByName(lake.zones),
    classification: firstByName(lake.classifications),
    stream: firstByName(lake.streams),
    dataset: firstByName(lake.datasets),
    persona: firstByName(lake.personas),
  };
  const references = refs.map((r): Reference => {
    let target: SymbolBase | undefined;
    if (r.kind === 'column') {
      const ds = r.dataset === undefined ? undefined : scope.dataset.get(r.dataset);
      target = ds === undefined ? undefined : columnTarget(ds, r.name, r.context);
    } else {
      target = scope[r.kind].get(r.name);
    }
    return target !== undefined ? { ...r, target } : { ...r };
  });
  return { files: sorted, ...lake, scope, references };
}

function firstByName<S extends { name: string }>(symbols: readonly S[]): Map<string, S> {
  const m = new Map<string, S>();
  for (const s of symbols) if (s.name !== '' && !m.has(s.name)) m.set(s.name, s);
  return m;
}
