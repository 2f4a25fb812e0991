package lakec.flink;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.flink.CatalogLoader;
import org.apache.iceberg.flink.TableLoader;
import org.apache.iceberg.types.Types;

/**
 * The dataset's Iceberg table: the catalog (Glue in production, a HadoopCatalog folder locally),
 * and the table itself, format v2 with the dataset's partition spec. On the service the stack
 * creates the table through Athena, whose DDL cannot declare identifier fields: the job sets them
 * before its first commit (bi-temporal: key, valid_from, system_from; current-state: the key;
 * append: none, since the sink would otherwise de-duplicate appended rows by them).
 */
public final class Tables {
  private Tables() {}

  public static CatalogLoader catalog(JobSpec job, Settings settings) {
    String kind = settings.get("lakec.sink", "catalog", settings.local ? "hadoop" : "glue");
    String warehouse = settings.require("lakec.sink", "warehouse");
    Map<String, String> props = new HashMap<>();
    props.put("warehouse", warehouse);
    return switch (kind) {
      case "hadoop" -> CatalogLoader.hadoop("lakec", new Configuration(), props);
      case "glue" -> {
        props.put("io-impl", "org.apache.iceberg.aws.s3.S3FileIO");
        yield CatalogLoader.custom(
            "glue", props, new Configuration(), "org.apache.iceberg.aws.glue.GlueCatalog");
      }
      default ->
          throw new IllegalArgumentException(
              "the application property catalog of group lakec.sink must be glue or hadoop, not '"
                  + kind
                  + "'");
    };
  }

  public static TableIdentifier identifier(JobSpec job) {
    return TableIdentifier.of(Namespace.of(job.database), job.table);
  }

  /**
   * Creates the table when missing (local runs), and sets its identifier fields when they differ.
   */
  public static TableLoader prepare(JobSpec job, Settings settings) {
    CatalogLoader loader = catalog(job, settings);
    Catalog catalog = loader.loadCatalog();
    TableIdentifier id = identifier(job);
    Schema schema = new Rows(job.dataset).schema(job.identifierFields);
    if (!catalog.tableExists(id)) {
      if (catalog instanceof SupportsNamespaces ns && !ns.namespaceExists(id.namespace()))
        ns.createNamespace(id.namespace());
      catalog.createTable(id, schema, partitionSpec(schema, job.partitioning), job.tableProperties);
    }
    Table table = catalog.loadTable(id);
    Set<String> wanted = new HashSet<>(job.identifierFields);
    if (!table.schema().identifierFieldNames().equals(wanted)) {
      var update = table.updateSchema();
      // Identifier fields must be required columns.
      for (String name : wanted) {
        Types.NestedField f = table.schema().findField(name);
        if (f != null && f.isOptional()) update.requireColumn(name);
      }
      update.setIdentifierFields(wanted).commit();
    }
    return TableLoader.fromCatalog(loader, id);
  }

  static PartitionSpec partitionSpec(Schema schema, List<JobSpec.Partition> partitioning) {
    PartitionSpec.Builder b = PartitionSpec.builderFor(schema);
    for (JobSpec.Partition p : partitioning) {
      switch (p.transform()) {
        case "identity" -> b.identity(p.column());
        case "year" -> b.year(p.column());
        case "month" -> b.month(p.column());
        case "day" -> b.day(p.column());
        case "hour" -> b.hour(p.column());
        case "bucket" -> b.bucket(p.column(), p.width());
        case "truncate" -> b.truncate(p.column(), p.width());
        default ->
            throw new IllegalArgumentException("unknown partition transform " + p.transform());
      }
    }
    return b.build();
  }
}
