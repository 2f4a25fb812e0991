/**
 * Binding: decode every declaration into symbols, apply defaults, and list every reference
 * with what it resolves to. Unknown references are not reported here: the validation rule
 * for them reads `references`, so each rule stays one file with one code.
 */
import { DiagnosticBag, type Span } from '../diagnostics/diagnostic.ts';
import type * as A from '../syntax/ast.ts';
import { BlockReader, codes, Decoder, describeTerms, termsSpan } from './decode.ts';
import { decodeType } from './types.ts';
import {
  columnTarget, defaultSensitive, latePolicies, MAX_DEDUP_WINDOW, partitionTransforms,
  type Access, type BitemporalSymbol, type BoundLake, type ClassificationSymbol, type ColumnSourceSymbol, type ColumnSymbol,
  type DatasetSymbol, type Frequency, type GrantSymbol, type GrantTargetSymbol, type LakeSymbol, type Layer, type Located,
  type MaintenanceSymbol, type PartitionField, type PartitionTransform, type PersonaSymbol, type Privilege, type Reference,
  type ScalingPeak, type ScalingSymbol, type SlaSymbol, type StorageClass, type StreamSymbol, type SymbolBase,
  type TableFormat, type ZoneSymbol,
} from './symbols.ts';

export const bindCodes = { ...codes, columnWithoutType: 'LAKE1012', invalidSource: 'LAKE2007' } as const;

const layers: readonly Layer[] = ['raw', 'transformed', 'curated'];
const storageClasses: readonly StorageClass[] = ['glacier_ir', 'glacier', 'deep_archive'];
const formats: readonly TableFormat[] = ['iceberg', 'parquet', 'json'];
const accesses: readonly Access[] = ['athena', 'quicksight', 'api'];
export const privileges: readonly Privilege[] = ['select', 'insert', 'delete', 'describe', 'alter', 'drop', 'all'];
const frequencies: readonly Frequency[] = ['hourly', 'daily', 'weekly'];

export function bind(files: readonly A.LakeFile[], bag: DiagnosticBag): BoundLake {
  return new Binder(bag).run(files);
}

class Binder {
  private d: Decoder;
  private readonly refs: { kind: Reference['kind']; name: string; span: Span; context: string; dataset?: string; target?: SymbolBase }[] = [];

  constructor(private bag: DiagnosticBag) {
    this.d = new Decoder(bag);
  }

  run(files: readonly A.LakeFile[]): BoundLake {
    const lakes: LakeSymbol[] = [];
    const zones: ZoneSymbol[] = [];
    const classifications: ClassificationSymbol[] = [];
    const streams: StreamSymbol[] = [];
    const datasets: DatasetSymbol[] = [];
    const personas: PersonaSymbol[] = [];
    const grants: GrantSymbol[] = [];
    const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    const bag = this.bag;
    const quiet = new DiagnosticBag();
    for (const file of sorted) {
      for (const decl of file.declarations) {
        // A declaration with a syntax error gets that error only: recovery may have moved or
        // dropped its items, so what it seems to lack, repeat or misplace is not news.
        this.bag = decl.hasSyntaxErrors === true ? quiet : bag;
        this.d = new Decoder(this.bag);
        switch (decl.kind) {
          case 'Lake': lakes.push(this.lake(decl)); break;
          case 'Zone': zones.push(this.zone(decl)); break;
          case 'Classification': classifications.push(this.classification(decl)); break;
          case 'Stream': streams.push(this.stream(decl)); break;
          case 'Dataset': datasets.push(this.dataset(decl)); break;
          case 'Persona': personas.push(this.persona(decl)); break;
          case 'Grant': grants.push(this.grant(decl, grants.length)); break;
        }
      }
    }
    this.bag = bag;
    this.d = new Decoder(bag);
    const scope = {
      zone: firstByName(zones),
      classification: firstByName(classifications),
      stream: firstByName(streams),
      dataset: firstByName(datasets),
      persona: firstByName(personas),
    };
    const references: Reference[] = this.refs.map((r) => {
      let target: SymbolBase | undefined;
      if (r.kind === 'column') {
        const ds = r.dataset === undefined ? undefined : scope.dataset.get(r.dataset);
        target = ds === undefined ? undefined : columnTarget(ds, r.name, r.context);
      } else {
        target = scope[r.kind].get(r.name);
      }
      // Resolved in place: these records are the binder's own, and copying each one with a
      // spread was the largest single cost of binding.
      if (target !== undefined) r.target = target;
      return r;
    });
    return { files: sorted, lakes, zones, classifications, streams, datasets, personas, grants, scope, references };
  }

  private ref(kind: Reference['kind'], name: Located<string> | A.Ident, context: string, dataset?: string): void {
    const n = 'value' in name ? name.value : name.name;
    if (n === '') return;
    this.refs.push(dataset !== undefined ? { kind, name: n, span: name.span, context, dataset } : { kind, name: n, span: name.span, context });
  }

  // ---------------------------------------------------------------- lake, zone, stream, persona

