/**
 * Target `lakeformation`: the lake's Lake Formation configuration as API inputs (valid against
 * the Lake Formation API's input shapes; `${AWS::AccountId}` stands for the deploying account)
 * and the access matrix in Markdown. The stack creates the same resources (same plan).
 *
 * - `permissions.json`: every grant, as BatchGrantPermissions entries, in deployment order.
 * - `data-cells-filters.json`: the row filters, as CreateDataCellsFilter inputs.
 * - `lf-tags.json`: the classifications as LF-Tags (CreateLFTag) and their columns (AddLFTagsToResource);
 *   a table granted `except @label` is tagged `true` itself and `false` on each other column.
 * - `access-matrix.md`: persona x dataset x column, with row filters.
 */
import type { LakeModel } from '../../model/model.ts';
import type { GeneratedFile, GenContext, Target } from '../files.ts';
import { stableJson } from '../files.ts';
import { accessMatrixFromModel, accessPlan, type LfGrant, type LfResource } from '../plan/access.ts';
import { accountPlaceholder, bucketName, deployRoleArn, personaRoleName, tableCreatorRoleName, tableMaintainerRoleName } from '../plan/names.ts';
import { accessMatrixMarkdown } from './matrix.ts';

function principalArn(model: LakeModel, g: LfGrant): string {
  const lake = model.lake.name;
  if ('persona' in g.principal) return `arn:aws:iam::${accountPlaceholder}:role/${personaRoleName(lake, g.principal.persona)}`;
  switch (g.principal.service) {
    case 'tableCreator': return `arn:aws:iam::${accountPlaceholder}:role/${tableCreatorRoleName(lake)}`;
    case 'tableMaintainer': return `arn:aws:iam::${accountPlaceholder}:role/${tableMaintainerRoleName(lake)}`;
    // The CDK bootstrap's execution role (default qualifier), which CloudFormation deploys with.
    case 'deployRole': return deployRoleArn(model.lake.region);
  }
}

export function lfResource(model: LakeModel, r: LfResource): Record<string, unknown> {
  const CatalogId = accountPlaceholder;
  switch (r.kind) {
    case 'database': return { Database: { CatalogId, Name: r.database } };
    case 'allTables': return { Table: { CatalogId, DatabaseName: r.database, TableWildcard: {} } };
    case 'table': return { Table: { CatalogId, DatabaseName: r.database, Name: r.table } };
    case 'columns': return { TableWithColumns: { CatalogId, DatabaseName: r.database, Name: r.table, ColumnNames: [...r.columns] } };
    case 'columnsExcept': return { TableWithColumns: { CatalogId, DatabaseName: r.database, Name: r.table, ColumnWildcard: { ExcludedColumnNames: [...r.excluded] } } };
    case 'dataCellsFilter': return { DataCellsFilter: { TableCatalogId: CatalogId, DatabaseName: r.database, TableName: r.table, Name: r.filter } };
    case 'dataLocation': return { DataLocation: { CatalogId, ResourceArn: `arn:aws:s3:::${bucketName(model.lake.name, r.zone, model.lake.region)}` } };
    case 'tagExpression': return { LFTagPolicy: { CatalogId, ResourceType: 'TABLE', Expression: r.expression.map((c) => ({ TagKey: c.key, TagValues: [...c.values] })) } };
  }
}

export function lakeFormationFiles(model: LakeModel): { permissions: unknown; filters: unknown; tags: unknown } {
  const plan = accessPlan(model);
  const CatalogId = accountPlaceholder;
  const permissions = {
    CatalogId,
    Entries: plan.grants.map((g) => ({
      Id: g.id,
      Principal: { DataLakePrincipalIdentifier: principalArn(model, g) },
      Resource: lfResource(model, g.resource),
      Permissions: [...g.permissions],
      PermissionsWithGrantOption: [...(g.grantable ?? [])],
    })),
  };
  const filters = {
    CreateDataCellsFilter: plan.filters.map((f) => ({
      TableData: {
        TableCatalogId: CatalogId,
        DatabaseName: f.database,
        TableName: f.table,
        Name: f.name,
        RowFilter: { FilterExpression: f.rowFilter },
        ...(f.columns !== undefined ? { ColumnNames: [...f.columns] } : { ColumnWildcard: { ExcludedColumnNames: [...(f.excluded ?? [])] } }),
      },
    })),
  };
  const tags = {
    CreateLFTag: plan.tags.map((t) => ({ CatalogId, TagKey: t.key, TagValues: [...t.values] })),
    AddLFTagsToResource: plan.tagAssignments.map((a) => ({
      CatalogId,
      Resource: a.columns !== undefined
        ? { TableWithColumns: { CatalogId, DatabaseName: a.database, Name: a.table, ColumnNames: [...a.columns] } }
        : { Table: { CatalogId, DatabaseName: a.database, Name: a.table } },
      LFTags: [{ CatalogId, TagKey: a.tagKey, TagValues: [a.value] }],
    })),
  };
  return { permissions, filters, tags };
}

export const lakeFormationTarget: Target = {
  name: 'lakeformation',
  generate(ctx: GenContext): GeneratedFile[] {
    const { permissions, filters, tags } = lakeFormationFiles(ctx.model);
    return [
      { path: 'lakeformation/permissions.json', content: stableJson(permissions), ownership: 'generated' },
      { path: 'lakeformation/data-cells-filters.json', content: stableJson(filters), ownership: 'generated' },
      { path: 'lakeformation/lf-tags.json', content: stableJson(tags), ownership: 'generated' },
      { path: 'lakeformation/access-matrix.md', content: accessMatrixMarkdown(ctx.model, accessMatrixFromModel(ctx.model)), ownership: 'generated' },
    ];
  },
};
