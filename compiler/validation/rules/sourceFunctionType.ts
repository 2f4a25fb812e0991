import type { Rule } from '../rule.ts';

export const sourceFunctionType: Rule = {
  code: 'LAKE2011',
  severity: 'error',
  title: 'column source of the wrong type',
  description:
    '`raw_payload()` fills a column with the event exactly as received, so the column is a `string` (the JSON text) or `binary` ' +
    '(the bytes). `ingestion_time()` fills it with the moment the stream received the event, so the column is a `timestamp` or ' +
    '`timestamptz`.',
  example: 'columns {\n  payload     long   = raw_payload()\n  ingested_at string = ingestion_time()\n}',
  fixed: 'columns {\n  payload     string    = raw_payload()\n  ingested_at timestamp = ingestion_time()\n}',
  check({ lake, report }) {
    for (const ds of lake.datasets) {
      for (const c of ds.columns) {
        const s = c.source;
        if (s.kind === 'path') continue;
        const t = c.type;
        if (t.kind === 'unknown') continue;
        const accepted = s.kind === 'raw_payload' ? ['string', 'binary'] : ['timestamp', 'timestamptz'];
        if (t.kind === 'primitive' && accepted.includes(t.name)) continue;
        const text = t.kind === 'primitive' ? t.name : t.kind;
        const fix = accepted[0]! + (c.optional ? '?' : '');
        report(
          c.typeSpan,
          `'${c.name}' is a ${text} column, but ${s.kind}() gives ${s.kind === 'raw_payload' ? 'the event as received: a string or binary' : 'the time the stream received the event: a timestamp or timestamptz'}`,
          `declare it ${accepted.join(' or ')}: ${c.name} ${accepted[0]} = ${s.kind}()`,
          [{ title: `Change to ${fix}`, span: c.typeSpan, text: fix }],
        );
      }
    }
  },
};
