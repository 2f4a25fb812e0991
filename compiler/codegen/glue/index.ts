/**
 * Target `glue`: `glue/<zone>.<dataset>.json`, the Glue CreateTable input of each dataset (valid
 * against the Glue API's own input shape; `${AWS::AccountId}` stands for the deploying account).
 *
 * An Iceberg table's input carries the full Iceberg definition (`OpenTableFormatInput`: schema
 * with field ids and identifier fields, partition spec with transforms, properties). The stack
 * creates Iceberg tables from this input (Glue CreateTable through a custom resource: see
 * infra/constructs/catalog.ts), and other tools and accounts can too. A Parquet or JSON table's
 * input is exactly what the stack's Glue table holds.
 */
import type { DatasetModel, LakeModel } from '../../model/model.ts';
import type { GeneratedFile, GenContext, Target } from '../files.ts';
import { stableJson } from '../files.ts';
import { bucketName } from '../plan/names.ts';
import { catalogText, calendarDays, datasetTags, hiveLayout, icebergNativeProperties, icebergSchema, icebergTransform, partitionFieldName, storedColumns, tableDescriptionLimit, tablePrefix, zoneOf } from '../plan/tables.ts';

function column(c: { name: string; type: string; comment?: string }): Record<string, string> {
  return { Name: c.name, Type: c.type, ...(c.comment !== undefined ? { Comment: c.comment } : {}) };
}

export function createTableInput(model: LakeModel, d: DatasetModel): Record<string, unknown> {
  const zone = zoneOf(model, d);
  const location = `s3://${bucketName(model.lake.name, zone.name, model.lake.region)}/${tablePrefix(d)}`;
  const description = catalogText(d.description, tableDescriptionLimit);
  const common = {
    Name: d.table,
    ...(description !== undefined ? { Description: description } : {}),
    ...(d.owner !== undefined ? { Owner: d.owner } : {}),
    TableType: 'EXTERNAL_TABLE',
  };
  if (d.format === 'iceberg') {
    const schema = icebergSchema(d);
    return {
      DatabaseName: d.database,
      TableInput: {
        ...common,
        Parameters: { ...datasetTags(d), table_type: 'ICEBERG' },
        StorageDescriptor: { Columns: storedColumns(d).map((c) => column(c)), Location: location },
      },
      OpenTableFormatInput: {
        IcebergInput: {
          MetadataOperation: 'CREATE',
          Version: '2',
          CreateIcebergTableInput: {
            Location: location,
            Schema: { SchemaId: 0, Type: 'struct', Fields: schema.fields, ...(schema.identifierFieldIds.length > 0 ? { IdentifierFieldIds: schema.identifierFieldIds } : {}) },
            PartitionSpec: {
              SpecId: 0,
              Fields: d.partitioning.map((p, i) => ({ SourceId: schema.ids.get(p.column)!, Transform: icebergTransform(p), Name: partitionFieldName(p), FieldId: 1000 + i })),
            },
            Properties: icebergNativeProperties(d),
          },
        },
      },
    };
  }
  const hive = hiveLayout(d, zone.retention !== undefined ? calendarDays(zone.retention) : undefined);
  return {
    DatabaseName: d.database,
    TableInput: {
      ...common,
      Parameters: hive.parameters,
      PartitionKeys: hive.partitionKeys.map((k) => column(k)),
      StorageDescriptor: {
        Columns: hive.columns.map((c) => column(c)),
        Location: location,
        InputFormat: hive.inputFormat,
        OutputFormat: hive.outputFormat,
        SerdeInfo: { SerializationLibrary: hive.serde },
      },
    },
  };
}

export const glueTarget: Target = {
  name: 'glue',
  generate(ctx: GenContext): GeneratedFile[] {
    return ctx.model.datasets.map((d) => ({ path: `glue/${d.zone}.${d.name}.json`, content: stableJson(createTableInput(ctx.model, d)), ownership: 'generated' as const }));
  },
};
