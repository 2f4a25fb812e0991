/**
 * HEAVY (about half a minute): the reference lake's three Lambda functions, as `cdk synth` bundles
 * them, against AWS APIs served by moto's server on 127.0.0.1 (Glue, Athena, S3, STS, Lake
 * Formation), run the way Lambda runs them: the catalog custom resources through create, update,
 * drift (in Glue and in the Iceberg metadata) and delete with the properties CloudFormation would
 * pass them (taken from the synthesized template), and a FAILED answer before the timeout when
 * Glue does not answer; the permissions check on IAMAllowedPrincipals grants; the catalog API end
 * to end as an api persona (assume the persona's role, list, describe, start a bounded manifest,
 * fetch its pre-signed links, refuse an unbound manifest id and a foreign account).
 *
 * What moto does not serve, and so is not proven here: Lake Formation's enforcement (moto keeps
 * grants as bookkeeping; no column or row filtering of GetTable or of query results), Athena's
 * execution (queries succeed without running: the UNLOAD's files are put in S3 by the test), the
 * Iceberg metadata Glue writes on CreateTable with an IcebergInput (the test writes it as Glue
 * would, format v2), and Glue UpdateTable with an UpdateOpenTableFormatInput (the `set-properties`
 * change of an Iceberg property: moto requires a TableInput), which is covered by the generated
 * project's tests on a fake.
 *
 * The Flink control function runs against moto's EventBridge Scheduler and a FAKE of Managed
 * Service for Apache Flink (support/flinkFake.ts): moto does not serve UpdateApplication or
 * StartApplication, so what the real service does on them (a snapshot, a restart at the new
 * parallelism) is proven only in an AWS account.
 */
import { AthenaClient, CreateWorkGroupCommand } from '@aws-sdk/client-athena';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateDatabaseCommand, CreateTableCommand, GetDatabaseCommand, GetTableCommand, GlueClient, UpdateTableCommand } from '@aws-sdk/client-glue';
import { GrantPermissionsCommand, LakeFormationClient, PutDataLakeSettingsCommand, RevokePermissionsCommand } from '@aws-sdk/client-lakeformation';
import { DeleteScheduleCommand, GetScheduleCommand, ListSchedulesCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withoutHeader } from '../../compiler/codegen/files.ts';
import { bundle, invoke, lambdaEnv, responseEndpoint, type FunctionBundle } from './support/functions.ts';
import { startFlinkFake, type FlinkFake } from './support/flinkFake.ts';
import { motoAccount, startMoto, type Moto } from './support/moto.ts';
import { buildExample, mergedTemplate, synthesize, type Template } from './support/out.ts';
import { projectPolicies, type ProjectPolicies } from './support/policies.ts';

const region = 'us-east-1';
let moto: Moto;
let template: Template;
let dir: string;
let resources: FunctionBundle;
let api: FunctionBundle;
let check: FunctionBundle;
let lf: LakeFormationClient;
let control: FunctionBundle;
let glue: GlueClient;
let s3: S3Client;
let athena: AthenaClient;
let endpoint: Awaited<ReturnType<typeof responseEndpoint>>;

beforeAll(async () => {
  moto = await startMoto();
  dir = buildExample('examples/audit-surveillance.lake').dir;
  const s = await synthesize(dir, { outdir: 'cdk.out.moto' });
  template = mergedTemplate(s);
  ({ resolveValue } = await projectPolicies(dir));
  resources = bundle(s, /^CatalogResourcesFunction/);
  api = bundle(s, /^ConsumptionCatalogApiFunction/);
  check = bundle(s, /^GovernancePermissionsCheckFunction/);
  control = bundle(s, /^FlinkControlFunction/);
  const client = { endpoint: moto.endpoint, region, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } };
  glue = new GlueClient(client);
  s3 = new S3Client({ ...client, forcePathStyle: true });
  athena = new AthenaClient(client);
  lf = new LakeFormationClient(client);
  endpoint = await responseEndpoint();
}, 180_000);

afterAll(async () => {
  await endpoint?.close();
  await moto?.stop();
});

interface GlueInput {
  readonly TableInput: { readonly StorageDescriptor: { readonly Columns: { Name: string; Type: string }[]; readonly Location: string } };
  readonly OpenTableFormatInput: { readonly IcebergInput: { readonly CreateIcebergTableInput: { readonly Location: string; readonly Schema: { Fields: { Id: number; Name: string; Type: unknown; Required: boolean; Doc?: string }[]; IdentifierFieldIds?: number[] }; readonly PartitionSpec?: { Fields: { SourceId: number; Transform: string; Name: string; FieldId: number }[] }; readonly Properties?: Record<string, string> } } };
}

