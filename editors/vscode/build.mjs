// Builds the extension: type-checks the client, bundles it with vscode-languageclient into
// dist/extension.js (VS Code provides `vscode`), and copies the lake model's JSON Schema from
// the compiler so JSON files of the model are validated in the editor.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { build } from 'esbuild';

const require = createRequire(import.meta.url);
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.json', '--noEmit'], { stdio: 'inherit' });

await build({
  entryPoints: ['src/extension.ts'],
  outfile: 'dist/extension.js',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node18',
  external: ['vscode'],
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
});

mkdirSync('schemas', { recursive: true });
copyFileSync('../../compiler/model/lake-model.schema.json', 'schemas/lake-model.schema.json');