  private lake(decl: A.LakeDecl): LakeSymbol {
    const r = new BlockReader(this.bag, 'lake', ['region', 'owner', 'encryption', 'tags', 'warnings_as_errors']);
    const items = r.accept(decl.body.items);
    const region = opt(r.single(items, 'region'), (i) => this.d.string(i, 'region = "us-east-1"'));
    const owner = opt(r.single(items, 'owner'), (i) => this.d.string(i, 'owner = "team@example.com"'));
    const encryption = opt(r.single(items, 'encryption'), (i) => this.d.choice(i, ['kms'] as const));
    const tags = opt(r.single(items, 'tags'), (i) => this.d.tags(i)) ?? [];
    const warningsAsErrors = opt(r.single(items, 'warnings_as_errors'), (i) => this.codeList(i)) ?? [];
    if (region === undefined && !items.has('region') && !decl.hasSyntaxErrors) {
      this.d.missing(decl.name.span, `the lake '${decl.name.name}'`, 'region', 'region = "us-east-1"');
    }
    return {
      kind: 'lake', name: decl.name.name, nameSpan: decl.name.span, span: decl.span, ...doc(decl), tags, warningsAsErrors,
      ...def({ region, owner, encryption }),
    };
  }

  /** `warnings_as_errors = [LAKE6102, LAKE6108]`: diagnostic codes (which of them are warnings, validate.ts checks). */
  private codeList(item: A.Item): Located<string>[] | undefined {
    const example = 'warnings_as_errors = [LAKE6102]';
    if (!this.d.requireAssign(item, example)) return undefined;
    const t = item.terms[0]!;
    this.d.noMore(item.terms, 1, 'warnings_as_errors');
    if (t.kind !== 'List') return this.d.invalid(t.span, `'warnings_as_errors' takes a list of diagnostic codes`, `write it as ${example}`);
    const out: Located<string>[] = [];
    for (const el of t.elements) {
      const code = el[0]!;
      if (el.length !== 1 || code.kind !== 'Name' || !/^LAKE\d{4}$/i.test(code.name)) {
        this.d.invalid(code.span, `'warnings_as_errors' lists diagnostic codes such as LAKE6102, not ${describeTerms(el)}`, "'lakec explain --list' lists the codes");
        continue;
      }
      if (out.some((c) => c.value === code.name.toUpperCase())) {
        this.bag.error(codes.duplicateAttribute, code.span, `'${code.name}' is listed twice in 'warnings_as_errors'`);
        continue;
      }
      out.push({ value: code.name.toUpperCase(), span: code.span });
    }
    return out;
  }

  private classification(decl: A.ClassificationDecl): ClassificationSymbol {
    const name = decl.name.name;
    let sensitive: Located<'true' | 'false'> | undefined;
    if (decl.body !== undefined) {
      const r = new BlockReader(this.bag, 'classification', ['sensitive']);
      const items = r.accept(decl.body.items);
      sensitive = opt(r.single(items, 'sensitive'), (i) => this.d.choice(i, ['true', 'false'] as const));
    }
    return {
      kind: 'classification', name, nameSpan: decl.name.span, span: decl.span, ...doc(decl),
      sensitive: sensitive !== undefined ? sensitive.value === 'true' : name === defaultSensitive,
      ...(sensitive !== undefined ? { sensitiveSpan: sensitive.span } : {}),
    };
  }

  private zone(decl: A.ZoneDecl): ZoneSymbol {
    const r = new BlockReader(this.bag, 'zone', ['layer', 'retention', 'archive']);
    const items = r.accept(decl.body.items);
    const layer = opt(r.single(items, 'layer'), (i) => this.d.choice(i, layers));
    const retention = opt(r.single(items, 'retention'), (i) => this.d.duration(i));
    const archive = opt(r.single(items, 'archive'), (i) => this.archive(i));
    if (!items.has('layer') && !decl.hasSyntaxErrors) {
      this.d.missing(decl.name.span, `the zone '${decl.name.name}'`, 'layer', 'layer = raw | transformed | curated');
    }
    return { kind: 'zone', name: decl.name.name, nameSpan: decl.name.span, span: decl.span, ...doc(decl), ...def({ layer, retention, archive }) };
  }

  /** `archive = glacier after 90 days`. */
  private archive(item: A.Item): ZoneSymbol['archive'] {
    const example = 'archive = glacier after 90 days';
    if (!this.d.requireAssign(item, example)) return undefined;
    const [cls, after] = item.terms;
    const storageClass = this.d.choiceTerms(cls !== undefined ? [cls] : [], storageClasses, 'archive storage class', item.span);
    if (storageClass === undefined) return undefined;
    if (after?.kind !== 'Name' || after.name !== 'after') {
      return this.d.invalid(after?.span ?? cls!.span, `expected 'after' and a duration after the storage class`, `write it as ${example}`);
    }
    const dur = this.d.durationAt(item.terms, 2, 'archive', after.span);
    if (dur === undefined) return undefined;
    this.d.noMore(item.terms, 2 + dur.used, 'archive');
    return { value: { storageClass, after: dur.value }, span: termsSpan(item) };
  }

