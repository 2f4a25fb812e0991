/** Hover: what a name is (doc comment, type, where it leads) and the arithmetic behind an SLA. */
import type { Hover, MarkupContent } from 'vscode-languageserver';
import { glueType } from '../model/glue.ts';
import { writeCapacity } from '../model/capacity.ts';
import { defaultSensitive, type BoundLake, type ClassificationSymbol, type ColumnSymbol, type DatasetSymbol, type LakeSymbol, type PersonaSymbol, type StreamSymbol, type SymbolBase, type ZoneSymbol } from '../semantic/symbols.ts';
import { typeText } from '../semantic/types.ts';
import type { SourceFile } from '../syntax/source.ts';
import { datasetAt, datasetOfColumn, nameAt, usesOf } from './find.ts';
import { contains, toRange } from './positions.ts';
import { fileAst, syntaxAt } from './syntaxAt.ts';
import { blockAttributes } from './vocabulary.ts';
import type { LakeState } from './workspace.ts';

export function hover(state: LakeState, file: SourceFile, offset: number): Hover | null {
  const lake = state.compilation.lake;
  const name = nameAt(lake, file.path, offset);
  if (name?.symbol !== undefined) return markdown(symbolHover(lake, name.symbol), toRange(file, name.span));

  const ast = fileAst(state.compilation, file.path);
  const at = ast && syntaxAt(ast, offset);
  if (at === undefined) return null;
  const inner = at.items[at.items.length - 1];
  const dataset = datasetAt(lake, file.path, offset);
  if (dataset?.sla?.burst !== undefined && inner?.name.name === 'burst' && at.items[0]?.name.name === 'sla') {
    return markdown(burstText(lake, dataset), toRange(file, inner.span));
  }
  if (at.decl.kind === 'Stream' && inner?.name.name === 'shards') {
    const stream = lake.streams.find((s) => s.span.file === file.path && contains(s.span, offset));
    if (stream !== undefined) return markdown(capacityText(stream) ?? '', toRange(file, inner.span));
  }
  if (at.column !== undefined && at.column.type !== undefined && contains(at.column.type.span, offset) && dataset !== undefined) {
    const col = dataset.columns.find((c) => c.nameSpan.start === at.column!.name.span.start);
    if (col !== undefined) return markdown(columnHover(lake, col), toRange(file, at.column.type.span));
  }
  // An attribute name: what it means.
  if (inner !== undefined && contains(inner.name.span, offset)) {
    const block = at.items.length > 1 ? at.items[at.items.length - 2]!.name.name : at.decl.kind.toLowerCase();
    const attr = blockAttributes[block]?.find((x) => x.name === inner.name.name);
    if (attr !== undefined) return markdown(`**${attr.name}** (${block})\n\n${attr.doc}`, toRange(file, inner.name.span));
  }
  return null;
}

function markdown(value: string, range: Hover['range']): Hover | null {
  if (value === '') return null;
  const contents: MarkupContent = { kind: 'markdown', value };
  return range !== undefined ? { contents, range } : { contents };
}

const fmt = (n: number): string => n.toLocaleString('en-US', { maximumFractionDigits: 1 });
const code = (s: string): string => '```lake\n' + s + '\n```';

export function symbolHover(lake: BoundLake, s: SymbolBase): string {
  const parts: string[] = [];
  const details: string[] = [];
  switch (s.kind) {
    case 'lake': {
      const l = s as LakeSymbol;
      parts.push(code(`lake ${l.name}`));
      if (l.region !== undefined) details.push(`region ${l.region.value}`);
      if (l.owner !== undefined) details.push(`owner ${l.owner.value}`);
      break;
    }
    case 'zone': {
      const z = s as ZoneSymbol;
      parts.push(code(`zone ${z.name}`));
      if (z.layer !== undefined) details.push(`layer ${z.layer.value}`);
      if (z.retention !== undefined) details.push(`retention ${z.retention.value.text}`);
      if (z.archive !== undefined) details.push(`archive to ${z.archive.value.storageClass.value} after ${z.archive.value.after.value.text}`);
      const ds = lake.datasets.filter((d) => d.zone?.value === z.name).map((d) => `\`${d.name}\``);
      if (ds.length > 0) details.push(`datasets: ${list(ds)}`);
      break;
    }
    case 'classification': {
      const c = s as ClassificationSymbol;
      parts.push(code(`classification ${c.name}`));
      details.push(c.sensitive
        ? `sensitive${c.sensitiveSpan === undefined ? ` (${defaultSensitive} is sensitive by default)` : ''}: a QuickSight persona must not read its columns (LAKE6102)`
        : 'not sensitive (`sensitive = true` keeps its columns from QuickSight personas)');
      const cols = lake.datasets.flatMap((d) => d.columns.filter((c) => c.classifications.some((x) => x.value === s.name)).map((c) => `\`${d.name}.${c.name}\``));
      details.push(cols.length === 0 ? 'labels no column yet' : `labels ${cols.length === 1 ? 'one column' : `${cols.length} columns`}: ${list(cols)}`);
      break;
    }
    case 'stream': {
      const st = s as StreamSymbol;
      parts.push(code(`stream ${st.name}`));
      const cap = capacityText(st);
      if (cap !== undefined) details.push(cap);
      if (st.partitionKey !== undefined) details.push(`partition key ${st.partitionKey.value}`);
      if (st.retention !== undefined) details.push(`retention ${st.retention.value.text}`);
      const readers = lake.datasets.filter((d) => d.source?.value.stream.value === st.name).map((d) => `\`${d.name}\``);
      details.push(readers.length === 0 ? 'no dataset reads it' : `read by ${list(readers)}`);
      break;
    }
    case 'dataset': {
      const d = s as DatasetSymbol;
      parts.push(code(`dataset ${d.name}${d.zone !== undefined ? ` in ${d.zone.value}` : ''}`));
      details.push(d.source !== undefined ? `from stream \`${d.source.value.stream.value}\`` : 'external table (no stream)');
      details.push(`${d.format.value}${d.format.defaulted ? ' (default)' : ''}`);
      details.push(`${d.columns.length} column${d.columns.length === 1 ? '' : 's'}`);
      if (d.key !== undefined) details.push(`key (${d.key.value.map((k) => k.value).join(', ')})`);
      if (d.bitemporal !== undefined) details.push(d.bitemporal.late?.value === 'dead_letter' ? 'bi-temporal, late events dead-lettered' : 'bi-temporal');
      else if (d.source !== undefined) details.push(d.key !== undefined ? 'one row per key' : 'append-only');
      if (d.sla?.burst !== undefined) {
        if (s.doc !== undefined) parts.push(s.doc);
        parts.push(details.join(' · '), burstText(lake, d));
        return parts.join('\n\n');
      }
      break;
    }
    case 'column':
      return columnHover(lake, s as ColumnSymbol);
    case 'persona': {
      const p = s as PersonaSymbol;
      parts.push(code(`persona ${p.name}`));
      if (p.access.length > 0) details.push(`access [${p.access.map((x) => x.value).join(', ')}]`);
      if (p.identity !== undefined) details.push(p.identity.value.kind === 'iam_role' ? `IAM role ${p.identity.value.arn}` : `SSO group ${p.identity.value.group}`);
      const grants = lake.grants.filter((g) => g.persona?.value === p.name).length;
      details.push(`${grants} grant${grants === 1 ? '' : 's'}`);
      break;
    }
  }
  if (s.doc !== undefined) parts.push(s.doc);
  if (details.length > 0) parts.push(details.join(' · '));
  const uses = usesOf(lake, s).length;
  if (s.kind !== 'lake') parts.push(`${uses} use${uses === 1 ? '' : 's'}`);
  return parts.join('\n\n');
}

