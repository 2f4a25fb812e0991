/** Runs the built CLI as a real process (`npm test` builds it first). */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { root } from '../support/compile.ts';

export interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function lakec(args: readonly string[], options: { cwd?: string; input?: string; env?: Record<string, string> } = {}): Run {
  const r = spawnSync(process.execPath, [join(root, 'compiler/dist/lakec.js'), ...args], {
    cwd: options.cwd ?? root,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, NO_COLOR: undefined, FORCE_COLOR: undefined, ...options.env },
    ...(options.input !== undefined ? { input: options.input } : {}),
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