  private stream(decl: A.StreamDecl): StreamSymbol {
    const r = new BlockReader(this.bag, 'stream', ['format', 'partition_key', 'retention', 'shards']);
    const items = r.accept(decl.body.items);
    const format = opt(r.single(items, 'format'), (i) => this.d.choice(i, ['json'] as const));
    const partitionKey = opt(r.single(items, 'partition_key'), (i) => this.partitionKey(i));
    const retention = opt(r.single(items, 'retention'), (i) => this.d.duration(i));
    const capacity = opt(r.single(items, 'shards'), (i): StreamSymbol['capacity'] => {
      if (!this.d.requireAssign(i, 'shards = 4')) return undefined;
      const t = i.terms[0]!;
      this.d.noMore(i.terms, 1, 'shards');
      if (t.kind === 'Name') {
        const mode = this.d.choiceTerms([t], ['on_demand'] as const, 'shards mode', t.span);
        return mode && { value: { mode: 'on_demand' }, span: t.span };
      }
      const n = this.d.count(t, "'shards'", i.span);
      return n && { value: { mode: 'provisioned', shards: n.value }, span: n.span };
    });
    return { kind: 'stream', name: decl.name.name, nameSpan: decl.name.span, span: decl.span, ...doc(decl), ...def({ format, partitionKey, retention, capacity }) };
  }

  private partitionKey(item: A.Item): Located<string> | undefined {
    if (!this.d.requireAssign(item, 'partition_key = trade_id')) return undefined;
    const t = item.terms[0]!;
    this.d.noMore(item.terms, 1, 'partition_key');
    if (t.kind === 'Name') return { value: t.name, span: t.span };
    if (t.kind === 'Path') return { value: t.text, span: t.span };
    if (t.kind === 'String') return { value: t.value, span: t.span };
    return this.d.invalid(t.span, `'partition_key' takes the event field that spreads records over shards, such as trade_id or $.account.id`);
  }

  private persona(decl: A.PersonaDecl): PersonaSymbol {
    const r = new BlockReader(this.bag, 'persona', ['access', 'identity']);
    const items = r.accept(decl.body.items);
    const accessItem = r.single(items, 'access');
    const access: Located<Access>[] = [];
    if (accessItem !== undefined && this.d.requireAssign(accessItem, 'access = [athena]')) {
      const t = accessItem.terms[0]!;
      this.d.noMore(accessItem.terms, 1, 'access');
      const elements = t.kind === 'List' ? t.elements : t.kind === 'Name' ? [[t]] : undefined;
      if (elements === undefined) {
        this.d.invalid(t.span, `'access' takes a list such as [athena, quicksight, api]`);
      } else {
        const seen = new Set<string>();
        for (const el of elements) {
          const a = this.d.choiceTerms(el, accesses, 'access', el[0]!.span);
          if (a === undefined) continue;
          if (seen.has(a.value)) {
            this.bag.error(codes.duplicateAttribute, a.span, `'${a.value}' is listed twice in 'access'`);
            continue;
          }
          seen.add(a.value);
          access.push(a);
        }
        if (elements.length === 0) this.d.invalid(t.span, `'access' must name at least one of ${accesses.join(', ')}`);
      }
    }
    const identity = opt(r.single(items, 'identity'), (i): PersonaSymbol['identity'] => {
      const example = 'identity = iam_role "arn:aws:iam::123456789012:role/analyst"';
      if (!this.d.requireAssign(i, example)) return undefined;
      const kind = this.d.choiceTerms(i.terms.slice(0, 1), ['iam_role', 'sso_group'] as const, 'identity kind', i.span);
      if (kind === undefined) return undefined;
      const v = i.terms[1];
      if (v?.kind !== 'String') {
        return this.d.invalid(v?.span ?? kind.span, `${kind.value} needs ${kind.value === 'iam_role' ? 'a role ARN' : 'a group name'} in double quotes`, `write it as ${kind.value === 'iam_role' ? example : 'identity = sso_group "Analysts"'}`);
      }
      this.d.noMore(i.terms, 2, 'identity');
      const span = termsSpan(i);
      return kind.value === 'iam_role' ? { value: { kind: 'iam_role', arn: v.value }, span, valueSpan: v.span } : { value: { kind: 'sso_group', group: v.value }, span, valueSpan: v.span };
    });
    if (!decl.hasSyntaxErrors) {
      if (!items.has('access')) this.d.missing(decl.name.span, `the persona '${decl.name.name}'`, 'access', 'access = [athena]');
      if (!items.has('identity')) this.d.missing(decl.name.span, `the persona '${decl.name.name}'`, 'identity', 'identity = sso_group "Analysts"');
    }
    return {
      kind: 'persona', name: decl.name.name, nameSpan: decl.name.span, span: decl.span, ...doc(decl), access,
      ...def({ identity, accessSpan: accessItem?.span }),
    };
  }

  // ---------------------------------------------------------------- datasets

