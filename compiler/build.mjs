// Bundles the CLI into one ES module so a cold `lakec` start loads a single file
// instead of resolving hundreds of modules (the cold-start target is 300 ms).
import { build } from 'esbuild';

await build({
  entryPoints: ['compiler/cli/main.ts'],
  outfile: 'compiler/dist/lakec.js',
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
});
