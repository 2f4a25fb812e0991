/**
 * The language server as an editor uses it: the real `lakec lsp` process over stdio, a lake of
 * three files (test/lsp/fixtures/trading), documents opened and edited, cursors marked `<|>`.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CodeAction, CompletionItem, Diagnostic, DocumentSymbol, FoldingRange, Hover, Location, TextEdit, WorkspaceEdit } from 'vscode-languageserver';
import { lakec } from '../cli/run.ts';
import { applyEdits, cursor, fixtures, LspClient, uriOf } from './client.ts';

const lakeDir = join(fixtures, 'trading');
const files = {
  lake: join(lakeDir, 'lake.lake'),
  trades: join(lakeDir, 'trades.lake'),
  access: join(lakeDir, 'access.lake'),
};
const disk = (p: string): string => readFileSync(p, 'utf8');
const codes = (ds: readonly Diagnostic[]): string[] => ds.map((d) => d.code as string).sort();
const at = (path: string, position: { line: number; character: number }) => ({ textDocument: { uri: uriOf(path) }, position });

let client: LspClient;

beforeAll(async () => {
  client = await LspClient.start();
});

afterAll(async () => {
  // A clean shutdown: `shutdown` then `exit` ends the process with code 0.
  expect(await client.stop()).toBe(0);
});

/** Opens (or replaces the text of) a document and waits for the diagnostics of that version. */
async function show(path: string, text: string): Promise<Diagnostic[]> {
  if (!opened.has(path)) {
    opened.add(path);
    await client.open(path, text);
    return client.diagnosticsAt(path, 1);
  }
  return client.diagnosticsAt(path, await client.change(path, text));
}
const opened = new Set<string>();

describe('diagnostics', () => {
  it('publishes the same diagnostics as lakec check, for every file of the folder', async () => {
    await show(files.access, disk(files.access));
    const cli = JSON.parse(lakec(['check', '--format', 'json', 'test/lsp/fixtures/trading']).stdout) as {
      diagnostics: { code: string; file: string; line: number; column: number; endLine: number; endColumn: number }[];
    };
    const expected = cli.diagnostics.map((d) => `${d.code} ${d.file.split('/').pop()}:${d.line}:${d.column}-${d.endLine}:${d.endColumn}`).sort();
    const got: string[] = [];
    for (const path of Object.values(files)) {
      for (const d of await client.diagnosticsFor(path)) {
        got.push(`${d.code} ${path.split('/').pop()}:${d.range.start.line + 1}:${d.range.start.character + 1}-${d.range.end.line + 1}:${d.range.end.character + 1}`);
      }
    }
    expect(expected.length).toBeGreaterThan(0);
    expect(got.sort()).toEqual(expected);
  });

  it('reports a mistake as it is typed, and clears it when it is repaired', async () => {
    const text = disk(files.access);
    const broken = text.replace('grant select on accounts to compliance_it', 'grant select on accounts to complaince_it');
    const diags = await show(files.access, broken);
    const unknown = diags.find((d) => d.code === 'LAKE1003')!;
    expect(unknown.severity).toBe(1);
    expect(unknown.message).toContain("did you mean 'compliance_it'");
    const line = broken.split('\n').findIndex((l) => l.includes('complaince_it'));
    expect(unknown.range).toEqual({ start: { line, character: 28 }, end: { line, character: 41 } });
    expect(codes(await show(files.access, text))).not.toContain('LAKE1003');
  });

  it('checks the folder as one lake: unsaved text in one file changes the diagnostics of another', async () => {
    const trades = disk(files.trades);
    await show(files.trades, trades.replace('    symbol       string         = $.instrument.symbol', '    ticker       string         = $.instrument.symbol'));
    // access.lake grants the column `symbol`, which no longer exists in the unsaved trades.lake.
    const access = await client.diagnosticsFor(files.access, (p) => p.diagnostics.some((d) => d.code === 'LAKE1003'));
    expect(access.find((d) => d.code === 'LAKE1003')!.message).toContain("'symbol'");
    await show(files.trades, trades);
    await client.diagnosticsFor(files.access, (p) => !p.diagnostics.some((d) => d.code === 'LAKE1003'));
  });

  it('survives syntax errors: recovers, reports them, and keeps serving', async () => {
    const diags = await show(files.access, disk(files.access) + '\ngrant select on trades to\npersona p {\n');
    expect(codes(diags)).toContain('LAKE0002');
  });
});