  private dataset(decl: A.DatasetDecl): DatasetSymbol {
    const name = decl.name.name;
    if (decl.zone !== undefined) this.ref('zone', decl.zone, 'dataset');
    else if (!decl.hasSyntaxErrors) {
      this.bag.error(codes.missingAttribute, decl.name.span, `the dataset '${name}' needs a zone`, `write it as: dataset ${name} in curated { ... }`);
    }
    const generic: A.Item[] = [];
    const columnBlocks: A.ColumnsBlock[] = [];
    for (const item of decl.items) (item.kind === 'Columns' ? columnBlocks : generic).push(item as never);
    const r = new BlockReader(this.bag, 'dataset', ['from', 'format', 'owner', 'tags', 'key', 'dedup_window', 'bitemporal', 'partition', 'sla', 'scaling', 'maintenance', 'columns']);
    const items = r.accept(generic);
    const source = opt(r.single(items, 'from'), (i) => this.source(i, name));
    const formatLoc = opt(r.single(items, 'format'), (i) => this.d.choice(i, formats));
    const format = formatLoc !== undefined ? { ...formatLoc, defaulted: false } : { value: 'iceberg' as const, span: decl.name.span, defaulted: true };
    const owner = opt(r.single(items, 'owner'), (i) => this.d.string(i, 'owner = "team@example.com"'));
    const tags = opt(r.single(items, 'tags'), (i) => this.d.tags(i)) ?? [];
    for (const misplaced of items.get('columns') ?? []) {
      this.d.invalid(misplaced.span, `'columns' takes a block of column definitions`, 'write it as: columns { id string }');
    }
    for (const extra of columnBlocks.slice(1)) {
      this.bag.error(codes.duplicateAttribute, extra.keyword, `the dataset '${name}' has more than one columns block`, 'put all columns in one block');
    }
    const columns = this.columns(name, columnBlocks[0]);
    const key = opt(r.single(items, 'key'), (i) => this.key(i, name));
    const dedupWindow = opt(r.single(items, 'dedup_window'), (i) => this.dedupWindow(i));
    const bitemporal = opt(r.single(items, 'bitemporal'), (i) => this.bitemporal(i, name));
    const partitionItem = r.single(items, 'partition');
    const partitions = partitionItem !== undefined ? this.partitions(partitionItem, name) : [];
    const sla = opt(r.single(items, 'sla'), (i) => this.sla(i));
    const scaling = opt(r.single(items, 'scaling'), (i) => this.scaling(i));
    const maintenance = opt(r.single(items, 'maintenance'), (i) => this.maintenance(i));
    if (columnBlocks.length === 0 && !decl.hasSyntaxErrors) {
      this.d.missing(decl.name.span, `the dataset '${name}'`, 'columns', 'columns { id string }');
    }
    return {
      kind: 'dataset', name, nameSpan: decl.name.span, span: decl.span, ...doc(decl),
      format, tags, columns, partitions, hasSyntaxErrors: decl.hasSyntaxErrors === true,
      ...def({
        zone: decl.zone && { value: decl.zone.name, span: decl.zone.span },
        source, owner, key, dedupWindow, bitemporal, sla, scaling, maintenance,
        columnsSpan: columnBlocks[0]?.span, partitionSpan: partitionItem?.span,
      }),
    };
  }

  private source(item: A.Item, dataset: string): DatasetSymbol['source'] {
    const [kind, name] = item.terms;
    if (item.assign || kind?.kind !== 'Name' || kind.name !== 'stream' || name?.kind !== 'Name') {
      return this.d.invalid(item.span, `expected 'from stream NAME', found 'from ${item.assign ? '= ' : ''}${describeTerms(item.terms)}'`, `a dataset fed by a stream says: from stream ${name?.kind === 'Name' ? name.name : 'events'}`);
    }
    this.d.noMore(item.terms, 2, 'from');
    const stream = { value: name.name, span: name.span };
    this.ref('stream', stream, `dataset ${dataset}`);
    return { value: { stream }, span: item.span };
  }

  private columns(dataset: string, block: A.ColumnsBlock | undefined): ColumnSymbol[] {
    if (block === undefined) return [];
    const out: ColumnSymbol[] = [];
    for (const c of block.columns) {
      if (c.type === undefined) {
        this.bag.error(bindCodes.columnWithoutType, c.name.span, `the column '${c.name.name}' has no type`, `write it as: ${c.name.name} string`);
        continue;
      }
      const type = decodeType(c.type, this.bag);
      const classifications: Located<string>[] = [];
      const checks: { expr: A.Expr; span: Span }[] = [];
      for (const attr of c.attributes) {
        if (attr.name.name === 'check') {
          if (attr.argument === undefined) {
            this.d.invalid(attr.span, `@check needs a condition in parentheses`, `for instance @check(${c.name.name} > 0)`);
          } else {
            checks.push({ expr: attr.argument, span: attr.span });
            this.exprRefs(attr.argument, dataset, `check on ${dataset}.${c.name.name}`);
          }
          continue;
        }
        if (attr.hasArgument) {
          this.d.invalid(attr.span, `the classification @${attr.name.name} takes no arguments`);
        }
        const cls = { value: attr.name.name, span: attr.name.span };
        classifications.push(cls);
        this.ref('classification', cls, `column ${dataset}.${c.name.name}`);
      }
      // Two literals rather than a spread of the optional doc: a spread in the middle of a
      // literal takes V8's slow generic path, once per column.
      const name = c.name.name, nameSpan = c.name.span, typeSpan = c.type.span, optional = c.type.optional;
      const source = this.columnSource(c), index = out.length;
      out.push(c.doc !== undefined
        ? { kind: 'column', name, nameSpan, span: c.span, doc: c.doc, dataset, type, typeSpan, optional, source, classifications, checks, index }
        : { kind: 'column', name, nameSpan, span: c.span, dataset, type, typeSpan, optional, source, classifications, checks, index });
    }
    return out;
  }

