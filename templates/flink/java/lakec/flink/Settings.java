package lakec.flink;

import com.amazonaws.services.kinesisanalytics.runtime.KinesisAnalyticsRuntime;
import java.io.IOException;
import java.util.Map;
import java.util.Properties;

/**
 * The application's runtime properties, as Managed Service for Apache Flink provides them: property
 * groups read from {@code /etc/flink/application_properties.json} on the service, or from a local
 * file of the same shape ({@code [{"PropertyGroupId": "...", "PropertyMap": {...}}]}) passed as
 * {@code --properties FILE}. Groups and keys (docs/build.md, "The Flink applications"):
 *
 * <pre>
 * lakec              dataset              the dataset this application runs (required when the jar has several)
 * lakec.source       kind                 kinesis (default) or file
 *                    stream.arn, region   the Kinesis stream (kinesis)
 *                    reader               efo or polling (default: efo when the stream has several readers)
 *                    efo.consumer         the enhanced fan-out consumer's name (default: the application's)
 *                    initial.position     TRIM_HORIZON (default), LATEST or AT_TIMESTAMP
 *                    path                 the JSON-lines file (file)
 * lakec.sink         catalog              glue (default) or hadoop
 *                    warehouse            s3://zone-bucket/ (glue) or a folder (hadoop)
 * lakec.deadletters  path                 where dead letters go (s3://zone-bucket/_dead_letters/DATASET/)
 * lakec.local        checkpoint.interval.ms, state.dir, parallelism: only for local runs
 * </pre>
 */
public final class Settings {
  private final Map<String, Properties> groups;
  public final boolean local;

  private Settings(Map<String, Properties> groups, boolean local) {
    this.groups = groups;
    this.local = local;
  }

  /** The service's properties, or a local file's when {@code localFile} is not null. */
  public static Settings load(String localFile) throws IOException {
    if (localFile != null)
      return new Settings(KinesisAnalyticsRuntime.getApplicationProperties(localFile), true);
    return new Settings(KinesisAnalyticsRuntime.getApplicationProperties(), false);
  }

  public static Settings of(Map<String, Properties> groups, boolean local) {
    return new Settings(groups, local);
  }

  public String get(String group, String key, String fallback) {
    Properties p = groups.get(group);
    String v = p == null ? null : p.getProperty(key);
    return v == null || v.isBlank() ? fallback : v.trim();
  }

  public String require(String group, String key) {
    String v = get(group, key, null);
    if (v == null)
      throw new IllegalArgumentException(
          "the application property " + key + " of group " + group + " is not set");
    return v;
  }

  public long getLong(String group, String key, long fallback) {
    String v = get(group, key, null);
    if (v == null) return fallback;
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "the application property "
              + key
              + " of group "
              + group
              + " must be a whole number, not '"
              + v
              + "'");
    }
  }
}
