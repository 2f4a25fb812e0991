// What the vendored runtime bundle was built from (compiler/runtimeBundle.mjs): a hash of every
// file under runtime/ and of the bundle's format. Code generation compares it with the bundle's
// stamp and refuses a stale bundle.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/** Bump when the bundle's options change, so an old build is not taken for a current one. */
export const runtimeBundleFormat = 1;

function files(dir, out = []) {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) files(p, out);
    else out.push(p);
  }
  return out;
}

/** @param {string} root the package root (holds runtime/) */
export function runtimeSourceHash(root) {
  const h = createHash('sha256').update(`format ${runtimeBundleFormat}\n`);
  for (const p of files(join(root, 'runtime'))) h.update(`${relative(root, p).split(sep).join('/')}\n`).update(readFileSync(p)).update('\n');
  return h.digest('hex');
}