  private columnSource(c: A.Column): ColumnSourceSymbol {
    const s = c.source;
    if (s === undefined) return { kind: 'path', path: `$.${c.name.name}`, segments: [c.name.name], span: c.name.span, implicit: true };
    if (s.kind === 'Path') {
      const segments = parseJsonPath(s.text);
      if (segments === undefined) {
        this.bag.error(bindCodes.invalidSource, s.span, `'${s.text}' is not a JSON path into the event`, 'write a path such as $.instrument.symbol or $.items[0].sku');
        return { kind: 'path', path: s.text, segments: [], span: s.span, implicit: false };
      }
      return { kind: 'path', path: s.text, segments, span: s.span, implicit: false };
    }
    const fn = s.callee.name;
    if ((fn === 'raw_payload' || fn === 'ingestion_time') && s.args.length === 0) return { kind: fn, span: s.span };
    const hint = fn === 'raw_payload' || fn === 'ingestion_time' ? `${fn}() takes no arguments` : 'a column source is a JSON path ($.a.b), raw_payload() or ingestion_time()';
    this.bag.error(bindCodes.invalidSource, s.span, `unknown column source '${fn}(...)'`, hint);
    return { kind: 'path', path: `$.${c.name.name}`, segments: [c.name.name], span: s.span, implicit: false };
  }

  private key(item: A.Item, dataset: string): DatasetSymbol['key'] {
    const g = item.terms[0];
    if (item.assign || g?.kind !== 'Group') {
      return this.d.invalid(item.span, `expected 'key (column, ...)'`, 'write it as: key (trade_id)');
    }
    this.d.noMore(item.terms, 1, 'key');
    const cols: Located<string>[] = [];
    for (const el of g.elements) {
      const t = el[0]!;
      if (el.length !== 1 || t.kind !== 'Name') {
        this.d.invalid(t.span, `a key lists column names, found ${describeTerms(el)}`);
        continue;
      }
      const col = { value: t.name, span: t.span };
      cols.push(col);
      this.ref('column', col, 'key', dataset);
    }
    if (cols.length === 0) this.d.invalid(g.span, 'a key needs at least one column');
    return { value: cols, span: item.span };
  }

  private bitemporal(item: A.Item, dataset: string): BitemporalSymbol | undefined {
    if (item.block === undefined) {
      return this.d.invalid(item.span, `'bitemporal' takes a block`, 'write it as: bitemporal { valid = valid_from .. valid_to; system = recorded_at }');
    }
    const r = new BlockReader(this.bag, 'bitemporal', ['valid', 'system', 'late']);
    const items = r.accept(item.block.items);
    const out: { -readonly [K in keyof BitemporalSymbol]: BitemporalSymbol[K] } = { span: item.span };
    const valid = r.single(items, 'valid');
    if (valid !== undefined && this.d.requireAssign(valid, 'valid = valid_from .. valid_to')) {
      const [from, dots, to] = valid.terms;
      if (from?.kind !== 'Name' || dots?.kind !== 'Punct' || dots.text !== '..' || to?.kind !== 'Name') {
        this.d.invalid(termsSpan(valid), `expected 'valid = FROM .. TO' naming two timestamp columns`, 'write it as: valid = valid_from .. valid_to');
      } else {
        this.d.noMore(valid.terms, 3, 'valid');
        out.validFrom = { value: from.name, span: from.span };
        out.validTo = { value: to.name, span: to.span };
        this.ref('column', out.validFrom, 'bitemporal valid time', dataset);
        this.ref('column', out.validTo, 'bitemporal valid time', dataset);
      }
    } else if (valid === undefined) {
      this.d.missing(item.name.span, 'bitemporal', 'valid', 'valid = valid_from .. valid_to');
    }
    const system = r.single(items, 'system');
    if (system !== undefined && this.d.requireAssign(system, 'system = recorded_at')) {
      const t = system.terms[0]!;
      this.d.noMore(system.terms, 1, 'system');
      if (t.kind !== 'Name') {
        this.d.invalid(t.span, `'system' takes a timestamp column or 'ingestion'`);
      } else if (t.name === 'ingestion') {
        out.system = { value: { kind: 'ingestion' }, span: t.span };
      } else {
        out.system = { value: { kind: 'column', column: t.name }, span: t.span };
        this.ref('column', { value: t.name, span: t.span }, 'bitemporal system time', dataset);
      }
    } else if (system === undefined) {
      this.d.missing(item.name.span, 'bitemporal', 'system', 'system = recorded_at   (or: system = ingestion)');
    }
    const late = r.single(items, 'late');
    if (late !== undefined && this.d.requireAssign(late, 'late = dead_letter')) {
      const policy = this.d.choiceTerms(late.terms.slice(0, 1), latePolicies, 'late policy', late.terms[0]!.span);
      if (policy !== undefined) {
        out.late = policy;
        this.d.noMore(late.terms, 1, 'late');
      }
    }
    return out;
  }