/** The Iceberg metadata (format v2) Glue writes for a CreateTable input: what moto does not do. */
function icebergMetadataOf(input: GlueInput) {
  const c = input.OpenTableFormatInput.IcebergInput.CreateIcebergTableInput;
  return {
    'format-version': 2,
    'table-uuid': '5b7e8a8e-0d6b-4d8f-9a55-0a3f0e4f2a11',
    location: c.Location.replace(/\/$/, ''),
    'last-sequence-number': 0,
    'last-updated-ms': 1714550400000,
    'last-column-id': c.Schema.Fields.length,
    'current-schema-id': 0,
    schemas: [{ type: 'struct', 'schema-id': 0, 'identifier-field-ids': c.Schema.IdentifierFieldIds ?? [], fields: c.Schema.Fields.map((f) => ({ id: f.Id, name: f.Name, required: f.Required, type: typeof f.Type === 'string' ? f.Type.replace(/decimal\((\d+),(\d+)\)/, 'decimal($1, $2)') : f.Type, ...(f.Doc !== undefined ? { doc: f.Doc } : {}) })) }],
    'default-spec-id': 0,
    'partition-specs': [{ 'spec-id': 0, fields: (c.PartitionSpec?.Fields ?? []).map((f) => ({ name: f.Name, transform: f.Transform, 'source-id': f.SourceId, 'field-id': f.FieldId })) }],
    'last-partition-id': 1001,
    'default-sort-order-id': 0,
    'sort-orders': [{ 'order-id': 0, fields: [] }],
    properties: { ...(c.Properties ?? {}) },
    'current-snapshot-id': -1,
    snapshots: [],
  };
}

let resolveValue: ProjectPolicies['resolveValue'];

/** A template value as CloudFormation would resolve it in moto's account and the lake's region (the project's own resolver). */
function resolve(v: unknown): unknown {
  return resolveValue(template, v, { account: motoAccount, region });
}

/** The custom resources of a type, with the properties CloudFormation would send (less the service token and timeout). */
function customResources(type: string): { id: string; properties: Record<string, any> }[] {
  return Object.entries(template.Resources).filter(([, r]) => r.Type === type).map(([id, r]) => {
    const { ServiceToken: _token, ServiceTimeout: _timeout, ...properties } = r.Properties!;
    return { id, properties: resolve(properties) as Record<string, string> };
  });
}

const env = (): Record<string, string> => lambdaEnv({ AWS_ENDPOINT_URL: moto.endpoint, AWS_REGION: region });

