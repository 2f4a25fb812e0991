// Bundles the CLI into one ES module (plus lazily loaded chunks) so a cold `lakec` start loads a
// single file instead of resolving hundreds of modules (the cold-start target is 300 ms), and the
// runtime that generated projects vendor (compiler/dist/runtime/, see runtimeBundle.mjs).
import { chmodSync } from 'node:fs';
import { build } from 'esbuild';
import { buildRuntimeBundle } from './runtimeBundle.mjs';

const shared = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: 'warning',
  banner: {
    // esbuild's ESM output needs `require` for the few CommonJS dependencies it inlines.
    js: "#!/usr/bin/env node\nimport { createRequire as __lakecCreateRequire } from 'node:module';\nconst require = __lakecCreateRequire(import.meta.url);",
  },
};

// One entry point; commands import their heavy parts (code generation, the language server, YAML,
// the runtime) with dynamic import(), which esbuild splits into chunks loaded only when used.
// The runtime's partition workers run a script of their own (lakec-worker.js). DuckDB is a native
// module and the AWS SDK a large one: both stay installed packages, loaded only when used.
await build({
  ...shared,
  entryPoints: { lakec: 'compiler/cli/main.ts', 'lakec-worker': 'runtime/parallel/worker.ts' },
  external: ['@duckdb/node-api', '@aws-sdk/client-kinesis', '@smithy/node-http-handler'],
  outdir: 'compiler/dist',
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
});

// `lakec` is the package's bin: it must be executable (npx runs it directly).
chmodSync('compiler/dist/lakec.js', 0o755);

await buildRuntimeBundle();