describe('hover', () => {
  beforeAll(async () => {
    await show(files.access, disk(files.access));
  });

  async function hoverAt(path: string, marked: string): Promise<string> {
    const c = cursor(marked);
    await show(path, c.text);
    const h = await client.request<Hover | null>('textDocument/hover', at(path, c.position));
    return h === null ? '' : (h.contents as { value: string }).value;
  }

  it('shows the doc comment and facts of the dataset a grant names', async () => {
    const text = disk(files.access).replace('grant select on trades to compliance_it', 'grant select on tra<|>des to compliance_it');
    const h = await hoverAt(files.access, text);
    expect(h).toContain('dataset trades in curated');
    expect(h).toContain('Executed trades with their full valid-time and system-time history.');
    expect(h).toContain('from stream `trade_events`');
    expect(h).toContain('bi-temporal');
  });

  it('shows the type and the doc of a column', async () => {
    const text = disk(files.access).replace('(trade_id, symbol', '(trade_<|>id, symbol');
    const h = await hoverAt(files.access, text);
    expect(h).toContain('trade_id string');
    expect(h).toContain('Exchange-assigned trade identifier.');
    expect(h).toContain('column of `trades`');
  });

  it('works out the SLA: the burst rate against the stream capacity', async () => {
    const text = disk(files.trades).replace('    burst     = 150_000_000', '    bu<|>rst     = 150_000_000');
    const h = await hoverAt(files.trades, text);
    expect(h).toContain('150,000,000 records within 5 minutes = 500,000 records/s; stream trade_events offers 512,000 records/s (512 shards)');
    await show(files.trades, disk(files.trades));
  });

  it('says whether a classification is sensitive, and marks sensitive classifications on a column', async () => {
    const withPhi = disk(files.lake).replace('classification confidential', 'classification confidential { sensitive = true }');
    const pii = await hoverAt(files.lake, withPhi.replace('classification pii', 'classification p<|>ii'));
    expect(pii).toContain('sensitive (pii is sensitive by default): a QuickSight persona must not read its columns (LAKE6102)');
    const confidential = await hoverAt(files.lake, withPhi.replace('classification confidential {', 'classification confi<|>dential {'));
    expect(confidential).toContain('sensitive: a QuickSight persona must not read its columns');
    const column = await hoverAt(files.access, disk(files.access).replace('(trade_id, symbol', '(trade_id, sym<|>bol'));
    expect(column).not.toContain('sensitive');
    await show(files.lake, disk(files.lake));
    const email = await hoverAt(files.trades, disk(files.trades).replace('    trader_email string?', '    trader_em<|>ail string?'));
    expect(email).toContain('@pii (sensitive)');
    await show(files.trades, disk(files.trades));
  });

  it('knows the system columns a grant may name: hover, and no rename', async () => {
    const text = disk(files.access).replace('(trade_id, symbol', '(trade_id, system_<|>to, symbol');
    const h = await hoverAt(files.access, text);
    expect(h).toContain('system_to timestamp?');
    expect(h).toContain('a column lakec adds');
    const c = cursor(text);
    await expect(client.request('textDocument/prepareRename', at(files.access, c.position))).rejects.toThrow(/system_to is a column lakec adds/);
    await show(files.access, disk(files.access));
  });

  it('shows a stream capacity, and what an attribute means', async () => {
    const shards = await hoverAt(files.lake, disk(files.lake).replace('  shards        = 512', '  shards        = 5<|>12'));
    expect(shards).toContain('512 shards: up to 512,000 records/s and 512 MiB/s of writes');
    const layer = await hoverAt(files.lake, disk(files.lake).replace('  layer     = raw', '  la<|>yer     = raw'));
    expect(layer).toContain('The layer of the zone');
    await show(files.lake, disk(files.lake));
  });
});

