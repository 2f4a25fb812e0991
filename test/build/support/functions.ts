/**
 * The Lambda functions of a synthesized app as deployed: each function's bundle in the cloud
 * assembly (found through its `Code.S3Key`), run in a child process as Lambda would run it
 * (support/invoke.mjs), and an HTTP endpoint on 127.0.0.1 that plays CloudFormation's pre-signed
 * response URL for custom resources.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { mergedTemplate, type Synthesized } from './out.ts';

export interface FunctionBundle {
  readonly logicalId: string;
  readonly s3Key: string;
  /** The bundle's index.js in the cloud assembly. */
  readonly path: string;
  readonly timeoutSeconds: number;
}

/** Every AWS::Lambda::Function of the app (nested stacks included) with its bundle. */
export function functionBundles(s: Synthesized): FunctionBundle[] {
  const t = mergedTemplate(s);
  const out: FunctionBundle[] = [];
  for (const [id, r] of Object.entries(t.Resources)) {
    if (r.Type !== 'AWS::Lambda::Function') continue;
    const key = r.Properties?.['Code']?.S3Key as string;
    const hash = /^([0-9a-f]{64})\.zip$/.exec(key)?.[1];
    const source = hash !== undefined ? s.assets.get(hash) : undefined;
    if (source === undefined) throw new Error(`${id}: no asset for S3Key ${key}`);
    const path = join(s.outdir, source, 'index.js');
    if (!existsSync(path)) throw new Error(`${id}: the asset ${source} holds no index.js (was the app synthesized with bundling?)`);
    out.push({ logicalId: id, s3Key: key, path, timeoutSeconds: r.Properties?.['Timeout'] as number });
  }
  return out.sort((a, b) => (a.logicalId < b.logicalId ? -1 : 1));
}

/** The one function whose logical id matches `pattern`. */
export function bundle(s: Synthesized, pattern: RegExp): FunctionBundle {
  const found = functionBundles(s).filter((f) => pattern.test(f.logicalId));
  if (found.length !== 1) throw new Error(`${found.length} functions match ${pattern}`);
  return found[0]!;
}

/** Environment for a bundle run: no real AWS credentials, the region, and the given extras. */
export function lambdaEnv(extra: Record<string, string> = {}): Record<string, string> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_') && !k.startsWith('npm_'))) as Record<string, string>;
  return { ...base, AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_SESSION_TOKEN: 'testing', AWS_REGION: 'us-east-1', AWS_EC2_METADATA_DISABLED: 'true', ...extra };
}

/**
 * Calls a bundle's handler with `event` in a child process (as the function `functionArn`, or a
 * stand-in's); resolves with its result or error.
 * The bundle runs from a folder of its own, as from Lambda's /var/task (beside the project's
 * package.json, whose `"type": "module"` Lambda never sees, it would not load as CommonJS).
 */
export function invoke(f: FunctionBundle, event: unknown, env: Record<string, string>, timeoutMs = f.timeoutSeconds * 1000, functionArn?: string): Promise<{ result?: any; error?: string }> {
  const task = mkdtempSync(join(tmpdir(), 'lakec-task-'));
  copyFileSync(f.path, join(task, 'index.js'));
  return new Promise<{ result?: any; error?: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [join(import.meta.dirname, 'invoke.mjs')], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      try {
        resolve(JSON.parse(stdout) as { result?: unknown; error?: string });
      } catch {
        reject(new Error(`the handler of ${f.logicalId} printed no result (exit ${code}): ${stdout}\n${stderr}`));
      }
    });
    child.stdin.end(JSON.stringify({ bundle: join(task, 'index.js'), event, timeoutMs, ...(functionArn !== undefined ? { functionArn } : {}) }));
  }).finally(() => rmSync(task, { recursive: true, force: true }));
}

/** CloudFormation's side of the custom resource protocol: a URL that records the PUT responses. */
export async function responseEndpoint(): Promise<{ url: string; responses: any[]; close(): Promise<void> }> {
  const responses: any[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      responses.push({ method: req.method, url: req.url, ...(JSON.parse(body) as object) });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/response`, responses, close: () => new Promise((r) => server.close(() => r())) };
}
