/**
 * The VS Code client: starts `lakec lsp` (the path is a setting) and connects it to `.lake`
 * documents. Everything else, highlighting aside, comes from the language server.
 */
import { isAbsolute, join } from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, type Executable, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';

let client: LanguageClient | undefined;

function serverCommand(): Executable {
  const config = vscode.workspace.getConfiguration('lake');
  let path = config.get<string>('server.path', 'lakec').trim() || 'lakec';
  const extra = config.get<string[]>('server.args', []);
  const debounce = config.get<number>('diagnostics.debounce', 50);
  const args = ['lsp', '--debounce', String(Math.max(0, Math.round(debounce))), ...extra];
  // A relative path (with a slash) is the project's own lakec, e.g. node_modules/.bin/lakec.
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  if (!isAbsolute(path) && /[\\/]/.test(path) && folder !== undefined) path = join(folder, path);
  if (path.endsWith('.js')) return { command: 'node', args: [path, ...args] };
  return { command: path, args, options: { shell: process.platform === 'win32' } };
}

async function start(context: vscode.ExtensionContext): Promise<void> {
  const run = serverCommand();
  const serverOptions: ServerOptions = { run, debug: run };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ scheme: 'file', language: 'lake' }, { scheme: 'untitled', language: 'lake' }],
    synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher('**/*.lake') },
  };
  client = new LanguageClient('lake', 'Lake', serverOptions, clientOptions);
  try {
    await client.start();
  } catch (e) {
    void vscode.window.showErrorMessage(
      `Lake: could not start '${run.command} ${run.args?.join(' ') ?? ''}' (${e instanceof Error ? e.message : String(e)}). ` +
      "Install lakec or set 'lake.server.path'.",
    );
  }
  context.subscriptions.push({ dispose: () => void client?.stop() });
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  context.subscriptions.push(
    vscode.commands.registerCommand('lake.restartServer', async () => {
      await client?.stop();
      await start(context);
    }),
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      if (e.affectsConfiguration('lake.server') || e.affectsConfiguration('lake.diagnostics')) {
        await client?.stop();
        await start(context);
      }
    }),
  );
  await start(context);
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