describe('completion', () => {
  const base = disk(files.access);
  /** Each case: text appended to access.lake with the cursor, labels that must and must not be offered. */
  const cases: [string, string, string[], string[]][] = [
    ['declaration keywords at the top level', '\n<|>', ['lake', 'zone', 'dataset', 'grant', 'persona'], ['select']],
    ['declaration keywords while typing one', '\nda<|>', ['dataset', 'grant'], []],
    ['privileges after grant', '\ngrant <|>', ['select', 'describe', 'all'], ['trades']],
    ['on after the privileges', '\ngrant select <|>', ['on'], ['select']],
    ['datasets and zone after on', '\ngrant select on <|>', ['trades', 'accounts', 'zone'], ['raw']],
    ['zones after on zone', '\ngrant describe on zone <|>', ['raw', 'curated', 'transformed'], ['trades']],
    ['columns of the granted dataset', '\ngrant select on accounts (<|>', ['account_id', 'desk', 'holder_name'], ['trade_id']],
    ['columns after a comma', '\ngrant select on trades (trade_id, s<|>', ['symbol', 'side'], ['desk']],
    ['only the columns not listed yet', '\ngrant select on accounts (account_id, desk, <|>', ['holder_name'], ['account_id', 'desk']],
    ['columns to except, not those excepted already', '\ngrant select on trades except (price, <|>', ['quantity', 'trader_email', 'system_from'], ['price']],
    ['the system columns of a bi-temporal dataset in a grant', '\ngrant select on trades (trade_id, <|>', ['system_to', 'system_from', 'valid_to'], ['trade_id']],
    ['no system columns for a dataset without history', '\ngrant select on accounts (<|>', ['desk'], ['system_to']],
    ['the attribute of a classification', '\nclassification phi {\n  <|>\n}', ['sensitive'], ['layer']],
    ['whether a classification is sensitive', '\nclassification phi { sensitive = <|> }', ['true', 'false'], []],
    ['warning codes a lake may make errors', '\nlake x {\n  warnings_as_errors = [LAKE6102, <|>\n}', ['LAKE6101', 'LAKE5004'], ['LAKE6102', 'LAKE1003']],
    ['classifications after except @', '\ngrant select on trades except @<|>', ['pii', 'confidential'], []],
    ['personas after to', '\ngrant select on trades to <|>', ['compliance_it', 'business_users'], ['trades']],
    ['row filter columns after where', '\ngrant select on trades to compliance_it where <|>', ['venue', 'side', 'and'], ['desk']],
    ['attributes of a persona', '\npersona p {\n  <|>\n}', ['access', 'identity'], ['layer']],
    ['access values in the list', '\npersona p {\n  access = [athena, <|>\n}', ['quicksight', 'api'], []],
    ['identity kinds', '\npersona p {\n  identity = <|>\n}', ['iam_role', 'sso_group'], []],
    ['attributes of a zone, without those already written', '\nzone z {\n  layer = raw\n  <|>\n}', ['retention', 'archive'], ['layer']],
    ['zone layers', '\nzone z {\n  layer = <|>\n}', ['raw', 'transformed', 'curated'], []],
    ['archive storage classes', '\nzone z {\n  archive = <|>\n}', ['glacier_ir', 'glacier', 'deep_archive'], ['after']],
    ['duration units', '\nzone z {\n  retention = 30 <|>\n}', ['days', 'years'], []],
    ['zones after dataset NAME in', '\ndataset d in <|>', ['raw', 'curated'], ['trades']],
    ['dataset attributes', '\ndataset d in raw {\n  <|>\n}', ['from', 'columns', 'key', 'dedup_window', 'bitemporal', 'partition', 'sla'], ['layer', 'late']],
    ['streams after from stream', '\ndataset d in raw {\n  from stream <|>\n}', ['trade_events'], []],
    ['types of a column', '\ndataset d in raw {\n  columns {\n    id <|>\n  }\n}', ['string', 'decimal', 'timestamp', 'struct'], ['raw']],
    ['types inside list<', '\ndataset d in raw {\n  columns {\n    tags list<<|>\n  }\n}', ['string', 'long'], []],
    ['classifications after @ on a column', '\ndataset d in raw {\n  columns {\n    email string @<|>\n  }\n}', ['pii', 'confidential', 'check'], []],
    ['column sources after =', '\ndataset d in raw {\n  columns {\n    body string = <|>\n  }\n}', ['raw_payload()', 'ingestion_time()'], []],
    ['key columns of the dataset being written', '\ndataset d in raw {\n  columns {\n    id string\n    at timestamp\n  }\n  key (<|>\n}', ['id', 'at'], ['trade_id']],
    ['partition transforms', '\ndataset d in raw {\n  partition by <|>\n}', ['day', 'bucket', 'identity'], []],
    ['sla attributes', '\ndataset d in raw {\n  sla {\n    <|>\n  }\n}', ['burst', 'freshness'], ['compact']],
    ['records after a burst count', '\ndataset d in raw {\n  sla {\n    burst = 1000 <|>\n  }\n}', ['records'], []],
    ['maintenance frequencies', '\ndataset d in raw {\n  maintenance {\n    compact = <|>\n  }\n}', ['hourly', 'daily', 'weekly'], []],
    ['bitemporal attributes', '\ndataset d in raw {\n  bitemporal {\n    <|>\n  }\n}', ['valid', 'system', 'late'], ['dedup_window']],
    ['late policies', '\ndataset d in raw {\n  bitemporal {\n    late = <|>\n  }\n}', ['apply', 'dead_letter'], []],
    ['in or for after a peak\'s cron', '\ndataset d in raw {\n  scaling {\n    peak "cron(0 16 ? * MON-FRI *)" <|>\n  }\n}', ['in', 'for'], ['at']],
    ['time zones after a peak\'s in', '\ndataset d in raw {\n  scaling {\n    peak "cron(0 16 ? * MON-FRI *)" in <|>\n  }\n}', ['"America/New_York"', '"Europe/London"', '"UTC"'], ['for']],
    ['for after a peak\'s time zone', '\ndataset d in raw {\n  scaling {\n    peak "cron(0 16 ? * MON-FRI *)" in "America/New_York" <|>\n  }\n}', ['for'], ['in']],
    ['nothing inside a comment', '\n// grant <|>', [], ['select', 'zone']],
    ['nothing inside a string', '\npersona p {\n  identity = sso_group "Ana<|>\n}', [], ['access']],
  ];

  it('shows the classifications of each column in a grant column list', async () => {
    const c = cursor(base + '\ngrant select on trades (<|>');
    await show(files.access, c.text);
    const items = await client.request<CompletionItem[]>('textDocument/completion', at(files.access, c.position));
    expect(items.find((i) => i.label === 'trader_email')?.detail).toBe('string? · @pii (sensitive) · trades');
    expect(items.find((i) => i.label === 'price')?.detail).toBe('decimal(18, 6) · @confidential · trades');
    expect(items.find((i) => i.label === 'symbol')?.detail).toBe('string · trades');
  });

  it.each(cases)('%s', async (_name, snippet, wanted, unwanted) => {
    const c = cursor(base + snippet);
    await show(files.access, c.text);
    const items = await client.request<CompletionItem[]>('textDocument/completion', at(files.access, c.position));
    const labels = items.map((i) => i.label);
    for (const w of wanted) expect(labels, `offers ${w}`).toContain(w);
    for (const u of unwanted) expect(labels, `does not offer ${u}`).not.toContain(u);
    if (wanted.length === 0 && unwanted.length > 0) expect(labels).toEqual([]);
  });

  it('offers the columns of the enclosing dataset in key, partition and bitemporal', async () => {
    const trades = disk(files.trades);
    for (const [from, to] of [['key (trade_id)', 'key (<|>)'], ['day(valid_from)', 'day(<|>)'], ['valid  = valid_from .. valid_to', 'valid  = valid_from .. <|>']]) {
      const c = cursor(trades.replace(from!, to!));
      await show(files.trades, c.text);
      const items = await client.request<CompletionItem[]>('textDocument/completion', at(files.trades, c.position));
      expect(items.map((i) => i.label), to).toEqual(expect.arrayContaining(['trade_id', 'valid_from', 'recorded_at']));
      expect(items.map((i) => i.label), to).not.toContain('desk');
    }
    await show(files.trades, trades);
    await show(files.access, base);
  });
});