let request = 0;
async function cfn(type: string, requestType: 'Create' | 'Update' | 'Delete', id: string, properties: Record<string, unknown>, extra: Record<string, unknown> = {}, fn: FunctionBundle = resources): Promise<any> {
  const requestId = `r${++request}`;
  const event = { RequestType: requestType, ResourceType: type, ResponseURL: `${endpoint.url}/${requestId}`, StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/AuditSurveillanceLake/x', RequestId: requestId, LogicalResourceId: id, ResourceProperties: properties, ...extra };
  const out = await invoke(fn, event, env());
  expect(out.error, JSON.stringify(out)).toBeUndefined();
  // The answer CloudFormation receives is the one the handler returns.
  const sent = endpoint.responses.filter((r) => r.url === `/response/${requestId}`);
  expect(sent.length).toBe(1);
  expect(sent[0]).toMatchObject({ method: 'PUT', Status: out.result.Status, RequestId: requestId, LogicalResourceId: id });
  return out.result;
}

describe('the catalog custom resources', () => {
  it("Custom::AthenaDefaultDatabase creates Athena's default database when the account has none, finds it after, keeps it on delete", async () => {
    const [db] = customResources('Custom::AthenaDefaultDatabase');
    expect(db!.properties).toEqual({ Database: 'default' });
    await expect(glue.send(new GetDatabaseCommand({ Name: 'default' }))).rejects.toThrow(/not found|EntityNotFound/i);
    expect(await cfn('Custom::AthenaDefaultDatabase', 'Create', db!.id, db!.properties)).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'default', Data: { Created: 'true' } });
    const created = await glue.send(new GetDatabaseCommand({ Name: 'default' }));
    expect(created.Database?.CreateTableDefaultPermissions).toEqual([]);
    expect(await cfn('Custom::AthenaDefaultDatabase', 'Update', db!.id, db!.properties, { PhysicalResourceId: 'default', OldResourceProperties: db!.properties })).toMatchObject({ Status: 'SUCCESS', Data: { Created: 'false' } });
    expect(await cfn('Custom::AthenaDefaultDatabase', 'Delete', db!.id, db!.properties, { PhysicalResourceId: 'default' })).toMatchObject({ Status: 'SUCCESS' });
    await glue.send(new GetDatabaseCommand({ Name: 'default' }));
  }, 60_000);

  it('Custom::IcebergTable creates the table with Glue CreateTable, leaves it alone on update, fails on every drift it cannot apply with the differences, keeps it on delete', async () => {
    const [trades] = customResources('Custom::IcebergTable');
    const p = trades!.properties;
    expect([p['Database'], p['Table']]).toEqual(['audit_surveillance_curated', 'trades']);
    const input = JSON.parse(p['Input']!) as GlueInput;
    expect(input.TableInput.StorageDescriptor.Location).toBe(`s3://audit-surveillance-curated-${motoAccount}-us-east-1/trades/`);
    expect(input.OpenTableFormatInput.IcebergInput.CreateIcebergTableInput.Location).toBe(input.TableInput.StorageDescriptor.Location);
    // CloudFormation creates the zone's database (AWS::Glue::Database) and bucket before the table.
    await glue.send(new CreateDatabaseCommand({ DatabaseInput: { Name: 'audit_surveillance_curated' } }));
    const bucket = `audit-surveillance-curated-${motoAccount}-us-east-1`;
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));

    const created = await cfn('Custom::IcebergTable', 'Create', trades!.id, p);
    expect(created).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'audit_surveillance_curated.trades', Data: { Table: 'audit_surveillance_curated.trades' } });
    let live = (await glue.send(new GetTableCommand({ DatabaseName: 'audit_surveillance_curated', Name: 'trades' }))).Table!;
    expect(live.Parameters?.['table_type']).toBe('ICEBERG');
    expect(live.StorageDescriptor?.Columns?.map((c) => c.Name)).toEqual(input.TableInput.StorageDescriptor.Columns.map((c) => c.Name));

    // What Glue does and moto does not: write the table's first Iceberg metadata and point at it.
    const metadataKey = 'trades/metadata/00000-7e3c.metadata.json';
    const writeMetadata = (m: unknown) => s3.send(new PutObjectCommand({ Bucket: bucket, Key: metadataKey, Body: JSON.stringify(m) }));
    await writeMetadata(icebergMetadataOf(input));
    const setParameters = async (parameters: Record<string, string>, columns = input.TableInput.StorageDescriptor.Columns) => {
      await glue.send(new UpdateTableCommand({ DatabaseName: 'audit_surveillance_curated', TableInput: { Name: 'trades', TableType: 'EXTERNAL_TABLE', Description: live.Description, Owner: live.Owner, Parameters: parameters, StorageDescriptor: { ...live.StorageDescriptor, Columns: columns } } }));
      live = (await glue.send(new GetTableCommand({ DatabaseName: 'audit_surveillance_curated', Name: 'trades' }))).Table!;
    };
    await setParameters({ ...live.Parameters, metadata_location: `s3://${bucket}/${metadataKey}` });

    const update = { PhysicalResourceId: created.PhysicalResourceId, OldResourceProperties: p };
    expect(await cfn('Custom::IcebergTable', 'Update', trades!.id, p, update)).toMatchObject({ Status: 'SUCCESS' });
    expect((await glue.send(new GetTableCommand({ DatabaseName: 'audit_surveillance_curated', Name: 'trades' }))).Table?.VersionId).toBe(live.VersionId);

    // Someone changed the live table in Glue: a column's type and a dropped column.
    const columns = input.TableInput.StorageDescriptor.Columns.filter((c) => c.Name !== 'venue').map((c) => (c.Name === 'quantity' ? { ...c, Type: 'double' } : c));
    await setParameters(live.Parameters!, columns);
    const drifted = await cfn('Custom::IcebergTable', 'Update', trades!.id, p, update);
    expect(drifted.Status).toBe('FAILED');
    expect(drifted.Reason).toContain('column quantity is double, the spec says decimal(18,4)');
    expect(drifted.Reason).toContain('column venue is missing');
    expect(drifted.Reason).toMatch(/migrate it first/);
    // An update that fails keeps the physical id (CloudFormation then rolls back, deleting nothing).
    expect(drifted.PhysicalResourceId).toBe('audit_surveillance_curated.trades');
    await setParameters(live.Parameters!);

    // What Athena DDL or another engine could change in the metadata, and the spec no longer says:
    // the partition spec, the location, a column's nullability. Each is named.
    const m = icebergMetadataOf(input);
    await writeMetadata({ ...m, location: `s3://${bucket}/elsewhere`, 'partition-specs': [{ 'spec-id': 0, fields: [{ name: 'valid_from_month', transform: 'month', 'source-id': 9, 'field-id': 1000 }] }], schemas: m.schemas.map((sc) => ({ ...sc, fields: sc.fields.map((f) => (f.name === 'venue' ? { ...f, required: true } : f)) })) });
    const metadataDrift = await cfn('Custom::IcebergTable', 'Update', trades!.id, p, update);
    expect(metadataDrift.Status).toBe('FAILED');
    expect(metadataDrift.Reason).toContain('it is partitioned by [month(valid_from) as valid_from_month], the spec by [day(valid_from) as valid_from_day, bucket[16](trade_id) as trade_id_bucket]');
    expect(metadataDrift.Reason).toContain(`its Iceberg location is s3://${bucket}/elsewhere`);
    expect(metadataDrift.Reason).toContain('column venue is required, the spec says optional');
    await writeMetadata(m);

    // A create that finds a table with another schema fails, under an id rollback cannot reach.
    await setParameters(live.Parameters!, columns);
    const refused = await cfn('Custom::IcebergTable', 'Create', trades!.id, p);
    expect(refused).toMatchObject({ Status: 'FAILED', PhysicalResourceId: 'failed:audit_surveillance_curated.trades' });
    await setParameters(live.Parameters!);

    expect(await cfn('Custom::IcebergTable', 'Delete', trades!.id, p, { PhysicalResourceId: created.PhysicalResourceId })).toMatchObject({ Status: 'SUCCESS', Reason: 'the table and its data are kept' });
    await glue.send(new GetTableCommand({ DatabaseName: 'audit_surveillance_curated', Name: 'trades' }));
  }, 90_000);

  it('answers FAILED before the function times out when Glue does not answer (instead of leaving CloudFormation waiting)', async () => {
    const [trades] = customResources('Custom::IcebergTable');
    // A Glue endpoint that accepts connections and never answers.
    const silent = createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    try {
      const requestId = `r${++request}`;
      const event = { RequestType: 'Update', ResourceType: 'Custom::IcebergTable', ResponseURL: `${endpoint.url}/${requestId}`, StackId: 'stack', RequestId: requestId, LogicalResourceId: trades!.id, PhysicalResourceId: 'audit_surveillance_curated.trades', ResourceProperties: trades!.properties, OldResourceProperties: trades!.properties };
      // The function as if it had 8 s left: the answer must come before then.
      const out = await invoke(resources, event, { ...env(), AWS_ENDPOINT_URL_GLUE: `http://127.0.0.1:${(silent.address() as { port: number }).port}` }, 8_000);
      expect(out.error).toBeUndefined();
      expect(out.result).toMatchObject({ Status: 'FAILED', Reason: expect.stringMatching(/did not finish within \d+ s \(an AWS call did not answer in time\)/) });
      expect(endpoint.responses.filter((r) => r.url === `/response/${requestId}`)).toHaveLength(1);
    } finally {
      silent.closeAllConnections?.();
      await new Promise((r) => silent.close(r));
    }
  }, 60_000);

  it('a table that disappeared is not silently recreated by an update, and bad input is a FAILED answer', async () => {
    const [trades] = customResources('Custom::IcebergTable');
    const p = { ...trades!.properties, Table: 'gone' };
    const input = trades!.properties['Input']!.replace('"Name":"trades"', '"Name":"gone"');
    const gone = await cfn('Custom::IcebergTable', 'Update', trades!.id, { ...p, Input: input }, { PhysicalResourceId: 'audit_surveillance_curated.gone', OldResourceProperties: { ...p, Input: input } });
    expect(gone.Status).toBe('FAILED');
    expect(gone.Reason).toMatch(/no longer exists/);
    const bad = await cfn('Custom::IcebergTable', 'Create', trades!.id, { ...trades!.properties, Input: '{not json' });
    expect(bad).toMatchObject({ Status: 'FAILED' });
    expect(bad.Reason).toMatch(/is not JSON/);
  }, 60_000);
});

