/** `lakeformation/access-matrix.md`: persona x dataset x column, with row filters and privileges. */
import type { LakeModel } from '../../model/model.ts';
import type { AccessMatrix } from '../plan/access.ts';
import { storedColumns, tableColumnNames } from '../plan/tables.ts';

function cell(rows: ReadonlySet<string> | undefined): string {
  if (rows === undefined) return '';
  if (rows.has('*')) return 'all rows';
  return [...rows].sort().map((f) => `where \`${f.replace(/`/g, "'")}\``).join(' or ');
}

function escape(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s+/g, ' ');
}

export function accessMatrixMarkdown(model: LakeModel, m: AccessMatrix): string {
  const out: string[] = [
    `# Access matrix of ${model.lake.name}`,
    '',
    'What each persona can read, column by column: `all rows`, or only the rows a row filter admits',
    '(a data cells filter); a blank cell is no access. Lake Formation enforces it; it is computed from',
    'the grants of the spec. `system_from` and `system_to` are the history columns lakec adds to a',
    'bi-temporal table.',
    '',
  ];
  for (const d of model.datasets) {
    const personas = model.personas.map((p) => p.name).filter((p) => m.reads.get(p)?.has(d.name) === true || m.privileges.get(p)?.has(`dataset:${d.name}`) === true);
    out.push(`## ${d.name}`, '', `Table \`${d.database}.${d.table}\` (${d.format}, zone ${d.zone}).${d.description !== undefined ? ` ${escape(d.description)}` : ''}`, '');
    if (personas.length === 0) {
      out.push('No persona can read it.', '');
      continue;
    }
    out.push(`| column | classification | ${personas.join(' | ')} |`, `| --- | --- |${personas.map(() => ' --- |').join('')}`);
    const classes = new Map(storedColumns(d).map((c) => [c.name, c.classifications]));
    for (const c of tableColumnNames(d)) {
      const cells = personas.map((p) => cell(m.reads.get(p)?.get(d.name)?.get(c)));
      const label = classes.has(c) ? classes.get(c)!.map((x) => `@${x}`).join(' ') : '(partition)';
      out.push(`| ${c} | ${label} | ${cells.join(' | ')} |`);
    }
    const privileged = personas.filter((p) => m.privileges.get(p)?.has(`dataset:${d.name}`) === true);
    if (privileged.length > 0) {
      out.push('', `Other privileges: ${privileged.map((p) => `${p}: ${[...m.privileges.get(p)!.get(`dataset:${d.name}`)!].sort().join(', ')}`).join('; ')}.`);
    }
    out.push('');
  }
  const zoneRows: string[] = [];
  for (const p of model.personas) {
    for (const z of model.zones) {
      const ps = m.privileges.get(p.name)?.get(`database:${z.database}`);
      if (ps !== undefined) zoneRows.push(`| ${p.name} | ${z.name} (\`${z.database}\`) | ${[...ps].sort().join(', ')} |`);
    }
  }
  if (zoneRows.length > 0) out.push('## Databases', '', '| persona | zone (database) | privileges |', '| --- | --- | --- |', ...zoneRows, '');
  return out.join('\n');
}
