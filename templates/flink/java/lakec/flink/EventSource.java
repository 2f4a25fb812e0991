package lakec.flink;

import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The source seam: where a dataset's events come from. {@link EventSources} picks the
 * implementation from the application property {@code lakec.source/kind}: a JSON-lines file (local
 * runs and tests) or Kinesis (lakec.flink.kinesis.KinesisEventSource, only in jars built with
 * {@code mvn -Pkinesis}).
 */
public interface EventSource {
  /** The events, in order per key (a key's events must reach its operator in arrival order). */
  DataStream<RawEvent> create(StreamExecutionEnvironment env, JobSpec job, Settings settings);
}