describe('the permissions check', () => {
  it('passes while IAMAllowedPrincipals holds nothing on the lake, fails naming what it holds and how to revoke it, and checks the defaults when the stack replaces the settings', async () => {
    const [c] = customResources('Custom::LakePermissionsCheck');
    expect(c!.properties['Databases']).toEqual(['audit_surveillance_curated', 'audit_surveillance_raw', 'audit_surveillance_transformed']);
    expect(await cfn('Custom::LakePermissionsCheck', 'Create', c!.id, c!.properties, {}, check)).toMatchObject({ Status: 'SUCCESS', Data: { Checked: '6' } });

    // What the account's defaults give a new database, and what an old grant left on a table.
    const iap = { DataLakePrincipalIdentifier: 'IAM_ALLOWED_PRINCIPALS' };
    const database = { Database: { Name: 'audit_surveillance_raw' } };
    const table = { Table: { DatabaseName: 'audit_surveillance_curated', Name: 'trades' } };
    await lf.send(new GrantPermissionsCommand({ Principal: iap, Resource: database, Permissions: ['ALL'] }));
    await lf.send(new GrantPermissionsCommand({ Principal: iap, Resource: table, Permissions: ['SELECT', 'DESCRIBE'] }));
    // Another principal's grants are not the check's business.
    await lf.send(new GrantPermissionsCommand({ Principal: { DataLakePrincipalIdentifier: `arn:aws:iam::${motoAccount}:role/someone` }, Resource: table, Permissions: ['SELECT'] }));
    const failed = await cfn('Custom::LakePermissionsCheck', 'Update', c!.id, c!.properties, { PhysicalResourceId: 'lake-permissions-check', OldResourceProperties: c!.properties }, check);
    expect(failed.Status).toBe('FAILED');
    expect(failed.Reason).toContain('database audit_surveillance_raw: ALL');
    expect(failed.Reason).toContain('table audit_surveillance_curated.trades: DESCRIBE, SELECT');
    expect(failed.Reason).not.toContain('someone');
    expect(failed.Reason).toContain(`aws lakeformation revoke-permissions --principal DataLakePrincipalIdentifier=IAM_ALLOWED_PRINCIPALS --resource '{"Database":{"Name":"audit_surveillance_raw"}}' --permissions ALL`);

    await lf.send(new RevokePermissionsCommand({ Principal: iap, Resource: database, Permissions: ['ALL'] }));
    await lf.send(new RevokePermissionsCommand({ Principal: iap, Resource: table, Permissions: ['SELECT', 'DESCRIBE'] }));
    expect(await cfn('Custom::LakePermissionsCheck', 'Update', c!.id, c!.properties, { PhysicalResourceId: 'lake-permissions-check', OldResourceProperties: c!.properties }, check)).toMatchObject({ Status: 'SUCCESS' });

    // With `replace`, the account's defaults must be empty too (CloudFormation is reported not to clear them).
    await lf.send(new PutDataLakeSettingsCommand({ DataLakeSettings: { DataLakeAdmins: [], CreateTableDefaultPermissions: [{ Principal: iap, Permissions: ['ALL'] }], CreateDatabaseDefaultPermissions: [] } }));
    expect(await cfn('Custom::LakePermissionsCheck', 'Update', c!.id, c!.properties, { PhysicalResourceId: 'lake-permissions-check', OldResourceProperties: c!.properties }, check)).toMatchObject({ Status: 'SUCCESS' });
    const replaced = await cfn('Custom::LakePermissionsCheck', 'Update', c!.id, { ...c!.properties, Settings: 'replace' }, { PhysicalResourceId: 'lake-permissions-check', OldResourceProperties: c!.properties }, check);
    expect(replaced.Status).toBe('FAILED');
    expect(replaced.Reason).toMatch(/new tables still grant IAMAllowedPrincipals by default/);
    await lf.send(new PutDataLakeSettingsCommand({ DataLakeSettings: { DataLakeAdmins: [], CreateTableDefaultPermissions: [], CreateDatabaseDefaultPermissions: [] } }));
    expect(await cfn('Custom::LakePermissionsCheck', 'Delete', c!.id, c!.properties, { PhysicalResourceId: 'lake-permissions-check' }, check)).toMatchObject({ Status: 'SUCCESS' });
  }, 60_000);
});

