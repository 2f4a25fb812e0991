/**
 * Target `processors`: the TypeScript twin of the Flink job, one `processors/<dataset>.ts` per
 * dataset fed by a stream. Each is thin: the dataset as the runtime reads it (column types and
 * JSON paths, checks as expression trees, key, bi-temporal columns) and a `Processor` of lakec's
 * runtime, which the generated project carries in `lakec/runtime.js` (the runtime target).
 * `test/processors.test.ts` runs each on a few events.
 */
import type { DatasetModel } from '../../model/model.ts';
import type { GeneratedFile, GenContext, Target } from '../files.ts';
import { camel } from '../plan/names.ts';
import { render } from '../templates.ts';
import { documented, tsLiteral, tsString } from '../tsLiteral.ts';
import { sampleEvents } from './sample.ts';
import { datasetSpec, streamDatasets } from './spec.ts';

function fileOf(d: DatasetModel): string {
  return `${d.name.replace(/_/g, '-')}.ts`;
}

/** The spec literal, with each column's doc comment above it. */
function literal(d: DatasetModel): string {
  const spec = datasetSpec(d);
  const value = {
    ...spec,
    columns: spec.columns.map((c, i) => documented(d.columns[i]!.description, c)),
  };
  return tsLiteral(value);
}

function headerDoc(d: DatasetModel): string {
  const lines = [
    `Processor of dataset \`${d.name}\` (zone ${d.zone}, table ${d.database}.${d.table}), reading stream \`${d.source!.stream}\`.`,
    ...(d.description !== undefined ? ['', d.description] : []),
    '',
    d.mode === 'bitemporal'
      ? `Each event becomes a row by the column sources below, is validated (required columns, types, checks) and is applied with full history keyed by ${d.key.join(', ')}: valid time ${d.bitemporal!.validFrom} .. ${d.bitemporal!.validTo}, system time ${d.bitemporal!.system.kind === 'column' ? d.bitemporal!.system.column : 'the arrival time'}. Bad events go to the dead-letter table with their reason${d.bitemporal!.late === 'dead_letter' ? ', and so do late events (late = dead_letter)' : ''}.`
      : d.mode === 'current'
        ? `Each event becomes a row by the column sources below, once validated (required columns, types, checks), and the table keeps one row per ${d.key.join(', ')}: a put replaces the key's row, "op": "delete" removes it, in arrival order; a redelivery of one of the key's last ${d.dedupWindow} applied events is a duplicate and changes nothing. Bad events go to the dead-letter table with their reason.`
        : 'Each event becomes one appended row by the column sources below, once validated (required columns, types, checks). Bad events go to the dead-letter table with their reason.',
    '',
    `Run it locally with \`lakec run SPEC --dataset ${d.name} --events FILE.jsonl\`, or from code on a stream: \`${camel(d.name)}.run(Processor.kinesis({ stream }), { warehouse })\`. See lakec's docs/runtime.md.`,
  ];
  return `/**\n${lines.map((l) => (l === '' ? ' *' : wrap(l).map((w) => ` * ${w}`).join('\n'))).join('\n')}\n */`;
}

/** A paragraph in lines of at most 97 characters (a doc comment then stays within 100 columns). */
function wrap(text: string): string[] {
  const out: string[] = [];
  let line = '';
  for (const w of text.replace(/\*\//g, '*\\/').split(/\s+/).filter((x) => x !== '')) {
    if (line !== '' && line.length + 1 + w.length > 97) {
      out.push(line);
      line = w;
    } else line = line === '' ? w : `${line} ${w}`;
  }
  if (line !== '') out.push(line);
  return out;
}

export const processorsTarget: Target = {
  name: 'processors',
  generate(ctx: GenContext): GeneratedFile[] {
    const datasets = streamDatasets(ctx.model);
    if (datasets.length === 0) return [];
    const files: GeneratedFile[] = datasets.map((d) => ({
      path: `processors/${fileOf(d)}`,
      content: render('processors/processor.ts.hbs', {
        doc: headerDoc(d),
        name: d.name,
        bitemporal: d.mode === 'bitemporal',
        constName: `${camel(d.name)}Dataset`,
        exportName: camel(d.name),
        literal: literal(d),
        stream: tsString(d.source!.stream),
      }),
      ownership: 'generated',
    }));
    const views = datasets.map((d) => {
      const s = sampleEvents(datasetSpec(d));
      const c = s.expect.corrected;
      return {
        name: d.name,
        exportName: camel(d.name),
        file: fileOf(d),
        key: /^[A-Za-z_$][\w$]*$/.test(d.name) ? d.name : tsString(d.name),
        story:
          d.mode === 'bitemporal'
            ? `a put, a correction${s.expect.duplicates > 0 ? ', a redelivery' : ''} and a bad event`
            : d.mode === 'current'
              ? `a put${c !== undefined ? ', an update of the row' : ''}, a redelivery and a bad event`
              : 'two events appended, a bad one rejected',
        current: d.mode === 'current',
        events: tsLiteral(s.events, '  ', 17),
        rows: s.expect.rows,
        duplicates: s.expect.duplicates,
        reason: tsString(s.expect.deadLetterReason),
        badIndex: s.events.length - 1,
        corrected: c === undefined ? undefined : { column: tsString(c.column), before: tsLiteral(c.before), after: tsLiteral(c.after) },
      };
    });
    files.push({ path: 'processors/index.ts', content: render('processors/index.ts.hbs', { processors: views }), ownership: 'generated' });
    files.push({ path: 'test/processors.test.ts', content: render('processors/test/processors.test.ts.hbs', { processors: views }), ownership: 'generated' });
    return files;
  },
};
