package lakec.flink;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lakec.runtime.json.Json;
import lakec.runtime.mapping.DatasetSpec;

/**
 * What lakec decided about one dataset's application, from the spec: the dataset as the runtime
 * reads it, the Iceberg table (name, partition spec, identifier fields, properties), the stream,
 * and the fixed {@code maxParallelism}. Lake.java holds one per dataset as JSON.
 */
public final class JobSpec {
  /**
   * An Iceberg partition field: transform ({@code identity}, {@code day}, {@code bucket}...),
   * source column, width.
   */
  public record Partition(String transform, String column, Integer width) {}

  public final DatasetSpec dataset;

  /** The dataset's description as JSON (what the operators parse). */
  public final Object datasetJson;

  public final String application;
  public final String stream;
  public final int streamReaders;
  public final String database;
  public final String table;
  public final List<Partition> partitioning;
  public final List<String> identifierFields;
  public final Map<String, String> tableProperties;
  public final int maxParallelism;
  public final String deadLetterPrefix;

  @SuppressWarnings("unchecked")
  private JobSpec(Map<String, Object> o) {
    this.datasetJson = o.get("dataset");
    this.dataset = DatasetSpec.fromJson(datasetJson);
    this.application = (String) o.get("application");
    this.stream = (String) o.get("stream");
    this.streamReaders = (int) (double) (Double) o.get("streamReaders");
    this.database = (String) o.get("database");
    this.table = (String) o.get("table");
    List<Partition> parts = new ArrayList<>();
    for (Object p : (List<Object>) o.get("partitioning")) {
      Map<String, Object> m = (Map<String, Object>) p;
      parts.add(
          new Partition(
              (String) m.get("transform"),
              (String) m.get("column"),
              m.get("width") instanceof Double d ? (int) (double) d : null));
    }
    this.partitioning = List.copyOf(parts);
    List<String> ids = new ArrayList<>();
    for (Object f : (List<Object>) o.get("identifierFields")) ids.add((String) f);
    this.identifierFields = List.copyOf(ids);
    Map<String, String> props = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : ((Map<String, Object>) o.get("tableProperties")).entrySet())
      props.put(e.getKey(), (String) e.getValue());
    this.tableProperties = props;
    this.maxParallelism = (int) (double) (Double) o.get("maxParallelism");
    this.deadLetterPrefix = (String) o.get("deadLetterPrefix");
  }

  @SuppressWarnings("unchecked")
  public static JobSpec parse(String json) {
    try {
      return new JobSpec((Map<String, Object>) Json.parse(json));
    } catch (Json.ParseException e) {
      throw new IllegalArgumentException(
          "a dataset's job description is not JSON: " + e.getMessage(), e);
    }
  }
}