describe('the catalog API', () => {
  const persona = 'audit_surveillance-compliance_service';
  const caller = (role: string, account = motoAccount) => `arn:aws:sts::${account}:assumed-role/${role}/alice`;
  const call = async (routeKey: string, role: string, pathParameters: Record<string, string> = {}, body?: unknown, account = motoAccount): Promise<{ statusCode: number; body: any }> => {
    const fn = Object.values(template.Resources).find((r) => r.Type === 'AWS::Lambda::Function' && /catalog and issues manifests/.test(String(r.Properties?.['Description'])))!;
    const variables = resolve(fn.Properties!['Environment'].Variables) as Record<string, string>;
    expect(Object.keys(variables).sort()).toEqual(['LAKE_ACCOUNT', 'LINK_TTL_SECONDS', 'MANIFEST_MAX_DAYS', 'PERSONA_ROLES', 'RESULTS_BUCKET']);
    const event = { routeKey, pathParameters, ...(body !== undefined ? { body: JSON.stringify(body) } : {}), requestContext: { requestId: `api-${++request}`, authorizer: { iam: { userArn: caller(role, account), accountId: account } } } };
    const out = await invoke(api, event, { ...env(), ...variables });
    expect(out.error, JSON.stringify(out)).toBeUndefined();
    expect(out.result.headers['content-type']).toBe('application/json');
    return { statusCode: out.result.statusCode, body: JSON.parse(out.result.body) };
  };

  it('answers an api persona end to end as that persona: its datasets, a dataset\'s columns, a manifest of pre-signed links', async () => {
    // What CloudFormation and the lake's writers would have made: the raw table, the results
    // bucket and the workgroups.
    const raw = withoutHeader(JSON.parse(readFileSync(join(dir, 'glue', 'raw.trade_events_raw.json'), 'utf8')) as Record<string, unknown>);
    await glue.send(new CreateDatabaseCommand({ DatabaseInput: { Name: raw['DatabaseName'] as string } })).catch(() => undefined);
    await glue.send(new CreateTableCommand(JSON.parse(JSON.stringify(raw).split('${AWS::AccountId}').join(motoAccount))));
    const results = resolve({ Ref: Object.entries(template.Resources).find(([, r]) => r.Type === 'AWS::S3::Bucket' && /lakec-results/.test(JSON.stringify(r.Properties?.['BucketName'])))![0] }) as string;
    await s3.send(new CreateBucketCommand({ Bucket: results }));
    for (const [, wg] of Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::Athena::WorkGroup')) {
      const name = resolve(wg.Properties!['Name']) as string;
      const output = resolve(wg.Properties!['WorkGroupConfiguration'].ResultConfiguration.OutputLocation) as string;
      await athena.send(new CreateWorkGroupCommand({ Name: name, Configuration: { ResultConfiguration: { OutputLocation: output } } }));
    }

    expect((await call('GET /datasets', 'someone-else')).statusCode).toBe(403);
    // The persona's role name in another account is no persona of this lake.
    expect((await call('GET /datasets', persona, {}, undefined, '999999999999')).statusCode).toBe(403);

    // `trades` is in Glue: the custom resource created it above.

    const list = await call('GET /datasets', persona);
    expect(list.statusCode).toBe(200);
    expect(list.body.persona).toBe('compliance_service');
    expect(list.body.datasets.map((d: { dataset: string }) => d.dataset)).toEqual(['trades']);
    expect(list.body.datasets[0].rowFilters).toEqual(["venue <> 'TEST'"]);

    const described = await call('GET /datasets/{dataset}', persona, { dataset: 'trades' });
    expect(described.statusCode).toBe(200);
    // moto does not apply Lake Formation's column filtering to GetTable: it lists every column.
    expect(described.body.columns.map((c: { name: string }) => c.name)).toContain('trade_id');
    expect((await call('GET /datasets/{dataset}', persona, { dataset: 'accounts' })).statusCode).toBe(404);

    // `trades` is partitioned by day(valid_from): a manifest needs a bounded range.
    const unbounded = await call('POST /datasets/{dataset}/manifests', persona, { dataset: 'trades' });
    expect(unbounded).toMatchObject({ statusCode: 400, body: { message: expect.stringMatching(/needs a time range on valid_from/) } });
    expect((await call('POST /datasets/{dataset}/manifests', persona, { dataset: 'trades' }, { from: '2024-05-01', to: '2024-06-01' })).statusCode).toBe(400);
    const started = await call('POST /datasets/{dataset}/manifests', persona, { dataset: 'trades' }, { from: '2024-05-01T00:00:00Z', to: '2024-05-02T00:00:00Z' });
    expect(started.statusCode).toBe(202);
    const [folder, queryId] = (started.body.manifest as string).split('.');
    // Athena's UNLOAD is not run by moto: its output, as it would write it.
    await s3.send(new PutObjectCommand({ Bucket: results, Key: `manifests/audit_surveillance-compliance_service/${folder}/part-00000.parquet`, Body: 'PAR1 rows' }));
    // The query moto recorded is the bounded UNLOAD into that folder.
    const { GetQueryExecutionCommand, StartQueryExecutionCommand } = await import('@aws-sdk/client-athena');
    const recorded = (await athena.send(new GetQueryExecutionCommand({ QueryExecutionId: queryId }))).QueryExecution!;
    expect(recorded.Query).toContain(`WHERE "valid_from" >= TIMESTAMP '2024-05-01 00:00:00.000' AND "valid_from" < TIMESTAMP '2024-05-02 00:00:00.000') TO 's3://${results}/manifests/audit_surveillance-compliance_service/${folder}/'`);
    // The folder paired with an unrelated query of the same workgroup is no manifest.
    const other = (await athena.send(new StartQueryExecutionCommand({ QueryString: 'SELECT 1', WorkGroup: 'audit_surveillance-compliance_service' }))).QueryExecutionId!;
    expect((await call('GET /datasets/{dataset}/manifests/{manifest}', persona, { dataset: 'trades', manifest: `${folder}.${other}` })).statusCode).toBe(404);
    const manifest = await call('GET /datasets/{dataset}/manifests/{manifest}', persona, { dataset: 'trades', manifest: started.body.manifest });
    expect(manifest.statusCode).toBe(200);
    expect(manifest.body).toMatchObject({ status: 'SUCCEEDED', dataset: 'trades', format: 'parquet', rowFilters: ["venue <> 'TEST'"] });
    expect(manifest.body.files.map((f: { key: string }) => f.key)).toEqual(['part-00000.parquet']);
    // The link is pre-signed for the persona's session and fetches the file.
    const url = manifest.body.files[0].url as string;
    expect(url).toContain('X-Amz-Signature=');
    expect(url).toContain('X-Amz-Expires=900');
    expect(await (await fetch(url)).text()).toBe('PAR1 rows');
  }, 120_000);
});

