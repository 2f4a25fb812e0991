/**
 * moto's server (PyPI `moto[server]`, installed by test/setup.sh) on 127.0.0.1, for tests that
 * run the generated functions against AWS APIs: started on a free port, ready once it answers,
 * stopped by the test. One server holds every service (Glue, Athena, S3, STS, Lake Formation...)
 * in one account, 123456789012.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

export const motoAccount = '123456789012';

export interface Moto {
  readonly endpoint: string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export function motoServerAvailable(): void {
  const r = spawnSync('moto_server', ['--help'], { encoding: 'utf8' });
  if (r.error !== undefined || r.status !== 0) {
    throw new Error("moto's server is required by these tests and was not found: pip install 'moto[server]' (test/setup.sh installs it)");
  }
}

/** Starts moto_server and resolves once it answers; rejects with its output if it exits first. */
export async function startMoto(): Promise<Moto> {
  motoServerAvailable();
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<never>((_, reject) => child.on('exit', (code) => reject(new Error(`moto_server exited (${code}) before answering:\n${output}`))));
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null) return;
    const gone = new Promise<void>((r) => child.on('exit', () => r()));
    child.kill('SIGTERM');
    await gone;
  };
  // Ready when it answers an HTTP request: poll on its progress, not on a fixed delay.
  const ready = (async () => {
    for (;;) {
      try {
        const res = await fetch(`${endpoint}/moto-api/`);
        if (res.ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  try {
    await Promise.race([ready, exited]);
  } catch (e) {
    await stop();
    throw e;
  }
  return { endpoint, stop };
}
