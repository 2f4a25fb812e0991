/**
 * HEAVY (about a minute): the reference lake's generated preflight (`npm run preflight`, and
 * `npm run deploy`, which runs it first) as a process, against AWS APIs on 127.0.0.1. moto's
 * server serves what it can: STS, Kinesis (DescribeLimits answers a fixed quota of 6,000 shards),
 * IAM, Lake Formation's settings. Recorded responses (test/build/recorded/, written from the API
 * references and served by support/replay.ts) stand in for what moto does not serve: QuickSight's
 * subscription and groups, IAM Access Analyzer's ValidatePolicy, and a Kinesis account whose
 * quota of 500 shards is below the lake's 512. Nothing here proves what AWS itself answers.
 */
import { spawn } from 'node:child_process';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { LakeFormationClient, PutDataLakeSettingsCommand } from '@aws-sdk/client-lakeformation';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { motoAccount, startMoto, type Moto } from './support/moto.ts';
import { buildExample, standInJarContext, testAdmin } from './support/out.ts';
import { startReplay, type ReplayAnswer, type ReplayRequest } from './support/replay.ts';

let moto: Moto;
let replay: Awaited<ReturnType<typeof startReplay>>;
let dir: string;
let answer: (r: ReplayRequest) => ReplayAnswer | undefined = () => undefined;
const region = 'us-east-1';

beforeAll(async () => {
  moto = await startMoto();
  replay = await startReplay((r) => answer(r));
  dir = buildExample('examples/audit-surveillance.lake').dir;
  // The Flink jar (the Kinesis profile does not build here): the project's stand-in.
  admins.push(...Object.entries(await standInJarContext(dir)).flatMap(([k, v]) => ['--context', `${k}=${v}`]));
}, 120_000);

afterAll(async () => {
  await replay?.close();
  await moto?.stop();
});

interface Result { check: string; status: 'pass' | 'warn' | 'fail'; message: string }

