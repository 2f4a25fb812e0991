/**
 * Runs a command without blocking the test worker. A long `spawnSync` blocks the worker's event
 * loop: vitest's calls between the worker and the main process then time out ("[vitest-worker]:
 * Timeout calling ...", seen on a busy machine), so anything that may take long runs here.
 */
import { spawn } from 'node:child_process';

export interface Finished {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout and stderr, for messages. */
  readonly output: string;
}

export function run(command: string, args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (status, signal) => resolve({ status, signal, stdout, stderr, output: `${stdout}\n${stderr}` }));
  });
}
