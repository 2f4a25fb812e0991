// The runtime a generated project carries (`lakec build` writes it into OUT/lakec/): lakec's
// runtime/ bundled into one ES module (runtime.js), its partition worker (worker.js) and one
// declaration file (runtime.d.ts), in compiler/dist/runtime/. The bundle is deterministic (no
// source map, paths relative to the package root) and imports only node: modules and the three
// public packages the generated package.json pins (@duckdb/node-api, @aws-sdk/client-kinesis and, for
// the load test's plain-HTTP endpoints, @smithy/node-http-handler).
// source-hash.txt records the sources it was built from (runtimeHash.mjs): the build is skipped
// when they did not change, and code generation refuses a stale bundle.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runtimeSourceHash } from './runtimeHash.mjs';

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(packageRoot, 'compiler', 'dist', 'runtime');

export async function buildRuntimeBundle({ force = false } = {}) {
  const hash = runtimeSourceHash(packageRoot);
  const stamp = join(outdir, 'source-hash.txt');
  if (!force && existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === hash) return;
  const { build } = await import('esbuild');
  await build({
    absWorkingDir: packageRoot,
    entryPoints: { runtime: 'runtime/index.ts', worker: 'runtime/parallel/worker.ts' },
    outdir,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['@duckdb/node-api', '@aws-sdk/client-kinesis', '@smithy/node-http-handler'],
    legalComments: 'none',
    charset: 'utf8',
    logLevel: 'warning',
  });
  const { generateDtsBundle } = await import('dts-bundle-generator');
  const [dts] = generateDtsBundle([{ filePath: join(packageRoot, 'runtime', 'index.ts'), output: { noBanner: true } }], { preferredConfigPath: join(packageRoot, 'tsconfig.json') });
  mkdirSync(outdir, { recursive: true });
  writeFileSync(join(outdir, 'runtime.d.ts'), dts);
  writeFileSync(stamp, `${hash}\n`);
}
