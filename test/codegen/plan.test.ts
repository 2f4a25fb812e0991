/** The decisions lakec takes for every target: tables, Lake Formation plan, alarms, schedules, names, stacks. */
import { describe, expect, it } from 'vitest';
import { datasetAlarms, datasetStacks, datasetStackBudget, icebergCreateTableInput, maintenanceJobs, manifestPlan } from '../../compiler/codegen/cdk/definition.ts';
import { accessPlan, filterName } from '../../compiler/codegen/plan/access.ts';
import { bucketPrefix, fit, personaRoleName } from '../../compiler/codegen/plan/names.ts';
import { calendarDays, hiveLayout, storedColumns, tableColumnNames } from '../../compiler/codegen/plan/tables.ts';
import { lakeDefinition } from '../../compiler/codegen/cdk/definition.ts';
import { documented, tsLiteral } from '../../compiler/codegen/tsLiteral.ts';
import { syntheticSpec } from '../bench/synthetic.ts';
import { compileAt, compileText } from '../support/compile.ts';

const audit = compileAt('examples/audit-surveillance.lake').model!;
const dataset = (name: string) => audit.datasets.find((d) => d.name === name)!;

describe('tables', () => {
  it('an Iceberg table is created from its Glue input: Iceberg schema, partition spec, both snapshot-age properties, the location left to the stack', () => {
    const input = icebergCreateTableInput(audit, dataset('trades')) as any;
    expect(input.DatabaseName).toBeUndefined();
    expect(input.TableInput.StorageDescriptor.Location).toBe('{location}');
    const iceberg = input.OpenTableFormatInput.IcebergInput;
    expect(iceberg.MetadataOperation).toBe('CREATE');
    expect(iceberg.CreateIcebergTableInput.Location).toBe('{location}');
    expect(iceberg.CreateIcebergTableInput.Schema.Fields.map((f: { Name: string }) => f.Name).slice(-2)).toEqual(['system_from', 'system_to']);
    expect(iceberg.CreateIcebergTableInput.PartitionSpec.Fields.map((f: { Transform: string }) => f.Transform)).toEqual(['day', 'bucket[16]']);
    expect(iceberg.CreateIcebergTableInput.Properties).toMatchObject({ 'history.expire.max-snapshot-age-ms': '604800000', vacuum_max_snapshot_age_seconds: '604800' });
    expect(JSON.stringify(input)).not.toContain('AWS::AccountId');
  });

  it('a Hive table keeps identity partitions out of its files and projects time partitions', () => {
    const accounts = hiveLayout(dataset('accounts'), 2555);
    expect(accounts.columns.map((c) => c.name)).not.toContain('desk');
    expect(accounts.partitionKeys).toEqual([{ name: 'desk', type: 'string', comment: 'Partition: desk.' }]);
    expect(accounts.parameters['projection.enabled']).toBeUndefined();
    const raw = hiveLayout(dataset('trade_events_raw'), 400);
    expect(raw.partitionKeys.map((k) => k.name)).toEqual(['ingested_at_day']);
    expect(raw.parameters).toMatchObject({ 'projection.enabled': 'true', 'projection.ingested_at_day.type': 'date', 'projection.ingested_at_day.range': 'NOW-400DAYS,NOW' });
    expect(tableColumnNames(dataset('trade_events_raw'))).toEqual(['trade_id', 'payload', 'ingested_at', 'ingested_at_day']);
    expect(storedColumns(dataset('trades')).map((c) => c.name).slice(-2)).toEqual(['system_from', 'system_to']);
  });
});