describe('navigation', () => {
  beforeAll(async () => {
    await show(files.access, disk(files.access));
    await show(files.trades, disk(files.trades));
  });

  const position = (path: string, needle: string, delta = 1) => {
    const text = disk(path);
    const offset = text.indexOf(needle) + delta;
    const before = text.slice(0, offset).split('\n');
    return { line: before.length - 1, character: before[before.length - 1]!.length };
  };
  const lineOf = (path: string, needle: string): number => disk(path).split('\n').findIndex((l) => l.includes(needle));

  it('goes to the definition of a stream in another file', async () => {
    const loc = await client.request<Location>('textDocument/definition', at(files.trades, position(files.trades, 'stream trade_events', 8)));
    expect(loc.uri).toBe(uriOf(files.lake));
    expect(loc.range.start.line).toBe(lineOf(files.lake, 'stream trade_events {'));
  });

  it('finds every reference of a dataset, across files', async () => {
    const refs = await client.request<Location[]>('textDocument/references', { ...at(files.trades, position(files.trades, 'dataset trades', 9)), context: { includeDeclaration: true } });
    const byFile = refs.map((r) => `${r.uri.split('/').pop()}:${r.range.start.line + 1}`).sort();
    expect(byFile).toEqual([
      `access.lake:${lineOf(files.access, 'grant select on trades to compliance_it') + 1}`,
      `access.lake:${lineOf(files.access, 'grant select on trades except') + 1}`,
      `access.lake:${lineOf(files.access, 'grant select on trades (trade_id') + 1}`,
      `trades.lake:${lineOf(files.trades, 'dataset trades in') + 1}`,
    ].sort());
  });

  it('renames a column everywhere, keeping the event field it reads', async () => {
    const pos = position(files.trades, '    trade_id     string', 6);
    const prepared = await client.request<{ placeholder: string }>('textDocument/prepareRename', at(files.trades, pos));
    expect(prepared.placeholder).toBe('trade_id');
    const edit = await client.request<WorkspaceEdit>('textDocument/rename', { ...at(files.trades, pos), newName: 'trade_ref' });
    const trades = applyEdits(disk(files.trades), edit.changes![uriOf(files.trades)]!);
    const access = applyEdits(disk(files.access), edit.changes![uriOf(files.access)]!);
    expect(trades).toContain('    trade_ref     string = $.trade_id');
    expect(trades).toContain('key (trade_ref)');
    expect(trades).toContain('bucket(16, trade_ref)');
    // trade_events_raw has a column of the same name: a different column, untouched.
    expect(trades).toContain('    trade_id    string\n');
    expect(access).toContain('grant select on trades (trade_ref, symbol');
    // The renamed lake checks exactly as before.
    await show(files.trades, trades);
    const after = await client.diagnosticsAt(files.access, (await client.change(files.access, access)));
    expect(codes(after).filter((c) => c.startsWith('LAKE1'))).toEqual([]);
    await show(files.trades, disk(files.trades));
    await show(files.access, disk(files.access));
  });

  it('refuses invalid names and names already taken', async () => {
    const pos = position(files.access, 'persona compliance_it', 9);
    for (const [name, why] of [['Compliance-IT', 'not a valid name'], ['select', 'reserved word'], ['business_users', 'already exists'], ['zone', 'keyword']]) {
      await expect(client.request('textDocument/rename', { ...at(files.access, pos), newName: name })).rejects.toThrow(why);
    }
    await expect(client.request('textDocument/prepareRename', at(files.access, { line: 0, character: 1 }))).rejects.toThrow('can be renamed');
  });
});

