/**
 * What the deployment review found, decided offline on the reference lake's generated app: the
 * `lakec:*` context is parsed and checked (an admins list from the CLI is a JSON string; no admin
 * stops synthesis with a message), IAM Identity Center roles are matched exactly, QuickSight is
 * opt-in and given what it needs, and an edited row filter becomes a new filter and grant
 * instead of a replacement that fails. Syntheses here skip bundling: they look at resources the
 * functions' code does not change (synth.test.ts synthesizes with bundling).
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileText, root } from '../support/compile.ts';
import { buildExample, buildModel, mergedTemplate, synthesize, type Template } from './support/out.ts';

/** What these tests use of the generated infra/context.ts and infra/constructs/governance.ts. */
interface Context {
  LakeContextError: new (...args: never[]) => Error;
  parseAdmins(value: unknown): string[];
  parseBoolean(key: string, value: unknown, fallback: boolean): boolean;
  parseCutoff(value: unknown, fallback: number): number;
  parseRegion(key: string, value: unknown, fallback: string): string;
  parseSettingsMode(value: unknown): 'append' | 'replace';
  parseManifestMaxDays(value: unknown, fallback: number): number;
  parseFlinkJar(value: unknown, flink: FlinkDefinition): string;
}
interface FlinkDefinition {
  readonly jar: string;
  readonly build: string;
  readonly kinesisSourceEntry: string;
}
interface StandInJar {
  emptyZip(names: readonly string[]): Buffer;
  standInJar(entry: string, dir?: string): string;
}
interface Governance {
  ssoRolePatterns(partition: string, account: string, group: string): string[];
}

let dir: string;
let context: Context;
let governance: Governance;

beforeAll(async () => {
  dir = buildExample('examples/audit-surveillance.lake').dir;
  context = (await import(pathToFileURL(join(dir, 'infra', 'context.ts')).href)) as Context;
  governance = (await import(pathToFileURL(join(dir, 'infra', 'constructs', 'governance.ts')).href)) as Governance;
}, 60_000);

const ofType = (t: Template, type: string) => Object.entries(t.Resources).filter(([, r]) => r.Type === type);

