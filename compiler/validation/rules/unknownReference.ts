import { didYouMean } from '../../diagnostics/suggest.ts';
import { systemColumns } from '../../semantic/symbols.ts';
import type { Rule } from '../rule.ts';

/** Every name a spec uses must be declared: zones, streams, datasets, personas, classifications, columns. */
export const unknownReference: Rule = {
  code: 'LAKE1003',
  severity: 'error',
  title: 'unknown name',
  description:
    'A zone, stream, dataset, persona, classification or column is used but never declared. ' +
    'When a declared name is close, the diagnostic suggests it and offers a quick fix.',
  example: 'dataset trades in curated_zone { ... }   // no zone named curated_zone',
  fixed: 'dataset trades in curated { ... }',
  check({ lake, report }) {
    for (const ref of lake.references) {
      if (ref.target !== undefined) continue;
      let candidates: string[];
      let what: string = ref.kind;
      if (ref.kind === 'column') {
        const ds = ref.dataset === undefined ? undefined : lake.scope.dataset.get(ref.dataset);
        // Columns of an unknown dataset: the dataset itself is reported, not each column.
        if (ds === undefined || ds.hasSyntaxErrors) continue;
        // Grants and row filters may also name the columns lakec adds (system_to).
        candidates = [...ds.columns, ...(ref.context === 'grant' || ref.context === 'row filter' ? systemColumns(ds) : [])].map((c) => c.name);
        what = `column of '${ds.name}'`;
      } else {
        candidates = [...lake.scope[ref.kind].keys()];
      }
      const suggestion = didYouMean(ref.name, candidates);
      const closest = suggestion === undefined ? undefined : /'([^']+)'/.exec(suggestion)![1]!;
      const known = candidates.length === 0 ? `no ${ref.kind} is declared` : `known: ${[...candidates].sort().slice(0, 8).join(', ')}${candidates.length > 8 ? ', ...' : ''}`;
      report(
        ref.span,
        `unknown ${what} '${ref.name}' in ${ref.context}`,
        suggestion ?? known,
        closest !== undefined ? [{ title: `Change to '${closest}'`, span: ref.span, text: closest }] : undefined,
      );
    }
  },
};