describe('outline, folding, formatting, quick fixes', () => {
  it('lists the declarations of the file, with the columns of datasets', async () => {
    await show(files.trades, disk(files.trades));
    const symbols = await client.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri: uriOf(files.trades) } });
    expect(symbols.map((s) => s.name)).toEqual(['trade_events_raw', 'trades', 'accounts']);
    expect(symbols[1]!.children!.map((c) => c.name)).toContain('trader_email');
    expect(symbols[1]!.children!.find((c) => c.name === 'quantity')!.detail).toBe('decimal(18, 4)');
    const folds = await client.request<FoldingRange[]>('textDocument/foldingRange', { textDocument: { uri: uriOf(files.trades) } });
    const columnsLine = disk(files.trades).split('\n').findIndex((l, i) => i > 20 && l.trim() === 'columns {');
    expect(folds.some((f) => f.startLine === columnsLine)).toBe(true);
  });

  it('formats like lakec fmt', async () => {
    const messy = 'zone   raw{layer=raw\n      retention =   400 days}\n\n\n\nclassification    pii\n';
    const scratch = join(lakeDir, 'scratch.lake');
    await show(scratch, messy);
    const edits = await client.request<TextEdit[]>('textDocument/formatting', { textDocument: { uri: uriOf(scratch) }, options: { tabSize: 2, insertSpaces: true } });
    expect(edits.length).toBeGreaterThan(0);
    const formatted = applyEdits(messy, edits);
    const tmp = mkdtempSync(join(tmpdir(), 'lakec-lsp-'));
    writeFileSync(join(tmp, 'messy.lake'), messy);
    expect(formatted).toBe(lakec(['fmt', '--stdout', join(tmp, 'messy.lake')]).stdout);
    rmSync(tmp, { recursive: true });
    expect(formatted).toContain('zone raw {\n  layer     = raw\n  retention = 400 days\n}\n');
    await client.close(scratch);
    opened.delete(scratch);
  });

  it('turns a "did you mean" into a quick fix', async () => {
    const broken = disk(files.access).replace('grant select on accounts to compliance_it', 'grant select on acounts to compliance_it');
    const diags = await show(files.access, broken);
    const d = diags.find((x) => x.code === 'LAKE1003')!;
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: uriOf(files.access) }, range: d.range, context: { diagnostics: [d] },
    });
    expect(actions.length).toBe(1);
    expect(actions[0]!.kind).toBe('quickfix');
    expect(actions[0]!.isPreferred).toBe(true);
    const fixed = applyEdits(broken, actions[0]!.edit!.changes![uriOf(files.access)]!);
    expect(fixed).toBe(disk(files.access));
    expect(codes(await show(files.access, fixed))).not.toContain('LAKE1003');
  });
});

