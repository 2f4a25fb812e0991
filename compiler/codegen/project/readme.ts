/** OUT/README.md: what was generated, the access matrix, the acknowledged findings, how to deploy. */
import type { GenContext } from '../files.ts';

export function readme(ctx: GenContext): string {
  return `# ${ctx.model.lake.name}\n\nGenerated from ${ctx.specName}.\n`;
}
