/**
 * Robustness: a spec typed into the editor one character at a time, so the server sees every
 * broken state in between (each one parsed, for its folding ranges), with requests that check
 * the lake in full at positions fast-check picks along the way. Every
 * request must be answered, no handler may fail, and the server must still be running at the
 * end with the diagnostics of the finished spec equal to the CLI's.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { compile } from '../../compiler/driver/compile.ts';
import { params } from '../robustness/support.ts';
import { root } from '../support/compile.ts';
import { LspClient } from './client.ts';

const specs = ['examples/retail-orders.lake', 'examples/audit-surveillance.lake', 'examples/iot-telemetry/telemetry.lake'];
const methods = [
  'textDocument/hover', 'textDocument/completion', 'textDocument/definition', 'textDocument/references',
  'textDocument/documentSymbol', 'textDocument/foldingRange', 'textDocument/formatting', 'textDocument/codeAction',
  'textDocument/prepareRename', 'textDocument/semanticTokens/full',
] as const;

let client: LspClient;
let dir: string;

beforeAll(async () => {
  client = await LspClient.start();
  dir = mkdtempSync(join(tmpdir(), 'lakec-typing-'));
});

afterAll(async () => {
  expect(await client.stop()).toBe(0);
  rmSync(dir, { recursive: true, force: true });
});

function positionIn(text: string, offset: number): { line: number; character: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length - 1, character: before[before.length - 1]!.length };
}

let run = 0;

it('answers every request while a spec is typed character by character, and never crashes', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom(...specs),
      fc.array(fc.record({ at: fc.double({ min: 0, max: 1, noNaN: true }), where: fc.double({ min: 0, max: 1, noNaN: true }), method: fc.constantFrom(...methods) }), { minLength: 20, maxLength: 40 }),
      async (spec, requests) => {
        const text = readFileSync(join(root, spec), 'utf8');
        const path = join(dir, `typed-${run++}.lake`);
        const uri = `file://${path}`;
        await client.open(path, '');
        const at = new Map<number, (typeof requests)[number][]>();
        for (const r of requests) {
          const k = Math.floor(r.at * text.length);
          at.set(k, [...(at.get(k) ?? []), r]);
        }
        const pending: Promise<unknown>[] = [];
        let line = 0;
        let character = 0;
        let version = 1;
        for (let i = 0; i < text.length; i++) {
          const ch = text[i]!;
          const pos = { line, character };
          version = await client.edit(path, { start: pos, end: pos }, ch);
          if (ch === '\n') {
            line++;
            character = 0;
          } else {
            character++;
          }
          // Every intermediate state is parsed (folding ranges need the syntax tree) ...
          pending.push(client.request('textDocument/foldingRange', { textDocument: { uri } }));
          // ... and checked in full where fast-check puts a request.
          for (const r of at.get(i) ?? []) {
            const typed = text.slice(0, i + 1);
            const position = positionIn(typed, Math.floor(r.where * typed.length));
            const textDocument = { uri };
            const p = r.method === 'textDocument/documentSymbol' || r.method === 'textDocument/foldingRange' || r.method === 'textDocument/semanticTokens/full' ? { textDocument }
              : r.method === 'textDocument/formatting' ? { textDocument, options: { tabSize: 2, insertSpaces: true } }
              : r.method === 'textDocument/codeAction' ? { textDocument, range: { start: position, end: position }, context: { diagnostics: [] } }
              : r.method === 'textDocument/references' ? { textDocument, position, context: { includeDeclaration: true } }
              : { textDocument, position };
            // prepareRename refuses (with an error response) where there is nothing to rename: still an answer.
            pending.push(client.request(r.method, p).catch((e: unknown) => {
              if (r.method === 'textDocument/prepareRename' && String(e).includes('can be renamed')) return null;
              throw e;
            }));
          }
        }
        await Promise.all(pending);
        // The finished spec: the same diagnostics as the compiler gives.
        const final = await client.diagnosticsAt(path, version);
        const expected = compile([{ path, text }]).diagnostics.map((d) => d.code).sort();
        expect(final.map((d) => d.code).sort()).toEqual(expected);
        await client.close(path);
        expect(client.process.exitCode).toBe(null);
        expect(client.stderr.join('')).not.toContain('failed');
      },
    ),
    params(3),
  );
}, 120_000);