describe('retention', () => {
  it('counts years as calendar years (their longest run of leap days), other units exactly', () => {
    const year = 365 * 86_400;
    expect(calendarDays({ seconds: 7 * year, text: '7 years' })).toBe(2557);
    expect(calendarDays({ seconds: year, text: '1 year' })).toBe(366);
    expect(calendarDays({ seconds: 4 * year, text: '4 years' })).toBe(1461);
    expect(calendarDays({ seconds: 10 * year, text: '10 years' })).toBe(3653);
    expect(calendarDays({ seconds: 400 * 86_400, text: '400 days' })).toBe(400);
    expect(calendarDays({ seconds: 2 * 604_800, text: '2 weeks' })).toBe(14);
    expect(calendarDays({ seconds: 36 * 3600, text: '36 hours' })).toBe(2);
    // Every span of N calendar years fits: from each start day over four centuries.
    for (const n of [1, 2, 3, 7, 10]) {
      let longest = 0;
      for (let start = Date.UTC(2000, 0, 1); start < Date.UTC(2400, 0, 1); start += 86_400_000 * 13) {
        const from = new Date(start);
        const to = Date.UTC(from.getUTCFullYear() + n, from.getUTCMonth(), from.getUTCDate());
        longest = Math.max(longest, (to - start) / 86_400_000);
      }
      expect(calendarDays({ seconds: n * year, text: `${n} years` }), `${n} years`).toBeGreaterThanOrEqual(longest);
    }
  });

  it('gives the reference lake 2,557 days for 7 years and 400 for 400 days', () => {
    const zones = (lakeDefinition(audit, (_t, v) => v).value['zones'] as { name: string; retentionDays?: number }[]);
    expect(zones.map((z) => [z.name, z.retentionDays])).toEqual([['curated', 2557], ['raw', 400], ['transformed', 2557]]);
  });
});

