package lakec.flink;

import java.io.IOException;
import java.io.UncheckedIOException;
import lakec.runtime.source.LineFile;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** Picks a dataset's {@link EventSource} from the application properties. */
public final class EventSources {
  /** The Kinesis source's class, compiled only with {@code mvn -Pkinesis} (src/kinesis/java). */
  static final String KINESIS = "lakec.flink.kinesis.KinesisEventSource";

  private EventSources() {}

  public static DataStream<RawEvent> create(
      StreamExecutionEnvironment env,
      JobSpec job,
      Settings settings,
      RateLimiterStrategy<?> limiter) {
    String kind = settings.get("lakec.source", "kind", settings.local ? "file" : "kinesis");
    switch (kind) {
      case "file":
        return file(
            env,
            settings.require("lakec.source", "path"),
            settings.getLong("lakec.source", "ticking.from", -1),
            (int)
                Math.min(
                    Integer.MAX_VALUE,
                    settings.getLong("lakec.source", "max.line.bytes", LineFile.MAX_LINE_BYTES)),
            limiter);
      case "kinesis":
        EventSource kinesis;
        try {
          kinesis = (EventSource) Class.forName(KINESIS).getDeclaredConstructor().newInstance();
        } catch (ClassNotFoundException e) {
          throw new IllegalStateException(
              "this jar was built without the Kinesis source: build it with 'mvn -Pkinesis package'"
                  + " (see flink/README.md)",
              e);
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException("cannot create the Kinesis source: " + e, e);
        }
        return kinesis.create(env, job, settings);
      default:
        throw new IllegalArgumentException(
            "the application property kind of group lakec.source must be kinesis or file, not '"
                + kind
                + "'");
    }
  }

  /**
   * A JSON-lines file, one event per line, its position {@code {"file", "line"}}, read by one
   * reader in order (a parallel source would reorder a key's events) and resumable from a
   * checkpoint (the split remembers the next line). Arrival times are the wall clock, or (property
   * {@code ticking.from}, epoch milliseconds) that instant plus a minute per line, for tests. A
   * line longer than {@code max.line.bytes} (64 MiB by default) is a dead letter holding its
   * beginning.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  static DataStream<RawEvent> file(
      StreamExecutionEnvironment env,
      String path,
      long tickingFrom,
      int maxLineBytes,
      RateLimiterStrategy<?> limiter) {
    long lines;
    try {
      lines = LineFile.countLines(path);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot read the events file " + path + ": " + e.getMessage(), e);
    }
    DataGeneratorSource<RawEvent> source =
        new DataGeneratorSource<>(
            new LinesGenerator(path, tickingFrom, maxLineBytes),
            lines,
            (RateLimiterStrategy) limiter,
            TypeInformation.of(RawEvent.class));
    return env.fromSource(source, WatermarkStrategy.noWatermarks(), "events " + path)
        .setParallelism(1)
        .uid("source");
  }
}