  /** `dedup_window = 64`: a whole number from 0 (no duplicate detection) to MAX_DEDUP_WINDOW. */
  private dedupWindow(item: A.Item): Located<number> | undefined {
    if (!this.d.requireAssign(item, 'dedup_window = 64')) return undefined;
    const t = item.terms[0]!;
    if (t.kind !== 'Number' || !Number.isInteger(t.value) || t.value < 0 || t.value > MAX_DEDUP_WINDOW) {
      const next = item.terms[1];
      // A negative number is two terms, `-` and the digits.
      const written = t.kind === 'Punct' && t.text === '-' && next?.kind === 'Number' ? `-${next.text}` : describeTerms([t]);
      return this.d.invalid(
        t.span,
        `'dedup_window' takes a whole number of events from 0 to ${MAX_DEDUP_WINDOW}, not ${written}`,
        'write it as: dedup_window = 64   (the default is 32; 0 turns duplicate detection off)',
      );
    }
    this.d.noMore(item.terms, 1, 'dedup_window');
    return { value: t.value, span: t.span };
  }

  /** `partition by day(valid_from), bucket(16, trade_id)`. */
  private partitions(item: A.Item, dataset: string): PartitionField[] {
    const [by, ...rest] = item.terms;
    if (item.assign || by?.kind !== 'Name' || by.name !== 'by') {
      this.d.invalid(item.span, `expected 'partition by TRANSFORM(column), ...'`, 'write it as: partition by day(event_time), bucket(16, id)');
      return [];
    }
    const out: PartitionField[] = [];
    let expectField = true;
    for (const t of rest) {
      if (t.kind === 'Punct' && t.text === ',') {
        if (expectField) this.d.invalid(t.span, 'expected a partition field before this comma');
        expectField = true;
        continue;
      }
      if (!expectField) {
        this.d.invalid(t.span, 'separate partition fields with commas');
      }
      expectField = false;
      const f = this.partitionField(t, dataset);
      if (f !== undefined) out.push(f);
    }
    if (rest.length === 0 || expectField) {
      this.d.invalid(rest.length === 0 ? item.span : rest[rest.length - 1]!.span, 'expected a partition field such as day(event_time)');
    }
    return out;
  }

  private partitionField(t: A.Term, dataset: string): PartitionField | undefined {
    if (t.kind !== 'Call') {
      return this.d.invalid(t.span, `expected a partition transform such as day(${t.kind === 'Name' ? t.name : 'column'}), found ${describeTerms([t])}`, `transforms: ${partitionTransforms.join(', ')}`);
    }
    const name = t.callee.name;
    const transform = this.d.choiceTerms([{ kind: 'Name', name, span: t.callee.span }], partitionTransforms, 'partition transform', t.callee.span) as Located<PartitionTransform> | undefined;
    if (transform === undefined) return undefined;
    const takesWidth = name === 'bucket' || name === 'truncate';
    const args = t.args;
    const expected = takesWidth ? 2 : 1;
    const usage = takesWidth ? `${name}(N, column)` : `${name}(column)`;
    if (args.length !== expected || args.some((a) => a.length !== 1)) {
      return this.d.invalid(t.span, `${name} takes ${expected === 1 ? 'one column' : 'a width and a column'}: ${usage}`);
    }
    const colTerm = args[expected - 1]![0]!;
    if (colTerm.kind !== 'Name') return this.d.invalid(colTerm.span, `expected a column name in ${usage}`);
    const column = { value: colTerm.name, span: colTerm.span };
    this.ref('column', column, 'partition by', dataset);
    let width: Located<number> | undefined;
    if (takesWidth) {
      const w = args[0]![0]!;
      if (w.kind !== 'Number' || !Number.isInteger(w.value)) return this.d.invalid(w.span, `the width of ${usage} must be a whole number`);
      width = { value: w.value, span: w.span };
    }
    return { transform, column, span: t.span, ...(width !== undefined ? { width } : {}) };
  }

