/**
 * The ordering check of test/build/support/ordering.ts on templates made by hand: it reports a
 * grant created before the database it names (the review's finding 2), a grant on a table nothing
 * creates, and a tag put on an Iceberg table before the deploy role's grantable grant on it; it
 * accepts the same resources in the right order.
 */
import { describe, expect, it } from 'vitest';
import { orderingViolations } from './support/ordering.ts';
import type { Template } from './support/out.ts';

type Resources = Template['Resources'];

const database: Resources = { Db: { Type: 'AWS::Glue::Database', Properties: { DatabaseInput: { Name: 'lake_curated' } } } };
const grantOnDatabase = (dependsOn: string[]): Resources => ({
  Grant: { Type: 'AWS::LakeFormation::PrincipalPermissions', DependsOn: dependsOn, Properties: { Principal: { DataLakePrincipalIdentifier: 'arn:aws:iam::1:role/x' }, Resource: { Database: { Name: 'lake_curated' } }, Permissions: ['CREATE_TABLE'], PermissionsWithGrantOption: [] } },
});
const iceberg: Resources = { Trades: { Type: 'Custom::IcebergTable', DependsOn: ['Db'], Properties: { Database: 'lake_curated', Table: 'trades' } } };
const tag: Resources = { Tag: { Type: 'AWS::LakeFormation::Tag', Properties: { TagKey: 'lake.pii' } } };
const association = (dependsOn: string[]): Resources => ({
  Tagged: { Type: 'AWS::LakeFormation::TagAssociation', DependsOn: dependsOn, Properties: { LFTags: [{ TagKey: 'lake.pii' }], Resource: { TableWithColumns: { DatabaseName: 'lake_curated', Name: 'trades', ColumnNames: ['a'] } } } },
});
const ownGrant: Resources = {
  Own: { Type: 'AWS::LakeFormation::PrincipalPermissions', DependsOn: ['Trades'], Properties: { Principal: { DataLakePrincipalIdentifier: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/cdk-hnb659fds-cfn-exec-role-${AWS::AccountId}-${AWS::Region}' } }, Resource: { Table: { DatabaseName: 'lake_curated', Name: 'trades' } }, Permissions: ['ALL'], PermissionsWithGrantOption: ['ALL'] } },
};

describe('orderingViolations', () => {
  it('reports a grant created before the database it names, and accepts it after', () => {
    // The chain as the review found it: the database waits for the grant, not the other way round.
    const wrong = { ...grantOnDatabase([]), Db: { ...database['Db']!, DependsOn: ['Grant'] } };
    expect(orderingViolations({ Resources: wrong })).toEqual(['Grant names database:lake_curated but does not wait for Db, which creates it']);
    expect(orderingViolations({ Resources: { ...database, ...grantOnDatabase(['Db']) } })).toEqual([]);
  });

  it('reports what names a database or table the template does not create', () => {
    expect(orderingViolations({ Resources: grantOnDatabase([]) })).toEqual(['Grant names database:lake_curated, which nothing in the template creates']);
  });

  it("reports a tag on an Iceberg table put before the deploy role's grantable grant on it", () => {
    const before = { ...database, ...iceberg, ...tag, ...association(['Trades', 'Tag']) };
    expect(orderingViolations({ Resources: before })).toEqual(["Tagged tags or filters table:lake_curated.trades, which the table creator owns, before the deploy role's grantable grant on it"]);
    expect(orderingViolations({ Resources: { ...before, ...ownGrant, ...association(['Own', 'Tag']) } })).toEqual([]);
  });

  it('reports a grant on an LF-Tag expression made before the tag, and the permissions check run before a table exists', () => {
    const byTag = (dependsOn: string[]): Resources => ({
      ByTag: { Type: 'AWS::LakeFormation::PrincipalPermissions', DependsOn: dependsOn, Properties: { Principal: { DataLakePrincipalIdentifier: 'arn:aws:iam::1:role/x' }, Resource: { LFTagPolicy: { ResourceType: 'TABLE', Expression: [{ TagKey: 'lake.pii', TagValues: ['false'] }] } }, Permissions: ['SELECT'], PermissionsWithGrantOption: [] } },
    });
    expect(orderingViolations({ Resources: { ...tag, ...byTag([]) } })).toEqual(['ByTag names tag:lake.pii but does not wait for Tag, which creates it']);
    expect(orderingViolations({ Resources: { ...tag, ...byTag(['Tag']) } })).toEqual([]);
    const check = (dependsOn: string[]): Resources => ({ Check: { Type: 'Custom::LakePermissionsCheck', DependsOn: dependsOn, Properties: { Databases: ['lake_curated'], Tables: ['lake_curated.trades'] } } });
    expect(orderingViolations({ Resources: { ...database, ...iceberg, ...check(['Db']) } })).toEqual(['Check names table:lake_curated.trades but does not wait for Trades, which creates it']);
    expect(orderingViolations({ Resources: { ...database, ...iceberg, ...check(['Trades']) } })).toEqual([]);
  });

  it('counts waiting for a nested stack as waiting for every resource in it, from outside it only', () => {
    // mergedTemplate's shape: a nested stack's resources are `Stack/Id` and depend on `Stack`.
    const nested: Resources = {
      Curated: { Type: 'AWS::CloudFormation::Stack' },
      'Curated/Db': { ...database['Db']!, DependsOn: ['Curated'] },
    };
    expect(orderingViolations({ Resources: { ...nested, ...grantOnDatabase(['Curated']) } })).toEqual([]);
    expect(orderingViolations({ Resources: { ...nested, ...grantOnDatabase([]) } })).toEqual(['Grant names database:lake_curated but does not wait for Curated/Db, which creates it']);
    // A sibling in the same nested stack does not wait for the database by living there.
    const sibling = { 'Curated/Grant': { ...grantOnDatabase([])['Grant']!, DependsOn: ['Curated'] } };
    expect(orderingViolations({ Resources: { ...nested, ...sibling } })).toEqual(['Curated/Grant names database:lake_curated but does not wait for Curated/Db, which creates it']);
  });
});
