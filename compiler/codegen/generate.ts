/** Runs every target over the model and returns OUT's files, headers added, sorted, with the manifest. */
import { withHeader, type GenContext, type GeneratedFile, type Target } from './files.ts';
import { manifestFor } from './writer.ts';
import { targets as defaultTargets } from './targets.ts';

export function generate(ctx: GenContext, targets: readonly Target[] = defaultTargets): GeneratedFile[] {
  const byPath = new Map<string, GeneratedFile>();
  for (const target of targets) {
    for (const f of target.generate(ctx)) {
      if (byPath.has(f.path)) throw new Error(`two targets generate '${f.path}' (${target.name})`);
      if (f.path.startsWith('/') || f.path.includes('..') || f.path.includes('\\')) throw new Error(`bad output path '${f.path}'`);
      const content = f.ownership === 'generated' ? withHeader(f.path, f.content, ctx) : f.content;
      byPath.set(f.path, { ...f, content });
    }
  }
  const files = [...byPath.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return [...files, manifestFor(files, ctx.specName, ctx.lakecVersion)];
}
