/**
 * HEAVY (about two minutes): every example is built, its CDK app synthesized once in this process
 * (QuickSight on, the fullest template) with the functions bundled (as `cdk synth` does) and
 * CloudFormation's template validation and cdk-nag's AwsSolutions pack on, its templates linted
 * with cfn-lint and every IAM policy (key, bucket, trust, topic, identity, permission set) with
 * parliament, its security properties pinned with aws-cdk-lib/assertions, its deployment order
 * checked against what each Lake Formation resource names, each function's own bundle run on an
 * event of its kind, its Lake Formation resources read back into the access matrix the spec asks
 * for (and a column added later shown to reach only whole-table grants), and its TypeScript
 * type-checked.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Match, Template as Assertions } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import { acknowledgements } from '../../compiler/codegen/cdk/acknowledgements.ts';
import { flinkApplication, flinkMetrics } from '../../compiler/codegen/cdk/flink.ts';
import { flinkDatasets } from '../../compiler/codegen/flink/index.ts';
import { accessMatrixFromModel, matrixJson } from '../../compiler/codegen/plan/access.ts';
import type { LakeModel } from '../../compiler/model/model.ts';
import { examples } from '../support/compile.ts';
import { functionBundles, invoke, lambdaEnv, responseEndpoint } from './support/functions.ts';
import { orderingViolations } from './support/ordering.ts';
import { lintPlace, lintPolicies, projectPolicies, type PolicyFinding } from './support/policies.ts';
import { acceptance, acceptedFindings } from './support/policyFindings.ts';
import { buildExample, mergedTemplate, standInJarContext, synthesize, testAdmin, type Synthesized, type Template } from './support/out.ts';
import { run } from '../support/process.ts';
import { lfTagKey } from '../../compiler/codegen/plan/names.ts';
import { accessMatrixFromTemplate, expectedNewColumnReaders, readersOf } from './support/templateMatrix.ts';

type Resource = Template['Resources'][string];

function cfnLintVersion(): string {
  const r = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' });
  if (r.error !== undefined || r.status !== 0) {
    throw new Error('cfn-lint is required by these tests and was not found: pip install cfn-lint (CI installs it in .ci/run)');
  }
  return r.stdout.trim();
}

/** A CloudFormation value as cdk-nag names it in a finding: `<Logical.Arn>/path/*`. */
function flatten(value: unknown): string {
  if (typeof value === 'string') return value.replace(/\$\{/g, '<').replace(/\}/g, '>');
  if (typeof value === 'object' && value !== null) {
    const v = value as Record<string, unknown>;
    if (Array.isArray(v['Fn::Join'])) {
      const [sep, parts] = v['Fn::Join'] as [string, unknown[]];
      return parts.map(flatten).join(sep);
    }
    if (v['Fn::GetAtt'] !== undefined) return `<${(v['Fn::GetAtt'] as string[]).join('.')}>`;
    if (v['Ref'] !== undefined) return `<${String(v['Ref'])}>`;
    if (v['Fn::Sub'] !== undefined) return flatten(v['Fn::Sub']);
  }
  return JSON.stringify(value);
}

const dependsOn = (r: Resource): string[] => (r.DependsOn === undefined ? [] : typeof r.DependsOn === 'string' ? [r.DependsOn] : r.DependsOn);
const ofType = (t: Template, type: string): [string, Resource][] => Object.entries(t.Resources).filter(([, r]) => r.Type === type);

const built = new Map<string, { dir: string; model: LakeModel; synth: Synthesized }>();

interface MetricId {
  readonly Namespace: string;
  readonly MetricName: string;
  readonly Dimensions: readonly { readonly Name: string; readonly Value: string }[];
}

beforeAll(async () => {
  cfnLintVersion();
  for (const example of examples) {
    const { dir, model } = buildExample(example);
    // QuickSight on: the fullest template (its data sources and their roles' policies), linted and checked.
    built.set(example, { dir, model, synth: await synthesize(dir, { context: { 'lakec:quicksight': 'true' } }) });
  }
}, 300_000);

/** Every example's parliament findings, gathered for the check that no accepted finding is stale. */
const policyFindings: PolicyFinding[] = [];