describe('the Flink control function (EventBridge Scheduler: moto; Managed Flink: a fake, which moto lacks)', () => {
  const app = 'audit_surveillance-trades';
  const schedulerRole = `arn:aws:iam::${motoAccount}:role/audit-surveillance-flink-scheduler`;
  const functionArn = `arn:aws:lambda:${region}:${motoAccount}:function:audit_surveillance-flink-control`;
  let fake: FlinkFake;
  let scheduler: SchedulerClient;

  beforeAll(async () => {
    fake = await startFlinkFake();
    scheduler = new SchedulerClient({ endpoint: moto.endpoint, region, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
  });
  afterAll(async () => {
    await fake?.close();
  });

  // Every other endpoint is unreachable: a call this test does not expect fails.
  const controlEnv = (): Record<string, string> => lambdaEnv({ AWS_ENDPOINT_URL: 'http://127.0.0.1:9', AWS_ENDPOINT_URL_KINESIS_ANALYTICS_V2: fake.endpoint, AWS_ENDPOINT_URL_SCHEDULER: moto.endpoint, AWS_REGION: region, SCHEDULER_ROLE_ARN: schedulerRole, SCHEDULE_GROUP: 'default' });
  const run = async (event: unknown): Promise<any> => {
    const out = await invoke(control, event, controlEnv(), undefined, functionArn);
    expect(out.error, JSON.stringify(out)).toBeUndefined();
    return out.result;
  };
  /** The scaling request of the application's peak schedule, as the template gives it. */
  const peak = (): any => {
    const found = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Scheduler::Schedule' && String(r.Properties?.['Target']?.Input).includes(`"application":"${app}"`));
    expect(found.length).toBe(1);
    return JSON.parse(found[0]!.Properties!['Target'].Input as string);
  };
  const updates = (): any[] => fake.calls.filter((c) => c.operation === 'UpdateApplication').map((c) => c.input);
  const running = (versionId: number, parallelism: number): void => {
    fake.applications.set(app, { status: 'RUNNING', versionId, parallelism, parallelismPerKpu: 1, autoScaling: false, pending: [] });
  };

  it('the stack gives the function its scheduler role and group, and the peak schedule its scaling request', () => {
    const fn = Object.entries(template.Resources).find(([id, r]) => r.Type === 'AWS::Lambda::Function' && /^FlinkControlFunction/.test(id))![1];
    expect(Object.keys(fn.Properties!['Environment'].Variables).sort()).toEqual(['SCHEDULER_ROLE_ARN', 'SCHEDULE_GROUP']);
    expect(peak()).toEqual({ lakec: 'scale', application: app, kpu: 64, schedule: 'audit_surveillance-trades-peak-1', durationSeconds: 7200, baselineKpu: 2, endSchedule: 'audit_surveillance-trades-peak-1-end' });
  });

  it('a peak scales a RUNNING application to its KPU at its current version id (CUSTOM, autoscaling off) and schedules the way back `for` later; that schedule scales it back', async () => {
    running(7, 2);
    const before = Math.floor(Date.now() / 1000);
    const up = await run(peak());
    const after = Math.ceil(Date.now() / 1000);
    expect(up).toMatchObject({ application: app, action: 'scaled', status: 'RUNNING', parallelism: 64 });
    expect(updates().at(-1)).toEqual({
      ApplicationName: app,
      CurrentApplicationVersionId: 7,
      ApplicationConfigurationUpdate: { FlinkApplicationConfigurationUpdate: { ParallelismConfigurationUpdate: { ConfigurationTypeUpdate: 'CUSTOM', ParallelismUpdate: 64, ParallelismPerKPUUpdate: 1, AutoScalingEnabledUpdate: false } } },
      RunConfigurationUpdate: { FlinkRunConfiguration: { AllowNonRestoredState: false }, ApplicationRestoreConfiguration: { ApplicationRestoreType: 'RESTORE_FROM_LATEST_SNAPSHOT' } },
    });
    expect(fake.applications.get(app)).toMatchObject({ parallelism: 64, versionId: 8 });

    // The way back: a one-time schedule in UTC, 2 hours later, calling this function.
    const end = await scheduler.send(new GetScheduleCommand({ Name: 'audit_surveillance-trades-peak-1-end', GroupName: 'default' }));
    const at = /^at\((\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)\)$/.exec(end.ScheduleExpression ?? '')?.[1];
    expect(at, end.ScheduleExpression).toBeDefined();
    const seconds = Date.parse(`${at}Z`) / 1000;
    expect(seconds).toBeGreaterThanOrEqual(before + 7200);
    expect(seconds).toBeLessThanOrEqual(after + 7200);
    expect(end).toMatchObject({ ScheduleExpressionTimezone: 'UTC', ActionAfterCompletion: 'DELETE', FlexibleTimeWindow: { Mode: 'OFF' }, Target: { Arn: functionArn, RoleArn: schedulerRole } });
    const back = JSON.parse(end.Target!.Input!);
    expect(back).toEqual({ lakec: 'scale', application: app, kpu: 2, schedule: 'audit_surveillance-trades-peak-1-end' });

    expect(await run(back)).toMatchObject({ action: 'scaled', parallelism: 2 });
    expect(updates().at(-1)).toMatchObject({ CurrentApplicationVersionId: 8, ApplicationConfigurationUpdate: { FlinkApplicationConfigurationUpdate: { ParallelismConfigurationUpdate: { ParallelismUpdate: 2 } } } });
    // Already at the size asked for: nothing to update.
    const count = updates().length;
    expect(await run(back)).toMatchObject({ action: 'unchanged', parallelism: 2 });
    expect(updates().length).toBe(count);
  }, 60_000);

  it('the next peak moves a pending end schedule instead of failing on it', async () => {
    running(20, 2);
    await scheduler.send(new GetScheduleCommand({ Name: 'audit_surveillance-trades-peak-1-end', GroupName: 'default' }));
    expect(await run(peak())).toMatchObject({ action: 'scaled', parallelism: 64 });
    const list = await scheduler.send(new ListSchedulesCommand({ GroupName: 'default', NamePrefix: 'audit_surveillance-trades-peak-1-end' }));
    expect(list.Schedules?.map((x) => x.Name)).toEqual(['audit_surveillance-trades-peak-1-end']);
  }, 60_000);

  it('acts only on a RUNNING application: a stopped one (READY) is left alone and no end is scheduled; a missing one is reported', async () => {
    await scheduler.send(new DeleteScheduleCommand({ Name: 'audit_surveillance-trades-peak-1-end', GroupName: 'default' }));
    fake.applications.set(app, { status: 'READY', versionId: 30, parallelism: 2, parallelismPerKpu: 1, autoScaling: false, pending: [] });
    const count = updates().length;
    const r = await run(peak());
    expect(r).toMatchObject({ action: 'skipped', status: 'READY' });
    expect(r.message).toMatch(/not RUNNING/);
    expect(updates().length).toBe(count);
    await expect(scheduler.send(new GetScheduleCommand({ Name: 'audit_surveillance-trades-peak-1-end', GroupName: 'default' }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    expect(await run({ ...peak(), application: 'audit_surveillance-gone' })).toMatchObject({ action: 'skipped', status: 'MISSING' });
  }, 60_000);

  it('waits while the application is busy, and reads it again when its version moved on before the update', async () => {
    running(40, 2);
    fake.applications.get(app)!.pending.push('UPDATING');
    fake.applications.get(app)!.concurrentChange = true;
    const count = updates().length;
    // One poll interval (15 s) passes while the application reports UPDATING.
    expect(await run(peak())).toMatchObject({ action: 'scaled', parallelism: 64 });
    expect(updates().slice(count).map((u) => u.CurrentApplicationVersionId)).toEqual([40, 41]);
    expect(fake.applications.get(app)).toMatchObject({ parallelism: 64, versionId: 42 });
  }, 120_000);

  it('Custom::FlinkApplicationStart starts a new application without a snapshot, a stopped one from its latest snapshot on update, leaves a running one, and fails for a missing one', async () => {
    const start = async (requestType: 'Create' | 'Update', name: string): Promise<any> => {
      const requestId = `start-${++request}`;
      const event = { RequestType: requestType, ResourceType: 'Custom::FlinkApplicationStart', ResponseURL: `${endpoint.url}/${requestId}`, StackId: 'stack', RequestId: requestId, LogicalResourceId: 'Start', ResourceProperties: { ApplicationName: name }, ...(requestType === 'Update' ? { PhysicalResourceId: `start:${name}`, OldResourceProperties: { ApplicationName: name } } : {}) };
      const result = await run(event);
      expect(endpoint.responses.filter((x) => x.url === `/response/${requestId}`)).toMatchObject([{ Status: result.Status }]);
      return result;
    };
    const starts = (): any[] => fake.calls.filter((c) => c.operation === 'StartApplication').map((c) => c.input);
    fake.applications.set(app, { status: 'READY', versionId: 1, parallelism: 2, parallelismPerKpu: 1, autoScaling: false, pending: [] });
    expect(await start('Create', app)).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: `start:${app}` });
    expect(starts().at(-1)).toEqual({ ApplicationName: app, RunConfiguration: { FlinkRunConfiguration: { AllowNonRestoredState: false }, ApplicationRestoreConfiguration: { ApplicationRestoreType: 'SKIP_RESTORE_FROM_SNAPSHOT' } } });
    expect(fake.applications.get(app)!.status).toBe('RUNNING');
    const count = starts().length;
    expect(await start('Update', app)).toMatchObject({ Status: 'SUCCESS' });
    expect(starts().length).toBe(count);
    fake.applications.get(app)!.status = 'READY';
    expect(await start('Update', app)).toMatchObject({ Status: 'SUCCESS' });
    expect(starts().at(-1)!.RunConfiguration.ApplicationRestoreConfiguration).toEqual({ ApplicationRestoreType: 'RESTORE_FROM_LATEST_SNAPSHOT' });
    expect(await start('Create', 'audit_surveillance-gone')).toMatchObject({ Status: 'FAILED' });
  }, 120_000);
});
