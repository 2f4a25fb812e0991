/**
 * A JSON-RPC client that drives the real `lakec lsp` process over stdio (the built CLI, as an
 * editor starts it), plus fixtures whose cursor is marked with `<|>`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node.js';
import type { Diagnostic, Position, PublishDiagnosticsParams, TextEdit } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { root } from '../support/compile.ts';

export const lakecBundle = join(root, 'compiler/dist/lakec.js');
export const fixtures = join(root, 'test/lsp/fixtures');

export const uriOf = (path: string): string => pathToFileURL(path).href;

export const marker = '<|>';

/** A fixture text with one `<|>`: the text without it and the position it marked. */
export function cursor(marked: string): { text: string; offset: number; position: Position } {
  const offset = marked.indexOf(marker);
  if (offset < 0 || marked.indexOf(marker, offset + 1) >= 0) throw new Error('a fixture needs exactly one <|> marker');
  const text = marked.slice(0, offset) + marked.slice(offset + marker.length);
  const before = text.slice(0, offset).split('\n');
  return { text, offset, position: { line: before.length - 1, character: before[before.length - 1]!.length } };
}

export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  return TextDocument.applyEdits(TextDocument.create('file:///x.lake', 'lake', 1, text), [...edits]);
}

export class LspClient {
  readonly diagnostics = new Map<string, PublishDiagnosticsParams>();
  readonly stderr: string[] = [];
  private readonly listeners: ((p: PublishDiagnosticsParams) => void)[] = [];
  private readonly versions = new Map<string, number>();
  exit: Promise<number | null>;

  private constructor(readonly process: ChildProcess, readonly connection: MessageConnection) {
    this.exit = new Promise((resolve) => process.on('exit', (code) => resolve(code)));
    process.stderr!.on('data', (b: Buffer) => this.stderr.push(b.toString()));
    connection.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      this.diagnostics.set(p.uri, p);
      for (const l of [...this.listeners]) l(p);
    });
    connection.onNotification('window/logMessage', (p: { message: string }) => this.stderr.push(p.message));
    connection.onRequest('client/registerCapability', () => null);
    connection.onRequest('workspace/configuration', () => []);
    connection.listen();
  }

  static async start(args: readonly string[] = [], initializationOptions?: unknown): Promise<LspClient> {
    const proc = spawn(process.execPath, [lakecBundle, 'lsp', ...args], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
    const conn = createMessageConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
    const client = new LspClient(proc, conn);
    await client.request('initialize', {
      processId: process.pid,
      rootUri: uriOf(fixtures),
      capabilities: {
        textDocument: { publishDiagnostics: { versionSupport: true }, rename: { prepareSupport: true }, hover: { contentFormat: ['markdown'] } },
        workspace: { didChangeWatchedFiles: { dynamicRegistration: true } },
      },
      ...(initializationOptions !== undefined ? { initializationOptions } : {}),
    });
    await client.connection.sendNotification('initialized', {});
    return client;
  }

  request<R = unknown>(method: string, params: unknown): Promise<R> {
    return this.connection.sendRequest(method, params) as Promise<R>;
  }

  async open(path: string, text: string): Promise<void> {
    this.versions.set(uriOf(path), 1);
    await this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: uriOf(path), languageId: 'lake', version: 1, text } });
  }

  /** Replaces the whole text; returns the new version. */
  async change(path: string, text: string): Promise<number> {
    const uri = uriOf(path);
    const version = (this.versions.get(uri) ?? 0) + 1;
    this.versions.set(uri, version);
    await this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
    return version;
  }

  /** An incremental change, as editors send while typing. */
  async edit(path: string, range: { start: Position; end: Position }, text: string): Promise<number> {
    const uri = uriOf(path);
    const version = (this.versions.get(uri) ?? 0) + 1;
    this.versions.set(uri, version);
    await this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ range, text }] });
    return version;
  }

  async close(path: string): Promise<void> {
    await this.connection.sendNotification('textDocument/didClose', { textDocument: { uri: uriOf(path) } });
  }

  /** The next diagnostics published for a file that satisfy `accept` (the current ones if they already do). */
  diagnosticsFor(path: string, accept: (p: PublishDiagnosticsParams) => boolean = () => true, timeoutMs = 90_000): Promise<Diagnostic[]> {
    const uri = uriOf(path);
    const now = this.diagnostics.get(uri);
    if (now !== undefined && accept(now)) return Promise.resolve(now.diagnostics);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.listeners.splice(this.listeners.indexOf(listener), 1);
        reject(new Error(`no diagnostics for ${path} within ${timeoutMs} ms; stderr: ${this.stderr.join('')}`));
      }, timeoutMs);
      const listener = (p: PublishDiagnosticsParams): void => {
        if (p.uri !== uri || !accept(p)) return;
        clearTimeout(timer);
        this.listeners.splice(this.listeners.indexOf(listener), 1);
        resolve(p.diagnostics);
      };
      this.listeners.push(listener);
    });
  }

  /** Diagnostics published for this version of an open document. */
  diagnosticsAt(path: string, version: number): Promise<Diagnostic[]> {
    return this.diagnosticsFor(path, (p) => p.version === version);
  }

  async stop(): Promise<number | null> {
    if (this.process.exitCode === null) {
      await this.request('shutdown', null);
      await this.connection.sendNotification('exit');
    }
    const code = await this.exit;
    this.connection.dispose();
    return code;
  }
}