describe('semantic tokens', () => {
  it('tells columns, datasets, streams and classifications apart, and marks declarations', async () => {
    await show(files.trades, disk(files.trades));
    const { data } = await client.request<{ data: number[] }>('textDocument/semanticTokens/full', { textDocument: { uri: uriOf(files.trades) } });
    const types = ['namespace', 'class', 'property', 'enumMember', 'event', 'interface', 'struct'];
    const lines = disk(files.trades).split('\n');
    const tokens: string[] = [];
    let line = 0;
    let character = 0;
    for (let i = 0; i < data.length; i += 5) {
      line += data[i]!;
      character = data[i]! === 0 ? character + data[i + 1]! : data[i + 1]!;
      tokens.push(`${lines[line]!.slice(character, character + data[i + 2]!)}:${types[data[i + 3]!]}${data[i + 4] === 1 ? '+declaration' : ''}`);
    }
    expect(tokens).toContain('trades:class+declaration');
    expect(tokens).toContain('trade_events:event');
    expect(tokens).toContain('curated:namespace');
    expect(tokens).toContain('pii:enumMember');
    expect(tokens).toContain('valid_from:property');
    expect(tokens).toContain('trader_email:property+declaration');
  });
});

describe('lakes and files', () => {
  it('reads files created on disk into the lake when the client reports them', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'lakec-lsp-watch-'));
    try {
      const main = join(tmp, 'main.lake');
      const text = 'grant select on events to readers\n';
      await client.open(main, text);
      expect(codes(await client.diagnosticsAt(main, 1))).toContain('LAKE1003');
      writeFileSync(join(tmp, 'decls.lake'), disk(join(fixtures, 'watch/decls.lake')));
      await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(join(tmp, 'decls.lake')), type: 1 }] });
      await client.diagnosticsFor(main, (p) => !p.diagnostics.some((d) => d.code === 'LAKE1003'));
      await client.close(main);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('clears the diagnostics of a lake when its last document closes', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'lakec-lsp-close-'));
    try {
      const path = join(tmp, 'broken.lake');
      await client.open(path, 'zone raw {\n');
      expect((await client.diagnosticsAt(path, 1)).length).toBeGreaterThan(0);
      await client.close(path);
      expect(await client.diagnosticsFor(path, (p) => p.version === undefined && p.diagnostics.length === 0)).toEqual([]);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('checks an unsaved buffer that is not a file as a lake of its own', async () => {
    const uri = 'untitled:Untitled-1';
    await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'lake', version: 1, text: 'grant select on nothing to nobody\n' } });
    const got = await new Promise<Diagnostic[]>((resolve) => {
      const check = (): void => {
        const p = client.diagnostics.get(uri);
        if (p !== undefined) resolve(p.diagnostics);
        else setTimeout(check, 20);
      };
      check();
    });
    expect(codes(got)).toContain('LAKE1003');
    const hover = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 2 } });
    expect(hover).toBeNull();
  });
});

describe('the lsp command', () => {
  it('is listed in the help and refuses paths and bad options (exit 2)', () => {
    expect(lakec(['--help']).stdout).toMatch(/^ {2}lsp +run the language server/m);
    expect(lakec(['lsp', 'spec.lake']).code).toBe(2);
    expect(lakec(['lsp', '--debounce', 'soon']).stderr).toContain('--debounce takes a number of milliseconds');
  });
});
