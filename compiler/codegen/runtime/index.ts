/**
 * Target `runtime`: the lakec runtime the generated processors import, vendored into OUT/lakec/
 * as lakec's own build bundled it from runtime/ (compiler/runtimeBundle.mjs): `runtime.js` (one
 * ES module), `worker.js` (its partition worker) and `runtime.d.ts` (its types), each with the
 * generated-file header, and a README. The project then needs no `lakec` package: it depends only
 * on public packages, pinned (project/versions.ts), and `lakec build --check` sees any edit.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runtimeSourceHash } from '../../runtimeHash.mjs';
import type { GeneratedFile, GenContext, Target } from '../files.ts';
import { streamDatasets } from '../processors/spec.ts';
import { packageRoot, render } from '../templates.ts';

/** Where OUT keeps the vendored runtime, and what the processors import. */
export const runtimeFolder = 'lakec';
export const runtimeModule = `${runtimeFolder}/runtime.js`;

const bundled = ['runtime.js', 'worker.js', 'runtime.d.ts'] as const;

let cache: Map<string, string> | undefined;

/** The bundle's files, checked against runtime/: a bundle older than its sources is refused. */
export function runtimeBundle(): ReadonlyMap<string, string> {
  if (cache !== undefined) return cache;
  const dir = join(packageRoot, 'compiler', 'dist', 'runtime');
  const stamp = join(dir, 'source-hash.txt');
  if (!existsSync(stamp)) throw new Error(`lakec's runtime bundle is missing (${dir}): run \`npm run build\` in lakec`);
  if (readFileSync(stamp, 'utf8').trim() !== runtimeSourceHash(packageRoot)) {
    throw new Error(`lakec's runtime bundle (${dir}) was built from other sources than runtime/: run \`npm run build\` in lakec`);
  }
  cache = new Map(bundled.map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
  return cache;
}

export const runtimeTarget: Target = {
  name: 'runtime',
  generate(ctx: GenContext): GeneratedFile[] {
    if (streamDatasets(ctx.model).length === 0) return [];
    const bundle = runtimeBundle();
    return [
      ...bundled.map((f) => ({ path: `${runtimeFolder}/${f}`, content: bundle.get(f)!, ownership: 'generated' as const })),
      { path: `${runtimeFolder}/README.md`, content: render('runtime/README.md.hbs', { lakecVersion: ctx.lakecVersion }), ownership: 'generated' },
    ];
  },
};