describe('the Lake Formation plan', () => {
  const plan = accessPlan(audit);
  const grant = (id: string) => plan.grants.find((g) => g.id === id)!;

  it('grants except @classification on an LF-Tag expression that a column without the tag does not match (fail closed)', () => {
    expect(grant('business_users.trades.columns').resource).toEqual({
      kind: 'tagExpression', database: 'audit_surveillance_curated', table: 'trades',
      expression: [{ key: 'audit_surveillance:dataset', values: ['trades'] }, { key: 'audit_surveillance.pii', values: ['false'] }],
    });
    const onTrades = plan.tagAssignments.filter((a) => a.table === 'trades' && (a.tagKey === 'audit_surveillance.pii' || a.tagKey === 'audit_surveillance:dataset'));
    expect(onTrades.map((a) => [a.tagKey, a.value, a.columns ?? 'the table'])).toEqual([
      ['audit_surveillance:dataset', 'trades', 'the table'],
      // What a column added later inherits: hidden from the grant until a deployment tags it.
      ['audit_surveillance.pii', 'true', 'the table'],
      ['audit_surveillance.pii', 'true', ['account_id', 'trader_email']],
      ['audit_surveillance.pii', 'false', ['trade_id', 'symbol', 'side', 'quantity', 'price', 'venue', 'valid_from', 'valid_to', 'recorded_at', 'system_from', 'system_to']],
    ]);
    // A table no label grant names keeps its classified columns' tags only.
    expect(plan.tagAssignments.filter((a) => a.table === 'accounts').map((a) => [a.tagKey, a.value, a.columns])).toEqual([['audit_surveillance.pii', 'true', ['account_id', 'holder_name', 'addresses']]]);
  });

  it('gives a row-filtered except @classification grant a filter that lists its columns (a new column is not among them)', () => {
    const c = compileText(`lake l { region = "eu-west-1"; encryption = kms }
zone z { layer = raw }
classification pii
dataset d in z { format = parquet; columns { a string; b string @pii; c string } }
persona p { access = [athena]; identity = sso_group "G" }
grant select on d except @pii to p where a <> 'x'
grant insert on d to p
`);
    const p = accessPlan(c.model!);
    expect(p.filters.map((f) => [f.columns, f.excluded])).toEqual([[['a', 'c'], undefined]]);
  });

  it('turns a row filter into a data cells filter named by a hash of its definition, and grants SELECT on it', () => {
    const definition = {
      database: 'audit_surveillance_curated', table: 'trades', rowFilter: "venue <> 'TEST'",
      columns: ['trade_id', 'symbol', 'side', 'quantity', 'price', 'valid_from', 'valid_to'],
    };
    const name = filterName('compliance_service', 'trades', definition);
    expect(name).toMatch(/^compliance_service_trades_[0-9a-f]{8}$/);
    expect(plan.filters).toEqual([{ name, ...definition }]);
    expect(grant('compliance_service.trades.rows')).toMatchObject({ resource: { kind: 'dataCellsFilter', filter: name }, permissions: ['SELECT'] });
    // Another row filter or another column list is another filter.
    expect(filterName('compliance_service', 'trades', { ...definition, rowFilter: "venue <> 'TEST2'" })).not.toBe(name);
    expect(filterName('compliance_service', 'trades', { ...definition, columns: definition.columns.slice(1) })).not.toBe(name);
  });

  it("gives the lake's own roles what creating, tagging and maintaining the tables takes, with a grant option only for the deploy role's own table grant", () => {
    const own = plan.grants.filter((g) => 'service' in g.principal).map((g) => [g.id, g.resource.kind, g.permissions, g.grantable ?? []]);
    expect(own).toEqual([
      ['lakec.table_creator.curated.location', 'dataLocation', ['DATA_LOCATION_ACCESS'], []],
      ['lakec.table_creator.curated.database', 'database', ['CREATE_TABLE', 'DESCRIBE'], []],
      ['lakec.table_maintainer.default', 'database', ['DESCRIBE'], []],
      ['lakec.deploy_role.trades', 'table', ['ALL'], ['ALL']],
      ['lakec.table_maintainer.trades', 'table', ['ALTER', 'DELETE', 'DESCRIBE', 'INSERT', 'SELECT'], []],
    ]);
    for (const p of audit.personas) expect(grant(`${p.name}.default`)).toMatchObject({ resource: { kind: 'database', database: 'default' }, permissions: ['DESCRIBE'] });
    for (const g of plan.grants.filter((x) => 'persona' in x.principal)) expect(g.grantable, g.id).toBeUndefined();
  });

  it('makes an `all` grant a table grant, keeps it from reading outside a restricted selection, and a label grant an LF-Tag grant even when nothing is labelled yet', () => {
    const c = compileText(`lake l { region = "eu-west-1"; encryption = kms }
zone z { layer = raw }
classification pii
dataset d in z { format = parquet; columns { a string; b string } }
persona p { access = [athena]; identity = sso_group "G" }
persona q { access = [athena]; identity = sso_group "H" }
grant select on d except @pii to p
grant all on d to q
grant describe, alter on zone z to p
`);
    expect(c.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const p = accessPlan(c.model!);
    // except @pii on a table without @pii columns still fails closed: a @pii column added later stays hidden.
    expect(p.grants.find((g) => g.id === 'p.d.columns')).toMatchObject({ resource: { kind: 'tagExpression' }, permissions: ['SELECT'] });
    expect(p.grants.find((g) => g.id === 'q.d')).toMatchObject({ resource: { kind: 'table' }, permissions: ['ALL'] });
    expect(p.grants.find((g) => g.id === 'p.z')).toMatchObject({ resource: { kind: 'database', database: 'l_z' }, permissions: ['ALTER', 'DESCRIBE'] });
  });

  it('grants the system columns of a bi-temporal table that a column list names or an except keeps', () => {
    const c = compileText(`lake l { region = "eu-west-1" }
zone z { layer = curated }
stream s { partition_key = id }
dataset d in z {
  from stream s
  columns { id string; amount long; valid_from timestamp; valid_to timestamp?; recorded_at timestamp }
  key (id)
  bitemporal { valid = valid_from .. valid_to; system = recorded_at }
}
persona p { access = [athena]; identity = sso_group "G" }
persona q { access = [athena]; identity = sso_group "H" }
grant select on d (id, amount, system_to) to p
grant select on d except (recorded_at, system_from) to q
`);
    expect(c.diagnostics.map((d) => d.code)).toEqual([]);
    const grants = c.model!.grants.map((g) => [g.persona, g.target.kind === 'dataset' ? g.target.columns : []]);
    expect(grants).toEqual([['p', ['id', 'amount', 'system_to']], ['q', ['id', 'amount', 'valid_from', 'valid_to', 'system_to']]]);
    const p = accessPlan(c.model!);
    expect(p.grants.find((g) => g.id === 'p.d.columns')?.resource).toEqual({ kind: 'columns', database: 'l_z', table: 'd', columns: ['id', 'amount', 'system_to'] });
    expect(p.grants.find((g) => g.id === 'q.d.columns')?.resource).toEqual({ kind: 'columnsExcept', database: 'l_z', table: 'd', excluded: ['recorded_at', 'system_from'] });
  });

  it('turns classifications into LF-Tags (true on their columns), and names the datasets label grants reach', () => {
    expect(plan.tags.map((t) => [t.key, t.values])).toEqual([['audit_surveillance.confidential', ['false', 'true']], ['audit_surveillance.pii', ['false', 'true']], ['audit_surveillance:dataset', ['trades']]]);
    expect(plan.tagAssignments.find((a) => a.tagKey === 'audit_surveillance.confidential' && a.table === 'trades')).toEqual({ tagKey: 'audit_surveillance.confidential', value: 'true', database: 'audit_surveillance_curated', table: 'trades', columns: ['quantity', 'price'] });
  });
});

describe('the catalog API', () => {
  it('bounds a manifest of a time-partitioned dataset by its partition column (and the Hive folder), unloads others whole, refuses what cannot be bounded', () => {
    expect(manifestPlan(dataset('trades'), 'p', ['trade_id', 'valid_from'])).toEqual({ kind: 'range', column: 'valid_from', type: 'timestamp' });
    expect(manifestPlan(dataset('trade_events_raw'), 'p', tableColumnNames(dataset('trade_events_raw')))).toEqual({ kind: 'range', column: 'ingested_at', type: 'timestamp', partition: { column: 'ingested_at_day', format: 'yyyy-MM-dd' } });
    expect(manifestPlan(dataset('accounts'), 'p', ['account_id'])).toEqual({ kind: 'whole' });
    expect(manifestPlan(dataset('trades'), 'p', ['trade_id'])).toMatchObject({ kind: 'unavailable', reason: expect.stringMatching(/partitioned by day\(valid_from\), a column p may not read/) });
  });
});

describe('operations', () => {
  it('derives alarms from the SLA and the Flink application: lag at half the freshness, throttled writes, not running, failed checkpoints, dead letters as a rate', () => {
    const alarms = datasetAlarms(audit, dataset('trades'));
    expect(alarms.map((a) => a.name)).toEqual([
      'audit_surveillance-trades-event-time-lag',
      'audit_surveillance-trades-burst-throttled',
      'audit_surveillance-trades-not-running',
      'audit_surveillance-trades-checkpoint-failures',
      'audit_surveillance-trades-dead-letters',
    ]);
    const [lag, throttled, running, checkpoints, dead] = alarms;
    const application = { namespace: 'AWS/KinesisAnalytics', dimensions: { Application: 'audit_surveillance-trades' } };
    // Half of the 15-minute freshness; silence from the application is a breach.
    expect(lag).toMatchObject({ threshold: 450_000, treatMissingData: 'breaching', application: true, metric: { ...application, metricName: 'EventTimeLagMillis', statistic: 'Maximum' } });
    expect(throttled).toMatchObject({ metric: { metricName: 'WriteProvisionedThroughputExceeded', dimensions: { StreamName: 'audit_surveillance-trade_events' } } });
    expect(throttled!.application).toBeUndefined();
    expect(running).toMatchObject({ threshold: 0, comparison: 'LessThanOrEqualToThreshold', treatMissingData: 'breaching', metric: { ...application, metricName: 'uptime' } });
    // Cumulative counters: their increase, never their level.
    expect(checkpoints).toMatchObject({ threshold: 0, expression: { expression: 'DIFF(m)' }, metric: { ...application, metricName: 'numberOfFailedCheckpoints' } });
    expect(checkpoints!.treatMissingData).toBeUndefined();
    expect(dead).toMatchObject({ threshold: 0, application: true, metric: { ...application, metricName: 'DeadLetterRecordsPerSecond', statistic: 'Maximum' } });
    expect(datasetAlarms(audit, dataset('accounts'))).toEqual([]);
  });

  it('without a Flink application (a JSON table fed by a stream) the freshness alarm reads the stream\'s iterator age, less a checkpoint', () => {
    const c = compileText(`lake l { region = "us-east-1"; owner = "o@example.com" }
zone raw { layer = raw; retention = 30 days }
stream s { format = json; partition_key = id; retention = 1 day; shards = 1 }
dataset d in raw {
  from stream s
  format = json
  columns { id string }
  sla { freshness = 15 minutes }
}
`, 'l.lake');
    expect(c.diagnostics.filter((x) => x.severity === 'error').map((x) => x.message)).toEqual([]);
    const alarms = datasetAlarms(c.model!, c.model!.datasets[0]!);
    expect(alarms.map((a) => a.name)).toEqual(['l-d-freshness', 'l-d-dead-letters']);
    expect(alarms[0]).toMatchObject({ threshold: 840_000, metric: { metricName: 'GetRecords.IteratorAgeMilliseconds', dimensions: { StreamName: 'l-s' } } });
    expect(alarms[1]!.metric).toMatchObject({ metricName: 'DeadLetterRecords', statistic: 'Sum' });
    expect(alarms.every((a) => a.application === undefined && a.treatMissingData === undefined)).toBe(true);
  });

  it('schedules OPTIMIZE and VACUUM from maintenance', () => {
    expect(maintenanceJobs('audit_surveillance', dataset('trades')).map((j) => [j.schedule, j.query])).toEqual([
      ['cron(0 2 * * ? *)', 'OPTIMIZE audit_surveillance_curated.trades REWRITE DATA USING BIN_PACK'],
      ['cron(0 4 ? * SUN *)', 'VACUUM audit_surveillance_curated.trades'],
    ]);
  });

  it('keeps every nested stack of a 100-dataset lake within its budget, one zone per stack', () => {
    const model = compileText(syntheticSpec({ datasets: 100, seed: 7 }), 'synthetic.lake').model!;
    const stacks = datasetStacks(model, accessPlan(model));
    expect(stacks.flatMap((s) => s.datasets).sort()).toEqual(model.datasets.map((d) => d.name).sort());
    for (const s of stacks) expect(new Set(s.datasets.map((d) => model.datasets.find((x) => x.name === d)!.zone)).size).toBe(1);
    expect(stacks.length).toBeGreaterThan(model.zones.length - 1);
    expect(datasetStackBudget).toBeLessThan(500);
  });
});

describe('names and literals', () => {
  it('fits long names under AWS limits with a hash, and leaves short ones alone', () => {
    expect(personaRoleName('audit_surveillance', 'compliance_it')).toBe('audit_surveillance-compliance_it');
    const long = personaRoleName('a'.repeat(40), 'b'.repeat(40));
    expect(long.length).toBeLessThanOrEqual(64);
    expect(long).toMatch(/-[0-9a-f]{8}$/);
    expect(fit('x'.repeat(100), 20)).not.toBe(fit(`${'x'.repeat(99)}y`, 20));
    expect(`${bucketPrefix('a'.repeat(60), 'zone', 'ap-southeast-2')}-123456789012-ap-southeast-2`.length).toBeLessThanOrEqual(63);
  });

  it('prints TypeScript literals with doc comments, quoted keys only where needed', () => {
    expect(tsLiteral({ a: 1, 'b-c': "it's", n: 150_000_000 })).toBe("{ a: 1, 'b-c': \"it's\", n: 150_000_000 }");
    expect(tsLiteral([documented('Doc.', { x: 1 })])).toBe('[\n  /** Doc. */\n  { x: 1 },\n]');
  });
});