/** Runs a generated script of the project as `npm run` would, with AWS on 127.0.0.1. */
function run(script: 'preflight' | 'deploy', args: string[], endpoints: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: Record<string, string> = {
    ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_') && !k.startsWith('npm_') && k !== 'CDK_DEFAULT_ACCOUNT')) as Record<string, string>,
    AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_REGION: region, AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ENDPOINT_URL: moto.endpoint,
    AWS_ENDPOINT_URL_QUICKSIGHT: replay.url,
    AWS_ENDPOINT_URL_ACCESSANALYZER: replay.url,
    ...endpoints,
  };
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['tsx', `infra/${script}.ts`, ...args], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** The context every run gives: an administrator, and the stand-in Flink jar (beforeAll). */
const admins = ['--context', `lakec:admins=["${testAdmin}"]`];

async function preflight(args: string[], endpoints: Record<string, string> = {}): Promise<{ code: number; results: Result[] }> {
  const r = await run('preflight', ['--json', ...admins, ...args], endpoints);
  let parsed: { results: Result[] };
  try {
    parsed = JSON.parse(r.stdout) as { results: Result[] };
  } catch {
    throw new Error(`the preflight printed no JSON (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
  }
  return { code: r.code, results: parsed.results };
}

const status = (results: Result[], check: string | RegExp): string | undefined => results.find((r) => (typeof check === 'string' ? r.check === check : check.test(r.check)))?.status;
const message = (results: Result[], check: string | RegExp): string => results.find((r) => (typeof check === 'string' ? r.check === check : check.test(r.check)))?.message ?? '';

/** Recorded answers: Access Analyzer finds nothing, QuickSight is Enterprise with every group. */
const quiet = (r: ReplayRequest): ReplayAnswer | undefined => {
  if (r.method === 'POST' && r.path === '/policy/validation') return { recorded: 'access-analyzer-validate-policy-none.json' };
  if (r.method === 'GET' && r.path === `/account/${motoAccount}`) return { recorded: 'quicksight-describe-account-subscription.json' };
  if (r.method === 'GET' && r.path.startsWith(`/accounts/${motoAccount}/namespaces/default/groups/`)) return { recorded: 'quicksight-describe-group.json' };
  return undefined;
};

describe('the generated preflight', () => {
  it("on a fresh account: fails on the Lake Formation defaults (the lake's databases would get IAMAllowedPrincipals) and the missing iam_role, passes the shard quota, and validates every policy with Access Analyzer", async () => {
    answer = quiet;
    replay.requests.length = 0;
    const { code, results } = await preflight([]);
    expect(code).toBe(1);
    expect(status(results, 'credentials')).toBe('pass');
    expect(status(results, 'kinesis shard quota')).toBe('pass');
    expect(message(results, 'kinesis shard quota')).toMatch(/512 shards to add, 6,000 of 6,000 free/);
    expect(status(results, 'lake formation defaults')).toBe('fail');
    expect(message(results, 'lake formation defaults')).toMatch(/IAMAllowedPrincipals ALL on every new database/);
    expect(status(results, `iam_role arn:aws:iam::${motoAccount}:role/compliance-service`)).toBe('fail');
    expect(message(results, /^iam_role/)).toMatch(/does not exist: IAM refuses a trust policy/);
    expect(results.some((r) => r.check.startsWith('quicksight'))).toBe(false);
    expect(status(results, 'access analyzer')).toBe('pass');
    // Every synthesized policy went to ValidatePolicy, as the kind of policy it is.
    const sent = replay.requests.filter((r) => r.path === '/policy/validation').map((r) => JSON.parse(r.body) as { policyType: string; validatePolicyResourceType?: string; policyDocument: string });
    expect(sent.length).toBeGreaterThan(30);
    expect(new Set(sent.map((s) => `${s.policyType} ${s.validatePolicyResourceType ?? ''}`.trim()))).toEqual(new Set(['IDENTITY_POLICY', 'RESOURCE_POLICY AWS::IAM::AssumeRolePolicyDocument', 'RESOURCE_POLICY AWS::S3::Bucket', 'RESOURCE_POLICY']));
    for (const s of sent) expect(s.policyDocument).not.toMatch(/Fn::|"Ref"|\$\{AWS::/);
  }, 120_000);

  it('fails fast on the shard quota (with the numbers) and on an Access Analyzer error, and checks the QuickSight prerequisites', async () => {
    // The account fixed: no IAMAllowedPrincipals default, the iam_role exists.
    const client = { endpoint: moto.endpoint, region, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } };
    await new LakeFormationClient(client).send(new PutDataLakeSettingsCommand({ DataLakeSettings: { DataLakeAdmins: [{ DataLakePrincipalIdentifier: `arn:aws:iam::${motoAccount}:role/other-team-admin` }], CreateDatabaseDefaultPermissions: [], CreateTableDefaultPermissions: [] } }));
    await new IAMClient(client).send(new CreateRoleCommand({ RoleName: 'compliance-service', AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' }] }) }));
    answer = (r) => {
      if (r.target === 'Kinesis_20131202.DescribeLimits') return { recorded: 'kinesis-describe-limits-500.json' };
      if (r.target === 'Kinesis_20131202.DescribeStreamSummary') return { status: 400, recorded: 'kinesis-stream-not-found.json' };
      // The lake key's policy: an error finding.
      if (r.path === '/policy/validation' && (JSON.parse(r.body) as { policyDocument: string }).policyDocument.includes(':key/')) {
        const doc = JSON.parse((JSON.parse(r.body) as { policyDocument: string }).policyDocument) as { Statement: { Sid?: string }[] };
        if (doc.Statement.some((s) => s.Sid === 'AllowCloudWatchAlarmsToPublish')) return { recorded: 'access-analyzer-validate-policy-error.json' };
      }
      return quiet(r);
    };
    const { code, results } = await preflight(['--context', 'lakec:quicksight=true'], { AWS_ENDPOINT_URL_KINESIS: replay.url });
    expect(code).toBe(1);
    expect(status(results, 'kinesis shard quota')).toBe('fail');
    expect(message(results, 'kinesis shard quota')).toContain('the stack adds 512 provisioned shards (audit_surveillance-trade_events (512 shards)), but the account has 0 of its 500 shards open in us-east-1, so 500 are free');
    expect(message(results, 'kinesis shard quota')).toMatch(/Request a quota of at least 512 shards/);
    expect(status(results, /^access analyzer key StorageKey/)).toBe('fail');
    expect(message(results, /^access analyzer key StorageKey/)).toMatch(/ERROR INVALID_CONDITION_KEY_FOR_ACTION/);
    expect(status(results, 'access analyzer')).toBe('fail');
    expect(status(results, 'lake formation defaults')).toBe('pass');
    expect(message(results, 'lake formation administrators')).toMatch(/append: none is removed/);
    expect(status(results, `iam_role arn:aws:iam::${motoAccount}:role/compliance-service`)).toBe('pass');
    expect(status(results, 'quicksight subscription')).toBe('pass');
    expect(status(results, 'quicksight group Compliance-Business')).toBe('pass');
  }, 120_000);

  it('with replace, lists what the account would lose; a missing QuickSight group fails; npm run deploy then stops before cdk deploy', async () => {
    answer = (r) => (r.path.startsWith(`/accounts/${motoAccount}/namespaces/default/groups/`) ? { status: 404, errorType: 'ResourceNotFoundException', recorded: 'quicksight-resource-not-found.json' } : quiet(r));
    const { code, results } = await preflight(['--context', 'lakec:quicksight=true', '--context', 'lakec:lakeFormationSettings=replace']);
    expect(code).toBe(1);
    expect(status(results, 'lake formation settings (replace)')).toBe('warn');
    expect(message(results, 'lake formation settings (replace)')).toContain(`it removes the administrators arn:aws:iam::${motoAccount}:role/other-team-admin`);
    expect(status(results, 'quicksight group Compliance-Business')).toBe('fail');
    expect(message(results, 'quicksight group Compliance-Business')).toMatch(/aws quicksight create-group --aws-account-id 123456789012 --namespace default --group-name Compliance-Business/);
    const deploy = await run('deploy', [...admins, '--context', 'lakec:quicksight=true', '--require-approval', 'never']);
    expect(deploy.code).toBe(1);
    expect(deploy.stdout).toMatch(/FAIL {2}quicksight group Compliance-Business/);
    expect(deploy.stderr).toContain('deploy: the preflight failed; nothing was deployed');
  }, 180_000);

  it('passes once the account meets every prerequisite, and refuses a bad context value or argument with its message', async () => {
    answer = quiet;
    const { code, results } = await preflight([]);
    expect(results.filter((r) => r.status === 'fail')).toEqual([]);
    expect(code).toBe(0);
    const text = await run('preflight', admins);
    expect(text.stdout.trim().split('\n').at(-1)).toBe('preflight passed');
    const bad = await run('preflight', ['--context', 'lakec:admins=[]']);
    // (Node 20 also has the AWS SDK print a warning on stderr: the message is a line of its own.)
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^preflight: context lakec:admins: the list is empty/m);
    const usage = await run('preflight', ['--yes']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/^preflight: unknown argument "--yes": the preflight takes --context KEY=VALUE \(as cdk deploy does\) and --json$/m);
  }, 180_000);
});