describe('lakec:admins', () => {
  const admin = 'arn:aws:iam::111122223333:role/LakeAdmin';
  const breakGlass = 'arn:aws:iam::111122223333:role/ops/BreakGlass';

  it('accepts a JSON array as the CDK CLI passes it (a string), an array, or comma-separated ARNs', () => {
    expect(context.parseAdmins(`["${admin}", "${breakGlass}"]`)).toEqual([admin, breakGlass]);
    expect(context.parseAdmins(` [ "${admin}" ] `)).toEqual([admin]);
    expect(context.parseAdmins([admin, breakGlass, admin])).toEqual([admin, breakGlass]);
    expect(context.parseAdmins(`${admin}, ${breakGlass}`)).toEqual([admin, breakGlass]);
    expect(context.parseAdmins('arn:aws-us-gov:iam::111122223333:user/alice')).toEqual(['arn:aws-us-gov:iam::111122223333:user/alice']);
  });

  it('refuses no admin, an empty list, CDK roles only, bad JSON and what is not an IAM role or user ARN, naming the key', () => {
    const refused = (v: unknown): string => {
      try {
        context.parseAdmins(v);
      } catch (e) {
        expect(e).toBeInstanceOf(context.LakeContextError);
        return (e as Error).message;
      }
      throw new Error(`accepted ${JSON.stringify(v)}`);
    };
    expect(refused(undefined)).toMatch(/^context lakec:admins: no Lake Formation administrator given\..*--context lakec:admins='\["arn:aws:iam::111122223333:role\/LakeAdmin"\]'/);
    expect(refused('[]')).toMatch(/the list is empty/);
    expect(refused('')).toMatch(/the list is empty/);
    expect(refused(['arn:aws:iam::111122223333:role/cdk-hnb659fds-cfn-exec-role-111122223333-us-east-1'])).toMatch(/only CDK bootstrap roles/);
    expect(refused('["arn:aws:iam::1:role/x"')).toMatch(/is not a JSON array/);
    expect(refused('[')).toMatch(/is not a JSON array/);
    expect(refused(['[', '"', 'a'])).toMatch(/not an IAM role or user ARN: "\[", "\\"", "a"/);
    expect(refused(['arn:aws:iam::111122223333:group/admins'])).toMatch(/not an IAM role or user ARN/);
    expect(refused(['arn:aws:sts::111122223333:assumed-role/LakeAdmin/alice'])).toMatch(/not an IAM role or user ARN/);
    expect(refused([42])).toMatch(/expected ARNs \(strings\), got 42/);
    expect(refused({ admin })).toMatch(/expected a list of ARNs/);
  });

  it('without an admin, createApp stops with that message before building anything; with one, the settings list it after the deploying role', async () => {
    const { createApp } = (await import(pathToFileURL(join(dir, 'infra', 'lake-app.ts')).href)) as { createApp(o: object): { app: { synth(): { getStackByName(n: string): { template: Template } } }; stack: { stackName: string } } };
    expect(() => createApp({ outdir: join(dir, 'cdk.out.noadmin'), context: { 'aws:cdk:bundling-stacks': [] } })).toThrow(/^context lakec:admins: no Lake Formation administrator given/);
    expect(() => createApp({ outdir: join(dir, 'cdk.out.noadmin'), context: { 'lakec:admin': `["${admin}"]` } })).toThrow(/^context lakec:admin: unknown key; the lake reads lakec:admins,/);
    const s = await synthesize(dir, { bundling: false, outdir: 'cdk.out.admins', context: { 'lakec:admins': `["${admin}","${breakGlass}"]` } });
    const [[, settings]] = ofType(s.template, 'AWS::LakeFormation::DataLakeSettings');
    expect((settings!.Properties!['Admins'] as { DataLakePrincipalIdentifier: unknown }[]).slice(1).map((a) => a.DataLakePrincipalIdentifier)).toEqual([admin, breakGlass]);
  }, 120_000);

  it('on any value, returns IAM ARNs or refuses with a LakeContextError, never another error', () => {
    const value = fc.oneof(
      fc.string(),
      fc.json(),
      fc.array(fc.oneof(fc.string(), fc.constant(admin), fc.constant(breakGlass), fc.integer())),
      fc.constantFrom(undefined, null, true, 0, {}),
      fc.array(fc.constantFrom(admin, breakGlass, 'arn:aws:iam::111122223333:role/cdk-hnb659fds-deploy-role-111122223333-us-east-1')).map((xs) => JSON.stringify(xs)),
    );
    fc.assert(fc.property(value, (v) => {
      try {
        const admins = context.parseAdmins(v);
        expect(admins.length).toBeGreaterThan(0);
        for (const a of admins) expect(a).toMatch(/^arn:aws[a-z-]*:iam::\d{12}:(role|user)\//);
      } catch (e) {
        expect(e).toBeInstanceOf(context.LakeContextError);
        expect((e as Error).message).toMatch(/^context lakec:admins: /);
      }
    }), { numRuns: 2000 });
  });

  it('checks the other keys too', () => {
    expect(context.parseBoolean('lakec:quicksight', 'true', false)).toBe(true);
    expect(context.parseBoolean('lakec:quicksight', undefined, false)).toBe(false);
    expect(() => context.parseBoolean('lakec:quicksight', 'yes', false)).toThrow(/context lakec:quicksight: expected true or false, got "yes"/);
    expect(context.parseCutoff('10000000000', 1)).toBe(10_000_000_000);
    expect(() => context.parseCutoff('1GB', 1)).toThrow(/expected a whole number of bytes of at least 10000000/);
    expect(() => context.parseCutoff(5, 1)).toThrow(/at least 10000000/);
    expect(() => context.parseRegion('lakec:quicksightIdentityRegion', 'mars', 'us-east-1')).toThrow(/expected an AWS region/);
    expect(context.parseManifestMaxDays(undefined, 7)).toBe(7);
    expect(context.parseManifestMaxDays('31', 7)).toBe(31);
    for (const bad of ['0', '400', 'a week', 1.5]) expect(() => context.parseManifestMaxDays(bad, 7)).toThrow(/^context lakec:manifestMaxDays: expected a whole number of days from 1 to 366/);
  });
});

describe('lakec:lakeFormationSettings', () => {
  it('appends by default; replaces the account\'s settings (and its IAMAllowedPrincipals defaults) only when asked; refuses anything else', async () => {
    expect(context.parseSettingsMode(undefined)).toBe('append');
    expect(context.parseSettingsMode('replace')).toBe('replace');
    expect(() => context.parseSettingsMode('REPLACE')).toThrow(/^context lakec:lakeFormationSettings: expected append \(add the lake's administrators.*or replace \(rewrite the account's settings/);
    const s = mergedTemplate(await synthesize(dir, { bundling: false, outdir: 'cdk.out.replace', context: { 'lakec:lakeFormationSettings': 'replace' } }));
    const [[, settings]] = ofType(s, 'AWS::LakeFormation::DataLakeSettings');
    expect(settings!.Properties).toMatchObject({ MutationType: 'REPLACE', CreateDatabaseDefaultPermissions: [], CreateTableDefaultPermissions: [] });
    // The check then also asserts the account's defaults are gone.
    const [[, check]] = ofType(s, 'Custom::LakePermissionsCheck');
    expect(check!.Properties!['Settings']).toBe('replace');
  }, 120_000);
});

/** IAM's ArnLike: `*` any run of characters, `?` any one, compared over the whole ARN. */
function arnLike(pattern: string, arn: string): boolean {
  const re = new RegExp(`^${pattern.split('').map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\/]/g, '\\$&'))).join('')}$`);
  return re.test(arn);
}

describe('lakec:flinkJar', () => {
  let flink: FlinkDefinition;
  let jars: StandInJar;
  let work: string;
  beforeAll(async () => {
    flink = ((await import(pathToFileURL(join(dir, 'infra', 'lake.ts')).href)) as { lake: { flink: FlinkDefinition } }).lake.flink;
    jars = (await import(pathToFileURL(join(dir, 'test', 'stand-in-jar.ts')).href)) as StandInJar;
    work = mkdtempSync(join(tmpdir(), 'lakec-jar-test-'));
  });
  const refused = (v: unknown): string => {
    try {
      context.parseFlinkJar(v, flink);
    } catch (e) {
      expect(e).toBeInstanceOf(context.LakeContextError);
      return (e as Error).message;
    }
    throw new Error(`accepted ${JSON.stringify(v)}`);
  };

  it('takes the jar at its default path (flink/target, relative to the project) or the one given, holding the Kinesis source', () => {
    expect(flink).toMatchObject({ jar: 'flink/target/audit-surveillance-flink-0.1.0.jar', build: 'cd flink && mvn -Pkinesis package', kinesisSourceEntry: 'lakec/flink/kinesis/KinesisEventSource.class' });
    const jar = jars.standInJar(flink.kinesisSourceEntry, work);
    expect(context.parseFlinkJar(jar, flink)).toBe(jar);
    expect(context.parseFlinkJar(` ${jar} `, flink)).toBe(jar);
    mkdirSync(join(dir, 'flink', 'target'), { recursive: true });
    const atDefault = join(dir, flink.jar);
    copyFileSync(jar, atDefault);
    try {
      expect(context.parseFlinkJar(undefined, flink)).toBe(atDefault);
      expect(context.parseFlinkJar(flink.jar, flink)).toBe(atDefault);
    } finally {
      rmSync(atDefault);
    }
  });

  it('refuses a missing jar, a folder, a file that is no zip and a jar built without the Kinesis profile, saying how to build it', () => {
    expect(refused(undefined)).toMatch(/^context lakec:flinkJar: the Flink applications' jar flink\/target\/audit-surveillance-flink-0\.1\.0\.jar does not exist: build it with `cd flink && mvn -Pkinesis package`.*--context lakec:flinkJar=PATH/);
    expect(refused('nowhere.jar')).toMatch(/no file at "nowhere\.jar" \(relative to the project: .*nowhere\.jar\): build the jar with/);
    expect(refused(work)).toMatch(/is not a file/);
    const text = join(work, 'text.jar');
    writeFileSync(text, 'not a zip archive at all');
    expect(refused(text)).toMatch(/is not a jar \(a zip archive\)/);
    writeFileSync(join(work, 'tiny.jar'), 'PK');
    expect(refused(join(work, 'tiny.jar'))).toMatch(/is not a jar/);
    const plain = join(work, 'plain.jar');
    writeFileSync(plain, jars.emptyZip(['META-INF/MANIFEST.MF', 'lakec/flink/Application.class']));
    expect(refused(plain)).toMatch(/has no Kinesis source \(lakec\/flink\/kinesis\/KinesisEventSource\.class\): it was built without the Maven profile kinesis/);
    expect(refused('')).toMatch(/expected the path of the Flink applications' jar, got ""/);
    expect(refused(42)).toMatch(/got 42/);
  });

  it('stops createApp before it builds anything when the jar is missing', async () => {
    const { createApp } = (await import(pathToFileURL(join(dir, 'infra', 'lake-app.ts')).href)) as { createApp(o: object): unknown };
    expect(() => createApp({ outdir: join(dir, 'cdk.out.nojar'), context: { 'aws:cdk:bundling-stacks': [], 'lakec:admins': ['arn:aws:iam::111122223333:role/LakeAdmin'] } })).toThrow(/^context lakec:flinkJar: the Flink applications' jar .* does not exist/);
  });

  it('on any value, returns a path or refuses with a LakeContextError, never another error', () => {
    fc.assert(fc.property(fc.oneof(fc.string(), fc.json(), fc.constantFrom(undefined, null, true, 0, {}, [])), (v) => {
      try {
        expect(typeof context.parseFlinkJar(v, flink)).toBe('string');
      } catch (e) {
        expect(e).toBeInstanceOf(context.LakeContextError);
        expect((e as Error).message).toMatch(/^context lakec:flinkJar: /);
      }
    }), { numRuns: 500 });
  });
});

describe('IAM Identity Center personas', () => {
  const account = '111122223333';
  const role = (path: string, name: string): string => `arn:aws:iam::${account}:role/aws-reserved/sso.amazonaws.com/${path}${name}`;
  const hash = '0123456789abcdef';

  it('a persona role trusts exactly the roles of the permission set named after its group', () => {
    const patterns = governance.ssoRolePatterns('aws', account, 'Compliance-IT');
    const matches = (arn: string): boolean => patterns.some((p) => arnLike(p, arn));
    expect(matches(role('', `AWSReservedSSO_Compliance-IT_${hash}`))).toBe(true);
    expect(matches(role('eu-west-1/', `AWSReservedSSO_Compliance-IT_${hash}`))).toBe(true);
    // A permission set whose name starts with the group's is another permission set.
    expect(matches(role('', `AWSReservedSSO_Compliance-IT_Admin_${hash}`))).toBe(false);
    expect(matches(role('eu-west-1/', `AWSReservedSSO_Compliance-IT_Admin_${hash}`))).toBe(false);
    expect(matches(role('', `AWSReservedSSO_x_AWSReservedSSO_Compliance-IT_${hash}`))).toBe(false);
    expect(matches(role('', `AWSReservedSSO_Compliance-ITX_${hash}`))).toBe(false);
    expect(matches(`arn:aws:iam::${account}:role/AWSReservedSSO_Compliance-IT_${hash}`)).toBe(false);
    expect(matches(`arn:aws:iam::444455556666:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Compliance-IT_${hash}`)).toBe(false);
  });

  it("each group's permission set gets an inline policy to assume its persona roles: in identity-center/ and as a stack output", async () => {
    const file = JSON.parse(readFileSync(join(dir, 'identity-center', 'permission-sets.json'), 'utf8')) as { PermissionSets: { PermissionSetName: string; Personas: string[]; InlinePolicy: { Statement: { Action: string; Resource: string[] }[] } }[] };
    expect(file.PermissionSets.map((p) => [p.PermissionSetName, p.Personas])).toEqual([['Compliance-Business', ['business_users']], ['Compliance-IT', ['compliance_it']]]);
    expect(file.PermissionSets[1]!.InlinePolicy.Statement).toEqual([{ Sid: 'AssumeLakePersonaRoles', Effect: 'Allow', Action: 'sts:AssumeRole', Resource: ['arn:aws:iam::${AWS::AccountId}:role/audit_surveillance-compliance_it'] }]);
    const s = await synthesize(dir, { bundling: false, outdir: 'cdk.out.sso' });
    const outputs = (s.template as unknown as { Outputs: Record<string, { Value: unknown }> }).Outputs;
    expect(Object.keys(outputs).filter((k) => k.startsWith('PermissionSetPolicy')).sort()).toEqual(['PermissionSetPolicyComplianceBusiness', 'PermissionSetPolicyComplianceIT']);
    expect(JSON.stringify(outputs['PermissionSetPolicyComplianceIT']!.Value)).toContain('sts:AssumeRole');
  }, 120_000);
});

describe('QuickSight', () => {
  it('is opt-in: no data source by default; with lakec:quicksight=true a data source per quicksight persona, after the role\'s Athena metadata policy', async () => {
    const off = mergedTemplate(await synthesize(dir, { bundling: false, outdir: 'cdk.out.qs0' }));
    expect(ofType(off, 'AWS::QuickSight::DataSource')).toEqual([]);
    const on = mergedTemplate(await synthesize(dir, { bundling: false, outdir: 'cdk.out.qs1', context: { 'lakec:quicksight': 'true' } }));
    const sources = ofType(on, 'AWS::QuickSight::DataSource');
    expect(sources.length).toBe(1);
    const [, source] = sources[0]!;
    expect(JSON.stringify(source.Properties!['Permissions'])).toContain('group/default/Compliance-Business');
    const policies = ofType(on, 'AWS::IAM::Policy').filter(([id]) => /QuickSightPolicy/.test(id));
    expect(policies.length).toBe(1);
    const actions = (policies[0]![1].Properties!['PolicyDocument'].Statement as { Action: string | string[] }[]).flatMap((st) => [st.Action].flat());
    expect(actions).toEqual(expect.arrayContaining(['athena:ListDataCatalogs', 'athena:GetTableMetadata', 'athena:GetQueryResultsStream', 'athena:BatchGetQueryExecution']));
    expect([source.DependsOn].flat()).toContain(policies[0]![0]);
  }, 180_000);
});

describe('an edited row filter', () => {
  it('is a new data cells filter under a new name, granted anew; the old filter is gone from the template', async () => {
    const spec = readFileSync(join(root, 'examples', 'audit-surveillance.lake'), 'utf8');
    expect(spec).toContain("where venue <> 'TEST'");
    const edited = compileText(spec.replace("where venue <> 'TEST'", "where venue <> 'TEST' and venue <> 'SIM'"), 'audit-surveillance.lake');
    expect(edited.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const before = mergedTemplate(await synthesize(dir, { bundling: false, outdir: 'cdk.out.f0' }));
    const afterDir = buildModel(edited.model!, 'audit-surveillance-filter-edit', 'audit-surveillance.lake');
    const after = mergedTemplate(await synthesize(afterDir, { bundling: false }));
    const filters = (t: Template) => ofType(t, 'AWS::LakeFormation::DataCellsFilter').map(([id, r]) => ({ id, name: r.Properties!['Name'] as string, expr: r.Properties!['RowFilter'].FilterExpression as string }));
    const [old] = filters(before);
    const [now] = filters(after);
    expect(old!.expr).toBe("venue <> 'TEST'");
    expect(now!.expr).toBe("venue <> 'TEST' and venue <> 'SIM'");
    // CloudFormation sees another resource with another name: it creates it, then deletes the old one.
    expect(now!.name).not.toBe(old!.name);
    expect(now!.id).not.toBe(old!.id);
    expect(filters(after).map((f) => f.id)).not.toContain(old!.id);
    const grantOn = (t: Template, name: string) => ofType(t, 'AWS::LakeFormation::PrincipalPermissions').filter(([, g]) => g.Properties!['Resource'].DataCellsFilter?.Name === name);
    expect(grantOn(before, old!.name).length).toBe(1);
    expect(grantOn(after, old!.name)).toEqual([]);
    const [[, grant]] = grantOn(after, now!.name) as [[string, Template['Resources'][string]]];
    expect([grant.DependsOn].flat()).toContain(now!.id);
    // Everything else of the two templates is the same resources.
    const ids = (t: Template) => Object.keys(t.Resources).filter((id) => id !== old!.id && id !== now!.id).sort();
    expect(ids(after)).toEqual(ids(before));
  }, 180_000);
});