  private sla(item: A.Item): SlaSymbol | undefined {
    if (item.block === undefined) {
      return this.d.invalid(item.span, `'sla' takes a block`, 'write it as: sla { burst = 1_000_000 records within 5 minutes; freshness = 15 minutes }');
    }
    const r = new BlockReader(this.bag, 'sla', ['burst', 'freshness']);
    const items = r.accept(item.block.items);
    const out: { -readonly [K in keyof SlaSymbol]: SlaSymbol[K] } = { span: item.span };
    const burst = r.single(items, 'burst');
    if (burst !== undefined && this.d.requireAssign(burst, 'burst = 1_000_000 records within 5 minutes')) {
      const [n, records, within] = burst.terms;
      const count = this.d.count(n, "the burst's record count", burst.span);
      if (count !== undefined) {
        if (records?.kind !== 'Name' || (records.name !== 'records' && records.name !== 'record') || within?.kind !== 'Name' || within.name !== 'within') {
          this.d.invalid(termsSpan(burst), `expected 'burst = N records within DURATION'`, 'write it as: burst = 1_000_000 records within 5 minutes');
        } else {
          const d = this.d.durationAt(burst.terms, 3, 'burst', within.span);
          if (d !== undefined) {
            this.d.noMore(burst.terms, 3 + d.used, 'burst');
            out.burst = { value: { records: count.value, within: d.value.value }, span: termsSpan(burst) };
          }
        }
      }
    }
    out.freshness = opt(r.single(items, 'freshness'), (i) => this.d.duration(i));
    if (out.freshness === undefined) delete out.freshness;
    return out;
  }

  private scaling(item: A.Item): ScalingSymbol | undefined {
    if (item.block === undefined) {
      return this.d.invalid(item.span, `'scaling' takes a block`, 'write it as: scaling { baseline = 2 kpu; peak "cron(0 20 ? * MON-FRI *)" for 2 hours at 16 kpu }');
    }
    const r = new BlockReader(this.bag, 'scaling', ['baseline', 'peak']);
    const items = r.accept(item.block.items);
    const baselineItem = r.single(items, 'baseline');
    let baseline: Located<number> | undefined;
    if (baselineItem !== undefined && this.d.requireAssign(baselineItem, 'baseline = 2 kpu')) {
      baseline = this.kpu(baselineItem.terms, 0, baselineItem.span, 'baseline');
      if (baseline !== undefined) this.d.noMore(baselineItem.terms, 2, 'baseline');
    }
    const peaks: ScalingPeak[] = [];
    for (const p of items.get('peak') ?? []) {
      const example = 'peak "cron(0 20 ? * MON-FRI *)" for 2 hours at 16 kpu';
      const [cron, inKw, zone] = p.terms;
      // `in "ZONE"` between the cron and `for`: the time zone the cron is read in.
      const zoned = inKw?.kind === 'Name' && inKw.name === 'in';
      if (zoned && zone?.kind !== 'String') {
        this.d.invalid(zone?.span ?? inKw.span, `expected a time zone name after 'in', such as "America/New_York"`, 'write it as: peak "cron(0 16 ? * MON-FRI *)" in "America/New_York" for 30 minutes at 16 kpu');
        continue;
      }
      const from = zoned ? 3 : 1;
      const forKw = p.terms[from];
      if (p.assign || cron?.kind !== 'String' || forKw?.kind !== 'Name' || forKw.name !== 'for') {
        this.d.invalid(p.span, `expected 'peak "CRON" [in "TIME ZONE"] for DURATION at N kpu'`, `write it as: ${example}`);
        continue;
      }
      const d = this.d.durationAt(p.terms, from + 1, 'peak', forKw.span);
      if (d === undefined) continue;
      const at = p.terms[from + 1 + d.used];
      if (at?.kind !== 'Name' || at.name !== 'at') {
        this.d.invalid(at?.span ?? d.value.span, `expected 'at N kpu' after the peak's duration`, `write it as: ${example}`);
        continue;
      }
      const kpu = this.kpu(p.terms, from + 2 + d.used, at.span, 'peak');
      if (kpu === undefined) continue;
      this.d.noMore(p.terms, from + 4 + d.used, 'peak');
      const timeZone = zoned && zone?.kind === 'String' ? { value: zone.value, span: zone.span } : undefined;
      peaks.push({ cron: { value: cron.value, span: cron.span }, ...def({ timeZone }), duration: d.value, kpu, span: p.span });
    }
    return { peaks, span: item.span, ...def({ baseline }) };
  }

  private kpu(terms: readonly A.Term[], index: number, fallback: Span, what: string): Located<number> | undefined {
    const n = this.d.count(terms[index], `the ${what} capacity`, fallback);
    if (n === undefined) return undefined;
    const unit = terms[index + 1];
    if (unit?.kind !== 'Name' || unit.name !== 'kpu') {
      return this.d.invalid(unit?.span ?? n.span, `the ${what} capacity is counted in KPU: write '${n.value} kpu'`);
    }
    return { value: n.value, span: { file: n.span.file, start: n.span.start, end: unit.span.end } };
  }

