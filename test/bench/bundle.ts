/**
 * The benchmarks time code from an esbuild bundle, as users run the CLI from one (tsx's
 * transform would slow it down). One configuration for all of them: ESM for Node 20, the native
 * and SDK modules left external (resolved from node_modules, so the bundle must live inside the
 * repository), and `require` available to bundled CommonJS.
 */
import { build } from 'esbuild';

export async function bundleForBench(entry: string, outfile: string): Promise<void> {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'warning',
    external: ['@duckdb/node-api', '@aws-sdk/client-kinesis', 'esbuild'],
    banner: { js: "import { createRequire as __benchCreateRequire } from 'node:module';\nconst require = __benchCreateRequire(import.meta.url);" },
  });
}