function columnHover(lake: BoundLake, c: ColumnSymbol): string {
  const ds = datasetOfColumn(lake, c);
  const type = typeText(c.type) + (c.optional ? '?' : '');
  const parts = [code(`${c.name} ${type}`)];
  if (c.doc !== undefined) parts.push(c.doc);
  const details = [`column of \`${c.dataset}\``, c.optional ? 'optional (nullable)' : 'required'];
  if (c.type.kind !== 'unknown') details.push(`Glue type \`${glueType(c.type)}\``);
  if (ds?.source !== undefined) {
    const src = c.source;
    details.push(src.kind === 'path' ? `reads \`${src.path}\`${src.implicit ? ' (by its name)' : ''}` : src.kind === 'raw_payload' ? 'the event as received' : 'the ingestion time');
  }
  if (c.classifications.length > 0) details.push(classificationsText(lake, c));
  parts.push(details.join(' · '));
  return parts.join('\n\n');
}

/** `@phi (sensitive) @internal`: a column's classifications, the sensitive ones marked. */
export function classificationsText(lake: BoundLake, c: ColumnSymbol): string {
  return c.classifications.map((x) => `@${x.value}${lake.scope.classification.get(x.value)?.sensitive === true ? ' (sensitive)' : ''}`).join(' ');
}

/** `512 shards: up to 512,000 records/s and 512 MiB/s of writes`. */
function capacityText(st: StreamSymbol): string | undefined {
  if (st.capacity === undefined) return undefined;
  const c = st.capacity.value;
  const w = writeCapacity(c);
  const mib = fmt(w.bytesPerSecond / (1024 * 1024));
  return c.mode === 'on_demand'
    ? `on demand: up to ${fmt(w.recordsPerSecond)} records/s and ${mib} MiB/s of writes (default quota)`
    : `${fmt(c.shards)} shard${c.shards === 1 ? '' : 's'}: up to ${fmt(w.recordsPerSecond)} records/s and ${mib} MiB/s of writes`;
}

/**
 * `150,000,000 records within 5 minutes = 500,000 records/s; stream trade_events offers
 * 512,000 records/s (512 shards)`.
 */
export function burstText(lake: BoundLake, d: DatasetSymbol): string {
  const burst = d.sla?.burst?.value;
  if (burst === undefined) return '';
  const rate = burst.records / burst.within.seconds;
  let text = `**SLA** ${fmt(burst.records)} records within ${burst.within.text} = ${fmt(rate)} records/s`;
  const streamName = d.source?.value.stream.value;
  const stream = streamName !== undefined ? lake.scope.stream.get(streamName) : undefined;
  if (stream?.capacity === undefined) {
    return `${text}${streamName === undefined ? ' (the dataset reads no stream)' : ''}`;
  }
  const c = stream.capacity.value;
  const w = writeCapacity(c);
  text += `; stream ${stream.name} offers ${fmt(w.recordsPerSecond)} records/s (${c.mode === 'on_demand' ? 'on-demand default quota' : `${fmt(c.shards)} shard${c.shards === 1 ? '' : 's'}`})`;
  const use = rate / w.recordsPerSecond;
  text += use <= 1
    ? `: the burst uses ${fmt(use * 100)}% of it`
    : `: the burst needs ${fmt(use)}× that${c.mode === 'provisioned' ? ` (at least ${fmt(Math.ceil(rate / 1000))} shards)` : ''}`;
  return text;
}

function list(items: readonly string[], max = 8): string {
  return items.length <= max ? items.join(', ') : `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}