  private maintenance(item: A.Item): MaintenanceSymbol | undefined {
    if (item.block === undefined) {
      return this.d.invalid(item.span, `'maintenance' takes a block`, 'write it as: maintenance { compact = daily; expire_snapshots = after 7 days }');
    }
    const r = new BlockReader(this.bag, 'maintenance', ['compact', 'expire_snapshots', 'remove_orphans']);
    const items = r.accept(item.block.items);
    const compact = opt(r.single(items, 'compact'), (i) => this.d.choice(i, frequencies));
    const removeOrphans = opt(r.single(items, 'remove_orphans'), (i) => this.d.choice(i, frequencies));
    const expireSnapshots = opt(r.single(items, 'expire_snapshots'), (i) => {
      if (!this.d.requireAssign(i, 'expire_snapshots = after 7 days')) return undefined;
      const [after] = i.terms;
      if (after?.kind !== 'Name' || after.name !== 'after') {
        return this.d.invalid(termsSpan(i), `expected 'expire_snapshots = after DURATION'`, 'write it as: expire_snapshots = after 7 days');
      }
      const d = this.d.durationAt(i.terms, 1, 'expire_snapshots', after.span);
      if (d === undefined) return undefined;
      this.d.noMore(i.terms, 1 + d.used, 'expire_snapshots');
      return d.value;
    });
    return { span: item.span, ...def({ compact, removeOrphans, expireSnapshots }) };
  }

  // ---------------------------------------------------------------- grants

  private grant(decl: A.GrantDecl, index: number): GrantSymbol {
    const privs: Located<Privilege>[] = [];
    for (const p of decl.privileges) {
      if (p.name === '') continue;
      const v = this.d.choiceTerms([{ kind: 'Name', name: p.name, span: p.span }], privileges, 'privilege', p.span);
      if (v !== undefined) privs.push(v);
    }
    let target: GrantTargetSymbol | undefined;
    const t = decl.target;
    if (t?.kind === 'Zone') {
      target = { kind: 'zone', zone: loc(t.zone), span: t.span };
      this.ref('zone', t.zone, 'grant');
    } else if (t?.kind === 'Dataset') {
      const dataset = loc(t.dataset);
      this.ref('dataset', t.dataset, 'grant');
      const columns = t.columns?.map(loc);
      const exceptColumns = t.exceptColumns?.map(loc);
      for (const c of [...(columns ?? []), ...(exceptColumns ?? [])]) this.ref('column', c, 'grant', dataset.value);
      if (t.exceptClassification !== undefined) this.ref('classification', t.exceptClassification, 'grant');
      target = {
        kind: 'dataset', dataset, span: t.span,
        ...def({ columns, exceptColumns, exceptClassification: t.exceptClassification && loc(t.exceptClassification), selectionSpan: t.selectionSpan }),
      };
      if (decl.where !== undefined) this.exprRefs(decl.where, dataset.value, 'row filter');
    }
    const persona = decl.persona && loc(decl.persona);
    if (persona !== undefined) this.ref('persona', persona, 'grant');
    return { kind: 'grant', privileges: privs, span: decl.span, index, ...def({ target, persona, where: decl.where }) };
  }

  private exprRefs(e: A.Expr, dataset: string, context: string): void {
    switch (e.kind) {
      case 'ColumnRef': this.ref('column', { value: e.name, span: e.span }, context, dataset); break;
      case 'Logical': case 'Compare': this.exprRefs(e.left, dataset, context); this.exprRefs(e.right, dataset, context); break;
      case 'Not': this.exprRefs(e.operand, dataset, context); break;
      case 'Paren': this.exprRefs(e.inner, dataset, context); break;
      case 'In': this.exprRefs(e.operand, dataset, context); for (const v of e.values) this.exprRefs(v, dataset, context); break;
      case 'IsNull': this.exprRefs(e.operand, dataset, context); break;
      case 'Literal': case 'Missing': break;
    }
  }
}

/** `$.a.b[0]["odd key"]` -> ['a', 'b', 0, 'odd key']; undefined when it is not a path. */
export function parseJsonPath(text: string): (string | number)[] | undefined {
  if (!text.startsWith('$')) return undefined;
  const out: (string | number)[] = [];
  const re = /\.([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]/y;
  let i = 1;
  while (i < text.length) {
    re.lastIndex = i;
    const m = re.exec(text);
    if (m === null) return undefined;
    if (m[1] !== undefined) out.push(m[1]);
    else if (m[2] !== undefined) out.push(Number(m[2]));
    else out.push(m[3]!.replace(/\\(.)/g, '$1'));
    i = re.lastIndex;
  }
  return out.length > 0 ? out : undefined;
}

function loc(i: A.Ident): Located<string> {
  return { value: i.name, span: i.span };
}

function doc(d: { doc?: string }): { doc?: string } {
  return d.doc !== undefined ? { doc: d.doc } : {};
}

function opt<I, O>(item: I | undefined, f: (i: I) => O | undefined): O | undefined {
  return item === undefined ? undefined : f(item);
}

/** Drops undefined properties, so models and JSON stay free of `"x": undefined`. */
function def<T extends object>(o: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out as { [K in keyof T]?: Exclude<T[K], undefined> };
}

function firstByName<S extends { name: string }>(symbols: readonly S[]): Map<string, S> {
  const m = new Map<string, S>();
  for (const s of symbols) if (s.name !== '' && !m.has(s.name)) m.set(s.name, s);
  return m;
}
