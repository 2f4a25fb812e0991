/**
 * `lakec lsp`: the language server, over stdio. Every feature reads the compiler's own results
 * (workspace.ts runs the CLI's `compile`), so the editor and `lakec check` always agree.
 *
 * Diagnostics: the first change after a pause is checked at once (10 ms later); further changes
 * that arrive while a check runs or within `debounceMs` of the last one are gathered into one
 * check. Every
 * request gets an answer: a handler that fails logs the error and answers with nothing rather
 * than letting the server die.
 */
import {
  CodeActionKind, DidChangeWatchedFilesNotification, ResponseError, TextDocuments, TextDocumentSyncKind,
  type Connection, type InitializeResult,
} from 'vscode-languageserver';
import { createConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver/node.js';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { dirname } from 'node:path';
import { complete } from './completion.ts';
import { diagnosticsByFile, quickFixes } from './diagnostics.ts';
import { formatEdits } from './formatting.ts';
import { hover } from './hover.ts';
import { definition, locator, prepareRename, references, rename } from './navigation.ts';
import { documentSymbols, foldingRanges } from './outline.ts';
import { toOffset, uriToPath } from './positions.ts';
import { legend, semanticTokens } from './semanticTokens.ts';
import { Workspace, type FolderState, type LakeState } from './workspace.ts';

export interface ServerOptions {
  /** Changes within this many milliseconds of the last check are gathered into the next one. */
  readonly debounceMs?: number;
}

export const defaultDebounceMs = 50;
const minimumWaitMs = 10;

export function runServer(options: ServerOptions = {}): void {
  const connection = createConnection(new StreamMessageReader(process.stdin), new StreamMessageWriter(process.stdout));
  // Whatever happens, stay up: an editor loses every feature when its server dies.
  process.on('uncaughtException', (e) => connection.console.error(`lakec lsp: ${e.stack ?? String(e)}`));
  process.on('unhandledRejection', (e) => connection.console.error(`lakec lsp: ${String(e)}`));
  startServer(connection, options);
  connection.listen();
}

export function startServer(connection: Connection, options: ServerOptions = {}): void {
  const documents = new TextDocuments(TextDocument);
  const ws = new Workspace(documents);
  let debounceMs = options.debounceMs ?? defaultDebounceMs;
  let watchFiles = false;

  const log = (what: string, e: unknown): void => connection.console.error(`lakec lsp: ${what} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  function safe<P, R>(what: string, fallback: R, f: (p: P) => R): (p: P) => R {
    return (p) => {
      try {
        return f(p);
      } catch (e) {
        if (e instanceof ResponseError) throw e;
        log(what, e);
        return fallback;
      }
    };
  }

  // ---------------------------------------------------------------- diagnostics

  const timers = new Map<string, NodeJS.Timeout>();
  const lastCheck = new Map<string, number>();
  const published = new Map<string, { generation: number; uris: Set<string> }>();

  const schedule = (key: string): void => {
    ws.markDirty(key);
    if (timers.has(key)) return;
    // A few milliseconds at least, so that a request sent right behind a keystroke (completion,
    // typically) is answered before the check of that keystroke starts.
    const wait = Math.max(minimumWaitMs, (lastCheck.get(key) ?? -Infinity) + debounceMs - performance.now());
    timers.set(key, setTimeout(() => {
      timers.delete(key);
      lastCheck.set(key, performance.now());
      try {
        publish(ws.current(key));
      } catch (e) {
        log('checking', e);
      }
    }, wait));
  };

  const publish = (state: FolderState): void => {
    const before = published.get(state.key);
    if (before?.generation === state.generation) return;
    const uris = new Set<string>();
    for (const lake of state.lakes) {
      for (const [path, diagnostics] of diagnosticsByFile(lake)) {
        const uri = ws.uriOf(path);
        uris.add(uri);
        const version = documents.get(uri)?.version;
        void connection.sendDiagnostics({ uri, diagnostics, ...(version !== undefined ? { version } : {}) });
      }
    }
    for (const uri of before?.uris ?? []) if (!uris.has(uri)) void connection.sendDiagnostics({ uri, diagnostics: [] });
    published.set(state.key, { generation: state.generation, uris });
  };

  const clear = (key: string): void => {
    clearTimeout(timers.get(key));
    timers.delete(key);
    for (const uri of published.get(key)?.uris ?? []) void connection.sendDiagnostics({ uri, diagnostics: [] });
    published.delete(key);
    ws.forget(key);
  };

  documents.onDidOpen(safe('open', undefined, (e) => schedule(ws.keyOf(e.document.uri))));
  documents.onDidChangeContent(safe('change', undefined, (e) => schedule(ws.keyOf(e.document.uri))));
  documents.onDidSave(safe('save', undefined, (e) => schedule(ws.keyOf(e.document.uri))));
  documents.onDidClose(safe('close', undefined, (e) => {
    const key = ws.keyOf(e.document.uri);
    if (ws.hasOpenDocuments(key)) schedule(key);
    else clear(key);
  }));
  connection.onDidChangeWatchedFiles(safe('watched files', undefined, (p) => {
    const keys = new Set(ws.keys());
    for (const change of p.changes) {
      const key = dirname(uriToPath(change.uri));
      if (keys.has(key)) schedule(key);
    }
  }));

  // ---------------------------------------------------------------- requests

  connection.onInitialize((params): InitializeResult => {
    const init = params.initializationOptions as { debounceMs?: unknown } | undefined;
    if (typeof init?.debounceMs === 'number' && init.debounceMs >= 0) debounceMs = init.debounceMs;
    watchFiles = params.capabilities?.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        hoverProvider: true,
        completionProvider: { triggerCharacters: ['@', '(', '<', ','] },
        definitionProvider: true,
        referencesProvider: true,
        renameProvider: { prepareProvider: true },
        documentSymbolProvider: true,
        foldingRangeProvider: true,
        documentFormattingProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
        semanticTokensProvider: { legend, full: true },
      },
      serverInfo: { name: 'lakec', version: '0.1.0' },
    };
  });

  connection.onInitialized(() => {
    if (watchFiles) {
      void connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: '**/*.lake' }] }).catch(() => undefined);
    }
  });

  /** The checked lake of a document and the document's place in it. */
  const at = (uri: string, position?: { line: number; character: number }) => {
    const key = ws.keyOf(uri);
    if (documents.get(uri) === undefined && !ws.keys().includes(key)) return undefined;
    const state = ws.lakeOf(uri);
    const path = uriToPath(uri);
    const file = state?.files.get(path);
    if (state === undefined || file === undefined) return undefined;
    return { state, path, file, offset: position === undefined ? 0 : toOffset(file, position) };
  };
  const locate = (state: LakeState) => locator(state, (p) => ws.uriOf(p));

  connection.onHover(safe('hover', null, (p) => {
    const a = at(p.textDocument.uri, p.position);
    return a === undefined ? null : hover(a.state, a.file, a.offset);
  }));

  connection.onCompletion(safe('completion', [], (p) => {
    const doc = documents.get(p.textDocument.uri);
    if (doc === undefined) return [];
    // The names of the last check are good enough for completion, and asking costs nothing.
    const lake = ws.lakeOf(doc.uri, true)?.compilation.lake;
    return complete(lake, doc.getText(), doc.offsetAt(p.position));
  }));

  connection.onDefinition(safe('definition', null, (p) => {
    const a = at(p.textDocument.uri, p.position);
    return a === undefined ? null : definition(a.state, a.path, a.offset, locate(a.state));
  }));

  connection.onReferences(safe('references', [], (p) => {
    const a = at(p.textDocument.uri, p.position);
    return a === undefined ? [] : references(a.state, a.path, a.offset, p.context.includeDeclaration, locate(a.state));
  }));

  connection.onPrepareRename(safe('prepare rename', null, (p) => {
    const a = at(p.textDocument.uri, p.position);
    return a === undefined ? null : prepareRename(a.state, a.path, a.offset);
  }));

  connection.onRenameRequest(safe('rename', null, (p) => {
    const a = at(p.textDocument.uri, p.position);
    return a === undefined ? null : rename(a.state, a.path, a.offset, p.newName, (x) => ws.uriOf(x));
  }));

  const parsedDocument = (uri: string) => {
    const doc = documents.get(uri);
    if (doc === undefined) return undefined;
    const file = { path: uriToPath(uri), text: doc.getText() };
    return { file, ast: ws.parse(file).ast };
  };

  connection.onDocumentSymbol(safe('document symbols', [], (p) => {
    const d = parsedDocument(p.textDocument.uri);
    return d === undefined ? [] : documentSymbols(d.file, d.ast);
  }));

  connection.onFoldingRanges(safe('folding ranges', [], (p) => {
    const d = parsedDocument(p.textDocument.uri);
    return d === undefined ? [] : foldingRanges(d.file, d.ast);
  }));

  connection.onDocumentFormatting(safe('formatting', [], (p) => {
    const doc = documents.get(p.textDocument.uri);
    return doc === undefined ? [] : formatEdits({ path: uriToPath(doc.uri), text: doc.getText() });
  }));

  connection.onCodeAction(safe('code actions', [], (p) => {
    const a = at(p.textDocument.uri);
    return a === undefined ? [] : quickFixes(a.state, a.file, p.range, (x) => ws.uriOf(x));
  }));

  connection.languages.semanticTokens.on(safe('semantic tokens', { data: [] }, (p) => {
    const a = at(p.textDocument.uri);
    return a === undefined ? { data: [] } : semanticTokens(a.state, a.file);
  }));

  documents.listen(connection);
}