describe.each(examples)('%s', (example) => {
  const get = (): { dir: string; model: LakeModel; synth: Synthesized; t: Template; a: Assertions } => {
    const b = built.get(example)!;
    // Parent and nested stacks as one template (nested stacks hold the datasets' resources).
    const t = mergedTemplate(b.synth);
    return { ...b, t, a: Assertions.fromJSON(t as never) };
  };

  it('synthesizes under template validation and cdk-nag; every acknowledgement is a listed one with its reason', () => {
    const { t } = get();
    const reasons = new Set(acknowledgements.map((a) => a.reason));
    let count = 0;
    for (const [id, r] of Object.entries(t.Resources)) {
      for (const rule of (r.Metadata?.['cdk_nag']?.rules_to_suppress ?? []) as { id: string; reason: string }[]) {
        count++;
        expect(reasons.has(rule.reason), `${id} ${rule.id}: ${rule.reason}`).toBe(true);
        expect(acknowledgements.find((a) => a.reason === rule.reason)!.rule).toBe(rule.id.replace(/\[.*$/, ''));
      }
    }
    expect(count).toBeGreaterThan(0);
  });

  it('cfn-lint reports no error on any template (parent and nested stacks)', async () => {
    const { synth } = get();
    expect(synth.templates.size).toBeGreaterThan(1);
    const files = [...synth.templates.keys()].map((f) => join(synth.outdir, f));
    // Not spawnSync: linting every template takes long enough on a busy machine to starve the worker.
    const r = await run('cfn-lint', ['--format', 'parseable', ...files]);
    // cfn-lint's exit code is a bit mask: 2 errors, 4 warnings, 8 informational.
    const errors = r.stdout.split('\n').filter((l) => /:E\d{4}:/.test(l));
    expect(errors).toEqual([]);
    expect(r.status! & 2, r.stderr).toBe(0);
  }, 120_000);

  it('the lake key rotates; buckets block public access, are versioned and TLS-only', () => {
    const { t, a } = get();
    a.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    const policies = ofType(t, 'AWS::S3::BucketPolicy');
    const buckets = ofType(t, 'AWS::S3::Bucket');
    expect(buckets.length).toBeGreaterThanOrEqual(4);
    for (const [id, bucket] of buckets) {
      expect(bucket.Properties?.['PublicAccessBlockConfiguration'], id).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
      expect(bucket.Properties?.['VersioningConfiguration'], id).toEqual({ Status: 'Enabled' });
      const policy = policies.find(([, p]) => JSON.stringify(p.Properties?.['Bucket']) === JSON.stringify({ Ref: id }));
      expect(policy, `${id} has a bucket policy`).toBeDefined();
      const statements = policy![1].Properties!['PolicyDocument'].Statement as Record<string, unknown>[];
      expect(statements.some((s) => s['Effect'] === 'Deny' && JSON.stringify(s['Condition']) === '{"Bool":{"aws:SecureTransport":"false"}}'), `${id} refuses plain HTTP`).toBe(true);
      // Server access logs (and the trail's bucket, whose log files CloudTrail encrypts with the
      // lake key itself) need SSE-S3; data and query results are on the lake key.
      const name = JSON.stringify(bucket.Properties?.['BucketName']);
      const sse = /-lakec-(logs|trail)-/.test(name) ? 'AES256' : 'aws:kms';
      expect(JSON.stringify(bucket.Properties?.['BucketEncryption']), id).toContain(`"SSEAlgorithm":"${sse}"`);
    }
  });

  it('Lake Formation: the lake\'s administrators appended to the account\'s, its databases give IAMAllowedPrincipals nothing, a read-only auditor checks it last', () => {
    const { t, a } = get();
    // APPEND: the account's other administrators and its defaults stay as they are.
    const [[settingsId, settings]] = ofType(t, 'AWS::LakeFormation::DataLakeSettings');
    expect(Object.keys(settings!.Properties!).sort()).toEqual(['Admins', 'MutationType', 'ReadOnlyAdmins']);
    a.hasResourceProperties('AWS::LakeFormation::DataLakeSettings', {
      MutationType: 'APPEND',
      Admins: [{ DataLakePrincipalIdentifier: { 'Fn::Sub': Match.stringLikeRegexp('cfn-exec-role') } }, { DataLakePrincipalIdentifier: testAdmin }],
      ReadOnlyAdmins: [{ DataLakePrincipalIdentifier: { 'Fn::GetAtt': [Match.stringLikeRegexp('^GovernancePermissionsAuditor'), 'Arn'] } }],
    });
    for (const [id, db] of ofType(t, 'AWS::Glue::Database')) expect(db.Properties?.['DatabaseInput'].CreateTableDefaultPermissions, id).toEqual([]);
    // The auditor may list and nothing else.
    const auditorPolicies = ofType(t, 'AWS::IAM::Policy').filter(([, p]) => JSON.stringify(p.Properties?.['Roles']).includes('GovernancePermissionsAuditor'));
    expect(auditorPolicies.flatMap(([, p]) => (p.Properties!['PolicyDocument'].Statement as { Action: string | string[] }[]).flatMap((s) => [s.Action].flat())).sort())
      .toEqual(['lakeformation:GetDataLakeSettings', 'lakeformation:ListPermissions', 'logs:CreateLogStream', 'logs:PutLogEvents']);
    // The check lists every database and table of the lake.
    const [[checkId, check]] = ofType(t, 'Custom::LakePermissionsCheck');
    const tables = [...ofType(t, 'AWS::Glue::Table').map(([, r]) => `${r.Properties!['DatabaseName']}.${r.Properties!['TableInput'].Name}`), ...ofType(t, 'Custom::IcebergTable').map(([, r]) => `${r.Properties!['Database']}.${r.Properties!['Table']}`)];
    expect(check!.Properties!['Tables']).toEqual(tables.sort());
    expect(check!.Properties!['Databases']).toEqual(ofType(t, 'AWS::Glue::Database').map(([, r]) => r.Properties!['DatabaseInput'].Name).sort());
    expect(check!.Properties!['ServiceTimeout']).toBe('180');
    // Every catalog and permission change hangs off one chain that starts at the settings.
    const chained = Object.entries(t.Resources).filter(([, r]) => /^AWS::(LakeFormation::(PrincipalPermissions|Tag|TagAssociation|DataCellsFilter|Resource)|Glue::(Database|Table))$/.test(r.Type) || r.Type === 'Custom::IcebergTable' || r.Type === 'Custom::AthenaDefaultDatabase');
    expect(chained.length).toBeGreaterThan(10);
    const reaches = (id: string, target: string, seen = new Set<string>()): boolean => {
      if (id === target) return true;
      if (seen.has(id)) return false;
      seen.add(id);
      return dependsOn(t.Resources[id]!).some((d) => reaches(d, target, seen));
    };
    for (const [id] of chained) {
      expect(reaches(id, settingsId!), `${id} waits for the Lake Formation settings`).toBe(true);
      // The check comes after every catalog and permission resource of the lake.
      expect(reaches(checkId!, id), `the permissions check waits for ${id}`).toBe(true);
    }
    for (const [id, g] of ofType(t, 'AWS::LakeFormation::PrincipalPermissions')) {
      // Only the deploy role's own grant on a table (so it may tag and filter a table the table
      // creator owns) carries a grant option.
      const own = JSON.stringify(g.Properties?.['Principal']).includes('cfn-exec-role');
      if (own) expect([g.Properties?.['Resource'].Table?.Name !== undefined, g.Properties?.['Permissions'], g.Properties?.['PermissionsWithGrantOption']], id).toEqual([true, ['ALL'], ['ALL']]);
      else expect(g.Properties?.['PermissionsWithGrantOption'], id).toEqual([]);
      const res = g.Properties?.['Resource'];
      if (res.TableWithColumns !== undefined || res.DataCellsFilter !== undefined) expect(g.Properties?.['Permissions'], id).toEqual(['SELECT']);
    }
    for (const [id, assoc] of ofType(t, 'AWS::LakeFormation::TagAssociation')) {
      const tagIds = ofType(t, 'AWS::LakeFormation::Tag').filter(([, tag]) => tag.Properties?.['TagKey'] === assoc.Properties?.['LFTags'][0].TagKey).map(([tid]) => tid);
      expect(tagIds.some((tag) => reaches(id, tag)), `${id} waits for its tag`).toBe(true);
    }
  });

  it('every Lake Formation resource waits for what it names; tags and filters on an Iceberg table wait for the deploy role\'s grant on it', () => {
    const { t } = get();
    expect(orderingViolations(t)).toEqual([]);
    // The check has something to check: grants on databases and tables, tags, filters.
    expect(ofType(t, 'AWS::LakeFormation::PrincipalPermissions').length).toBeGreaterThan(3);
  });

  it('every custom resource tells CloudFormation how long to wait: more than its function runs, far less than an hour', () => {
    const { t } = get();
    const custom = Object.entries(t.Resources).filter(([, r]) => r.Type.startsWith('Custom::'));
    expect(custom.length).toBeGreaterThanOrEqual(3);
    for (const [id, r] of custom) {
      const fnId = r.Properties!['ServiceToken']['Fn::GetAtt'][0] as string;
      const timeout = t.Resources[fnId]!.Properties!['Timeout'] as number;
      const wait = Number(r.Properties!['ServiceTimeout']);
      expect(wait, id).toBeGreaterThan(timeout);
      expect(wait, id).toBeLessThanOrEqual(600);
    }
  });

  it('each Lambda function has its own asset, whose bundle answers an event of its own kind', async () => {
    const { synth } = get();
    const functions = functionBundles(synth);
    expect(functions.map((f) => f.logicalId).some((id) => /CatalogResources/.test(id))).toBe(true);
    expect(new Set(functions.map((f) => f.s3Key)).size).toBe(functions.length);
    // No AWS is reachable: a handler that tried to call it would fail, not answer.
    const env = lambdaEnv({ AWS_ENDPOINT_URL: 'http://127.0.0.1:9' });
    const endpoint = await responseEndpoint();
    try {
      for (const f of functions) {
        if (/CatalogResources/.test(f.logicalId)) {
          // A Delete keeps the table and needs no AWS call: the answer goes to the response URL.
          const event = { RequestType: 'Delete', ResourceType: 'Custom::IcebergTable', ResponseURL: `${endpoint.url}/${f.logicalId}`, StackId: 'stack', RequestId: 'r1', LogicalResourceId: 'TradesTable', PhysicalResourceId: 'db.trades', ResourceProperties: { Database: 'db', Table: 'trades', Input: '{}' } };
          const out = await invoke(f, event, env);
          expect(out.error, f.logicalId).toBeUndefined();
          expect(out.result).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'db.trades' });
          expect(endpoint.responses.at(-1)).toMatchObject({ method: 'PUT', url: `/response/${f.logicalId}`, Status: 'SUCCESS', RequestId: 'r1' });
        } else if (/PermissionsCheck/.test(f.logicalId)) {
          // A Delete checks nothing and needs no AWS call.
          const event = { RequestType: 'Delete', ResourceType: 'Custom::LakePermissionsCheck', ResponseURL: `${endpoint.url}/${f.logicalId}`, StackId: 'stack', RequestId: 'r2', LogicalResourceId: 'Check', PhysicalResourceId: 'lake-permissions-check', ResourceProperties: { Databases: [], Tables: [], Settings: 'append' } };
          const out = await invoke(f, event, env);
          expect(out.error, f.logicalId).toBeUndefined();
          expect(out.result).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'lake-permissions-check' });
          expect(endpoint.responses.at(-1)).toMatchObject({ method: 'PUT', url: `/response/${f.logicalId}`, Status: 'SUCCESS', RequestId: 'r2' });
        } else if (/CatalogApi/.test(f.logicalId)) {
          // An API Gateway (HTTP API, IAM authorization) event from a role that is no api persona.
          const event = { routeKey: 'GET /datasets', requestContext: { requestId: 'r1', authorizer: { iam: { userArn: 'arn:aws:sts::111122223333:assumed-role/not-a-persona/session' } } } };
          const out = await invoke(f, event, env);
          expect(out.error, f.logicalId).toBeUndefined();
          expect(out.result).toMatchObject({ statusCode: 403 });
        } else if (/FlinkControl/.test(f.logicalId)) {
          // Deleting the start resource leaves the application to CloudFormation: no AWS call.
          const event = { RequestType: 'Delete', ResourceType: 'Custom::FlinkApplicationStart', ResponseURL: `${endpoint.url}/${f.logicalId}`, StackId: 'stack', RequestId: 'r2', LogicalResourceId: 'Start', PhysicalResourceId: 'start:app', ResourceProperties: { ApplicationName: 'app' } };
          const out = await invoke(f, event, env);
          expect(out.error, f.logicalId).toBeUndefined();
          expect(out.result).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'start:app' });
          expect(endpoint.responses.at(-1)).toMatchObject({ method: 'PUT', url: `/response/${f.logicalId}`, Status: 'SUCCESS', RequestId: 'r2' });
          // What is neither a custom resource event nor a schedule's request is refused, unread.
          expect((await invoke(f, { something: 'else' }, env)).error).toMatch(/not a scaling request/);
        } else {
          throw new Error(`a function this test does not know: ${f.logicalId}`);
        }
      }
    } finally {
      await endpoint.close();
    }
  }, 60_000);

  it('CloudTrail encrypts with an audit key of its own (encryption context and trail) and may describe it (trail only), as AWS documents', () => {
    const { t } = get();
    const keys = ofType(t, 'AWS::KMS::Key');
    expect(keys.map(([id]) => id.replace(/[0-9A-F]{8}$/, '')).sort()).toEqual(['ObservabilityAuditKey', 'StorageKey']);
    const [[auditId, key]] = keys.filter(([id]) => id.startsWith('ObservabilityAuditKey'));
    expect(ofType(t, 'AWS::CloudTrail::Trail')[0]![1].Properties!['KMSKeyId']).toEqual({ 'Fn::GetAtt': [auditId, 'Arn'] });
    // The key of the data has no statement for CloudTrail.
    const [[, lakeKey]] = keys.filter(([id]) => id.startsWith('StorageKey'));
    expect(JSON.stringify(lakeKey!.Properties!['KeyPolicy'])).not.toContain('cloudtrail');
    const statements = (key!.Properties!['KeyPolicy'].Statement as Record<string, any>[]).filter((x) => JSON.stringify(x['Principal']).includes('cloudtrail.amazonaws.com'));
    expect(statements.map((x) => [x['Sid'], x['Action']])).toEqual([['AllowCloudTrailToEncryptLogs', 'kms:GenerateDataKey*'], ['AllowCloudTrailToDescribeKey', 'kms:DescribeKey']]);
    expect(Object.keys(statements[0]!['Condition'])).toEqual(['StringLike', 'StringEquals']);
    expect(Object.keys(statements[0]!['Condition']['StringLike'])).toEqual(['kms:EncryptionContext:aws:cloudtrail:arn']);
    // DescribeKey carries no encryption context: a condition on it would never match.
    expect(statements[1]!['Condition']).toEqual({ StringEquals: { 'aws:SourceArn': statements[0]!['Condition']['StringEquals']['aws:SourceArn'] } });
  });

  it('Lake Formation cannot be bypassed through S3 or KMS: zone objects only for the lake\'s roles, results per workgroup, the key through S3 and Kinesis only', () => {
    const { t, model } = get();
    const bucketOf = (prefix: string) => ofType(t, 'AWS::S3::Bucket').find(([, b]) => JSON.stringify(b.Properties?.['BucketName']).includes(`"${prefix}-"`))!;
    const policyOf = (bucketId: string) => ofType(t, 'AWS::S3::BucketPolicy').find(([, p]) => JSON.stringify(p.Properties?.['Bucket']) === JSON.stringify({ Ref: bucketId }))![1].Properties!['PolicyDocument'].Statement as Record<string, any>[];
    const roleIds = (arns: unknown[]) => arns.map((a) => (typeof a === 'string' ? a : (a as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0]!.replace(/[0-9A-F]{8}$/, ''))).sort();
    const loaders = (zone: string) => model.personas.filter((p) => model.grants.some((g) => g.persona === p.name && g.target.kind === 'dataset' && (g.privileges.includes('insert') || g.privileges.includes('all'))
      && model.datasets.some((d) => d.name === (g.target as { dataset: string }).dataset && d.zone === zone && d.format !== 'iceberg'))).map((p) => `Governance${p.name.split('_').map((x) => x[0]!.toUpperCase() + x.slice(1)).join('')}Role`);
    for (const z of model.zones) {
      const [bucketId] = bucketOf(`${model.lake.name.replace(/_/g, '-')}-${z.name.replace(/_/g, '-')}`);
      const statements = policyOf(bucketId);
      const deny = statements.find((s) => s['Sid'] === 'OnlyLakeRolesReachObjects')!;
      expect(deny).toMatchObject({ Effect: 'Deny', Principal: { AWS: '*' } });
      expect(deny['Action']).toEqual(expect.arrayContaining(['s3:GetObject*', 's3:PutObject*', 's3:DeleteObject*']));
      const iceberg = model.datasets.some((d) => d.zone === z.name && d.format === 'iceberg');
      // Each Flink application's role joins them for its own dataset's zone (grantProcessor).
      const applications = flinkDatasets(model).filter((d) => d.zone === z.name).map((d) => `Flink${d.name.split('_').map((x) => x[0]!.toUpperCase() + x.slice(1)).join('')}Role`);
      const expected = ['GovernanceDataAccessRole', testAdmin, ...(iceberg ? ['GovernanceTableCreator', 'GovernanceTableMaintainer'] : []), ...loaders(z.name), ...applications].sort();
      expect(roleIds(deny['Condition']['ArnNotLike']['aws:PrincipalArn']), z.name).toEqual(expected);
      expect(statements.find((s) => s['Sid'] === 'OnlyLakeRolesListObjects')!['Condition']).toEqual(deny['Condition']);
    }
    // Results: each workgroup's folders (results, manifests) for its role alone; manifests expire in a day.
    const [resultsId, results] = bucketOf(`${model.lake.name.replace(/_/g, '-')}-lakec-results`);
    const perWorkgroup = policyOf(resultsId).filter((s) => String(s['Sid']).startsWith('OnlyItsRoleReaches'));
    expect(perWorkgroup.length).toBe(model.personas.length + 1);
    for (const s of perWorkgroup) expect(s['Condition']['ArnNotLike']['aws:PrincipalArn'].length).toBe(2);
    expect(results!.Properties!['LifecycleConfiguration'].Rules).toEqual(expect.arrayContaining([expect.objectContaining({ Id: 'manifests', Prefix: 'manifests/', ExpirationInDays: 1 })]));
    const trail = ofType(t, 'AWS::CloudTrail::Trail')[0]![1];
    expect(JSON.stringify(trail.Properties!['EventSelectors'])).toContain(resultsId);
    // Every identity policy that lets a role use the lake key for data says through which service.
    const [[lakeKeyId]] = ofType(t, 'AWS::KMS::Key').filter(([id]) => id.startsWith('StorageKey'));
    let checked = 0;
    for (const [id, r] of [...ofType(t, 'AWS::IAM::Policy'), ...ofType(t, 'AWS::IAM::ManagedPolicy')]) {
      for (const s of r.Properties!['PolicyDocument'].Statement as Record<string, any>[]) {
        const actions = [s['Action']].flat() as string[];
        if (!JSON.stringify(s['Resource']).includes(lakeKeyId!) || !actions.some((a) => /^kms:(Decrypt|Encrypt|GenerateDataKey|ReEncrypt)/.test(a))) continue;
        checked++;
        expect(Object.keys(s['Condition']?.['StringEquals'] ?? {}), `${id}: ${actions.join(', ')}`).toContain('kms:ViaService');
      }
      // ListBucket on the results bucket only under the caller's own prefixes.
      for (const s of r.Properties!['PolicyDocument'].Statement as Record<string, any>[]) {
        if ([s['Action']].flat().includes('s3:ListBucket') && JSON.stringify(s['Resource']).includes(resultsId)) expect(s['Condition']?.['StringLike']?.['s3:prefix'], id).toBeDefined();
      }
    }
    expect(checked).toBeGreaterThan(model.personas.length);
  });

  it('parliament finds nothing in any key, bucket, trust, topic or identity policy but findings accepted with a reason', async () => {
    const { t, dir } = get();
    const file = join(dir, 'identity-center', 'permission-sets.json');
    const sets = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { PermissionSets: { PermissionSetName: string; InlinePolicy: unknown }[] }).PermissionSets : [];
    const { policyDocuments } = await projectPolicies(dir);
    const policies = policyDocuments(t, sets.map((s) => ({ name: s.PermissionSetName, document: s.InlinePolicy })), lintPlace);
    const kinds = new Set(policies.map((p) => p.kind));
    for (const kind of ['identity', 'trust', 'bucket', 'key', 'topic'] as const) expect(kinds.has(kind), kind).toBe(true);
    const findings = lintPolicies(policies);
    policyFindings.push(...findings);
    expect(findings.filter((f) => acceptance(f) === undefined).map((f) => `${f.id}: ${f.issue} ${f.detail}`)).toEqual([]);
  }, 60_000);

  it('no IAM wildcard outside an acknowledged one', () => {
    const { t } = get();
    for (const [id, r] of Object.entries(t.Resources)) {
      const documents = r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy'
        ? [r.Properties!['PolicyDocument']]
        : r.Type === 'AWS::IAM::Role' ? (r.Properties?.['Policies'] ?? []).map((p: { PolicyDocument: unknown }) => p.PolicyDocument) : [];
      const acknowledged = new Set(((r.Metadata?.['cdk_nag']?.rules_to_suppress ?? []) as { id: string }[]).map((x) => x.id));
      for (const doc of documents) {
        for (const s of doc.Statement as Record<string, unknown>[]) {
          if (s['Effect'] !== 'Allow') continue;
          for (const action of [s['Action']].flat() as string[]) if (action.includes('*')) expect(acknowledged.has(`AwsSolutions-IAM5[Action::${action}]`), `${id}: ${action}`).toBe(true);
          for (const resource of [s['Resource']].flat()) {
            const name = flatten(resource);
            if (name.includes('*')) expect(acknowledged.has(`AwsSolutions-IAM5[Resource::${name}]`), `${id}: ${name}`).toBe(true);
          }
        }
      }
    }
  });

  it('streams are KMS-encrypted and sized from the spec; Athena workgroups encrypt results and delete recursively', () => {
    const { model, a } = get();
    for (const s of model.streams) {
      a.hasResourceProperties('AWS::Kinesis::Stream', {
        StreamEncryption: { EncryptionType: 'KMS', KeyId: Match.anyValue() },
        ...(s.capacity.mode === 'provisioned' ? { ShardCount: s.capacity.shards, StreamModeDetails: { StreamMode: 'PROVISIONED' } } : { StreamModeDetails: { StreamMode: 'ON_DEMAND' } }),
      });
    }
    a.allResourcesProperties('AWS::Athena::WorkGroup', {
      RecursiveDeleteOption: true,
      WorkGroupConfiguration: Match.objectLike({ EnforceWorkGroupConfiguration: true, ResultConfiguration: Match.objectLike({ EncryptionConfiguration: Match.objectLike({ EncryptionOption: 'SSE_KMS' }) }) }),
    });
    a.allResourcesProperties('AWS::Lambda::Function', { Runtime: 'nodejs24.x' });
    a.hasResourceProperties('AWS::CloudTrail::Trail', { EnableLogFileValidation: true, EventSelectors: Match.arrayWith([Match.objectLike({ DataResources: [Match.objectLike({ Type: 'AWS::S3::Object' })] })]) });
  });

  it('deploys each Flink dataset as a Managed Flink application: the jar, FLINK-2_2, snapshots, parallelism from scaling.baseline, autoscaling off under a schedule, the properties the job requires, started once its grants exist', async () => {
    const { model, t, dir, synth } = get();
    const { resolveValue } = await projectPolicies(dir);
    const lake = model.lake.name;
    const datasets = flinkDatasets(model);
    const apps = ofType(t, 'AWS::KinesisAnalyticsV2::Application');
    expect(apps.map(([, a]) => a.Properties!['ApplicationName']).sort()).toEqual(datasets.map((d) => flinkApplication(model, d)!.applicationName).sort());
    // Every property the generated job requires (its Glue sink, dead letters, Kinesis source).
    const java = ['src/main/java/lakec/flink/DatasetJob.java', 'src/main/java/lakec/flink/Tables.java', 'src/kinesis/java/lakec/flink/kinesis/KinesisEventSource.java'].map((f) => readFileSync(join(dir, 'flink', f), 'utf8')).join('\n');
    const required = [...java.matchAll(/settings\.require\(\s*"([^"]+)",\s*"([^"]+)"\)/g)].map((m) => [m[1]!, m[2]!] as const);
    expect(required.length).toBeGreaterThanOrEqual(3);
    for (const d of datasets) {
      const f = flinkApplication(model, d)!;
      const [id, app] = apps.find(([, a]) => a.Properties!['ApplicationName'] === f.applicationName)!;
      const p = app.Properties!;
      expect(p['RuntimeEnvironment'], id).toBe('FLINK-2_2');
      const c = p['ApplicationConfiguration'];
      expect(c.ApplicationSnapshotConfiguration).toEqual({ SnapshotsEnabled: true });
      expect(c.FlinkApplicationConfiguration.ParallelismConfiguration).toEqual({ ConfigurationType: 'CUSTOM', Parallelism: d.scaling?.baselineKpu ?? 1, ParallelismPerKPU: 1, AutoScalingEnabled: (d.scaling?.peaks.length ?? 0) === 0 });
      expect(c.FlinkApplicationConfiguration.CheckpointConfiguration).toMatchObject({ ConfigurationType: 'CUSTOM', CheckpointingEnabled: true });
      // The code is the jar, staged as an asset of its own.
      const code = c.ApplicationCodeConfiguration;
      expect(code.CodeContentType).toBe('ZIPFILE');
      const key = flatten(code.CodeContent.S3ContentLocation.FileKey);
      expect(key).toMatch(/^[0-9a-f]{64}\.jar$/);
      expect(synth.assets.get(key.slice(0, 64))).toMatch(/\.jar$/);
      const groups = new Map((c.EnvironmentProperties.PropertyGroups as { PropertyGroupId: string; PropertyMap: Record<string, unknown> }[]).map((g) => [g.PropertyGroupId, g.PropertyMap]));
      expect(groups.get('lakec')).toEqual({ dataset: d.name });
      for (const [group, property] of required) expect(groups.get(group)?.[property], `${f.applicationName}: ${group} ${property}`).toBeDefined();
      expect(groups.get('lakec.source')).toMatchObject({ kind: 'kinesis', reader: f.reader });
      // The role is the one the slot granted: trusted by Managed Flink for this application only.
      const roleId = (p['ServiceExecutionRole'] as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
      const role = t.Resources[roleId]!;
      const trust = role.Properties!['AssumeRolePolicyDocument'].Statement[0];
      expect(trust.Principal).toEqual({ Service: 'kinesisanalytics.amazonaws.com' });
      expect(resolveValue(t, trust.Condition.ArnEquals['aws:SourceArn'], lintPlace)).toBe(`arn:aws:kinesisanalytics:${model.lake.region}:${lintPlace.account}:application/${f.applicationName}`);
      const granted = ofType(t, 'AWS::LakeFormation::PrincipalPermissions').filter(([, g]) => JSON.stringify(g.Properties?.['Principal']).includes(roleId));
      expect(granted.length, `${f.applicationName}: table and location grants`).toBe(2);
      expect(JSON.stringify(Object.values(t.Resources).filter((r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties?.['Roles']).includes(roleId)))).toContain('glue:UpdateTable');
      // Started by the control function once the application and its Lake Formation grants exist.
      const [startId, start] = ofType(t, 'Custom::FlinkApplicationStart').find(([, r]) => r.Properties?.['ApplicationName'] === f.applicationName)!;
      for (const [g] of granted) expect(dependsOn(start), startId).toContain(g);
      expect(dependsOn(start).some((x) => id.startsWith(`${x}/`)), `${startId} waits for the nested stack of ${id}`).toBe(true);
      // One schedule per peak, in the peak's time zone, handing the control function the sizes.
      const schedules = ofType(t, 'AWS::Scheduler::Schedule').filter(([, r]) => String(r.Properties?.['Target']?.Input ?? '').includes(`"application":"${f.applicationName}"`));
      expect(schedules.map(([, r]) => [r.Properties!['ScheduleExpression'], r.Properties!['ScheduleExpressionTimezone'], JSON.parse(r.Properties!['Target'].Input).kpu])).toEqual((d.scaling?.peaks ?? []).map((k) => [k.cron, k.timeZone ?? 'UTC', k.kpu]));
      for (const [, r] of schedules) {
        expect(flatten(r.Properties!['Target'].Arn)).toMatch(/^<FlinkControlFunction[0-9A-F]{8}\.Arn>$/);
        expect(JSON.parse(r.Properties!['Target'].Input)).toMatchObject({ lakec: 'scale', baselineKpu: d.scaling!.baselineKpu, durationSeconds: expect.any(Number) });
      }
    }
    if (datasets.some((d) => (d.scaling?.peaks ?? []).some((k) => k.timeZone !== undefined))) {
      expect(ofType(t, 'AWS::Scheduler::Schedule').some(([, r]) => r.Properties!['ScheduleExpressionTimezone'] !== 'UTC')).toBe(true);
    }
    expect(lake.length).toBeGreaterThan(0);
  });

  it("every alarm on a Flink application reads a metric the service or the generated job emits: the job's in the group kinesisanalytics, from the operator every mode runs", () => {
    const { t, dir, model } = get();
    const java = (f: string): string => readFileSync(join(dir, 'flink', 'src/main/java/lakec/flink', f), 'utf8');
    const metrics = java('Metrics.java');
    expect(metrics).toMatch(/GROUP = "kinesisanalytics";/);
    const constants = new Map([...metrics.matchAll(/public static final String (\w+) = "([^"]+)";/g)].map((m) => [m[2]!, m[1]!]));
    // MapEvents sees every record of every mode (append, current, bi-temporal).
    const mapEvents = java('MapEvents.java');
    expect(mapEvents).toMatch(/var group = Metrics\.group\(getRuntimeContext\(\)\);/);
    for (const m of [java('DatasetJob.java')]) expect(m).toMatch(/new MapEvents\(/);
    const applications = new Set(flinkDatasets(model).map((d) => flinkApplication(model, d)!.applicationName));
    let checked = 0;
    for (const [id, alarm] of ofType(t, 'AWS::CloudWatch::Alarm')) {
      const p = alarm.Properties!;
      const stats = p['Metrics'] !== undefined ? (p['Metrics'] as { MetricStat?: { Metric: MetricId } }[]).flatMap((x) => (x.MetricStat !== undefined ? [x.MetricStat.Metric] : [])) : [{ Namespace: p['Namespace'], MetricName: p['MetricName'], Dimensions: p['Dimensions'] } as MetricId];
      for (const m of stats) {
        const app = m.Dimensions.find((x) => x.Name === 'Application')?.Value;
        if (m.Namespace !== flinkMetrics.namespace || app === undefined || !applications.has(app)) continue;
        checked++;
        expect(m.Dimensions.map((x) => x.Name), id).toEqual(['Application']);
        if ([flinkMetrics.uptime, flinkMetrics.failedCheckpoints].includes(m.MetricName as never)) continue;
        const constant = constants.get(m.MetricName);
        expect(constant, `${id}: ${m.MetricName} is one of the job's metrics`).toBeDefined();
        expect(mapEvents, `${id}: MapEvents registers ${m.MetricName}`).toMatch(new RegExp(`group\\.(gauge|meter)\\(Metrics\\.${constant}\\b`));
      }
    }
    // Not running, failed checkpoints and dead letters for each; the lag where there is a freshness target.
    expect(checked).toBe(3 * applications.size + flinkDatasets(model).filter((d) => d.sla?.freshness !== undefined).length);
  });

  it('the template grants exactly the access matrix of the spec', () => {
    const { model, t } = get();
    expect(matrixJson(accessMatrixFromTemplate(t))).toEqual(matrixJson(accessMatrixFromModel(model)));
  });

  it('a column added after the deployment (untagged, or with any label) reaches only whole-table grants: label grants fail closed', () => {
    const { model, t } = get();
    const expected = expectedNewColumnReaders(model);
    for (const label of [undefined, ...model.classifications.map((c) => c.name)]) {
      const tags = label === undefined ? {} : { [lfTagKey(model.lake.name, label)]: 'true' };
      expect(readersOf(accessMatrixFromTemplate(t, { name: 'added_later', tags }), 'added_later'), label ?? 'untagged').toEqual(expected);
    }
    // The examples have label grants to prove it on.
    expect(model.grants.some((g) => g.target.kind === 'dataset' && g.target.selection.kind === 'except_classification')).toBe(true);
  });

  it('retention counts calendar years; the trail and the log groups are retained; archives use the spec\'s storage class', () => {
    const { model, t } = get();
    for (const [id, r] of [...ofType(t, 'AWS::CloudTrail::Trail'), ...ofType(t, 'AWS::Logs::LogGroup')]) expect([r.DeletionPolicy, r.UpdateReplacePolicy], id).toEqual(['Retain', 'Retain']);
    const rules = ofType(t, 'AWS::S3::Bucket').flatMap(([, b]) => (b.Properties?.['LifecycleConfiguration']?.Rules ?? []) as { ExpirationInDays?: number; Transitions?: { StorageClass: string }[] }[]);
    for (const z of model.zones) {
      if (z.retention !== undefined && /years?$/.test(z.retention.text)) {
        const n = Number(z.retention.text.split(' ')[0]);
        expect(rules.some((r) => r.ExpirationInDays === 365 * n + Math.ceil(n / 4)), `${z.name}: ${z.retention.text}`).toBe(true);
      }
      if (z.archive !== undefined) {
        const cls = { glacier_ir: 'GLACIER_IR', glacier: 'GLACIER', deep_archive: 'DEEP_ARCHIVE' }[z.archive.storageClass];
        expect(rules.some((r) => r.Transitions?.some((x) => x.StorageClass === cls)), `${z.name}: ${cls}`).toBe(true);
      }
    }
  });
});

it('every accepted parliament finding is still found in some example', () => {
  expect(policyFindings.length).toBeGreaterThan(0);
  for (const a of acceptedFindings) expect(policyFindings.some((f) => acceptance(f) === a), `${a.issue} ${a.policy}`).toBe(true);
});

it('a processor attaches to its slot: stream, table folders, catalog and Lake Formation grants, chained and acknowledged', async () => {
  const { dir } = built.get('examples/audit-surveillance.lake')!;
  const { createApp } = (await import(pathToFileURL(join(dir, 'infra', 'lake-app.ts')).href)) as { createApp(o: object): { app: { synth(): { getStackByName(n: string): { template: Template } } }; stack: { stackName: string; processors: Map<string, { grantProcessor(role: unknown): void; applicationName: string }> } & object } };
  const { app, stack } = createApp({ outdir: join(dir, 'cdk.out.processor'), context: { 'aws:cdk:bundling-stacks': [], 'lakec:admins': [testAdmin], ...(await standInJarContext(dir)) } });
  const slot = stack.processors.get('trades')!;
  expect(slot.applicationName).toBe('audit_surveillance-trades');
  slot.grantProcessor(new iam.Role(stack as never, 'FlinkRole', { assumedBy: new iam.ServicePrincipal('kinesisanalytics.amazonaws.com') }));
  // Synthesis runs cdk-nag again: the processor's wildcards must be acknowledged.
  const t = app.synth().getStackByName(stack.stackName).template;
  const grants = ofType(t, 'AWS::LakeFormation::PrincipalPermissions').filter(([, g]) => JSON.stringify(g.Properties?.['Principal']).includes('FlinkRole'));
  expect(grants.map(([, g]) => g.Properties?.['Permissions'])).toEqual([['ALTER', 'DELETE', 'DESCRIBE', 'INSERT', 'SELECT'], ['DATA_LOCATION_ACCESS']]);
  for (const [id, g] of grants) expect(dependsOn(g).length, id).toBeGreaterThan(0);
  const policies = Object.values(t.Resources).filter((r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties?.['Roles']).includes('FlinkRole'));
  expect(JSON.stringify(policies)).toContain('kinesis:GetRecords');
  expect(JSON.stringify(policies)).toContain('glue:UpdateTable');
}, 120_000);

it('the generated TypeScript type-checks with the repository\'s TypeScript', () => {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.ts')) files.push(p);
    }
  };
  for (const { dir } of built.values()) {
    walk(join(dir, 'infra'));
    walk(join(dir, 'processors'));
    walk(join(dir, 'test'));
  }
  const { config } = ts.readConfigFile(join(built.get(examples[0]!)!.dir, 'tsconfig.json'), ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(config, ts.sys, built.get(examples[0]!)!.dir);
  const program = ts.createProgram(files, options);
  const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => `${d.file?.fileName ?? ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
  expect(diagnostics).toEqual([]);
}, 180_000);

