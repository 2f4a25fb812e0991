package lakec.flink.kinesis;

import java.nio.ByteBuffer;
import lakec.flink.EventSource;
import lakec.flink.JobSpec;
import lakec.flink.RawEvent;
import lakec.flink.Settings;
import lakec.runtime.json.Json;
import lakec.runtime.source.Record;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.kinesis.source.KinesisStreamsSource;
import org.apache.flink.connector.kinesis.source.config.KinesisSourceConfigOptions;
import org.apache.flink.connector.kinesis.source.serialization.KinesisDeserializationSchema;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.Collector;
import software.amazon.kinesis.retrieval.KinesisClientRecord;

/**
 * The Kinesis source (Flink's KinesisStreamsSource), behind the {@link EventSource} seam. Compiled
 * only with {@code mvn -Pkinesis}: flink-connector-aws-kinesis-streams has no Flink-2 release on
 * the registry lakec is developed against, so lakec's CI neither builds nor tests this class.
 *
 * <p>Each record becomes a {@link RawEvent}: its data as UTF-8 text (or, not UTF-8, an unreadable
 * record with its bytes), its position {@code {"stream","shard","sequenceNumber"}} and its
 * approximate arrival time ({@code ingestion_time()}). A stream read by several datasets'
 * applications gets one enhanced fan-out consumer per application (each reads the stream's full 2
 * MiB/s per shard); a stream with one reader is polled.
 */
public final class KinesisEventSource implements EventSource {
  @Override
  public DataStream<RawEvent> create(
      StreamExecutionEnvironment env, JobSpec job, Settings settings) {
    String arn = settings.require("lakec.source", "stream.arn");
    Configuration config = new Configuration();
    String reader =
        settings.get("lakec.source", "reader", job.streamReaders > 1 ? "efo" : "polling");
    if (reader.equals("efo")) {
      config.set(KinesisSourceConfigOptions.READER_TYPE, KinesisSourceConfigOptions.ReaderType.EFO);
      config.set(
          KinesisSourceConfigOptions.EFO_CONSUMER_NAME,
          settings.get("lakec.source", "efo.consumer", job.application));
    } else if (!reader.equals("polling")) {
      throw new IllegalArgumentException(
          "the application property reader of group lakec.source must be efo or polling, not '"
              + reader
              + "'");
    }
    config.set(
        KinesisSourceConfigOptions.STREAM_INITIAL_POSITION,
        KinesisSourceConfigOptions.InitialPosition.valueOf(
            settings.get("lakec.source", "initial.position", "TRIM_HORIZON")));
    KinesisStreamsSource<RawEvent> source =
        KinesisStreamsSource.<RawEvent>builder()
            .setStreamArn(arn)
            .setSourceConfig(config)
            .setDeserializationSchema(new Records())
            .build();
    return env.fromSource(source, WatermarkStrategy.noWatermarks(), "kinesis " + job.stream)
        .uid("source");
  }

  /** A record as a RawEvent. */
  static final class Records implements KinesisDeserializationSchema<RawEvent> {
    private static final long serialVersionUID = 1L;

    @Override
    public void deserialize(
        KinesisClientRecord record, String stream, String shardId, Collector<RawEvent> output) {
      ByteBuffer data = record.data().duplicate();
      byte[] bytes = new byte[data.remaining()];
      data.get(bytes);
      String position =
          "{\"stream\":"
              + Json.quote(stream)
              + ",\"shard\":"
              + Json.quote(shardId)
              + ",\"sequenceNumber\":"
              + Json.quote(record.sequenceNumber())
              + "}";
      long arrival =
          record.approximateArrivalTimestamp() != null
              ? record.approximateArrivalTimestamp().toEpochMilli()
              : System.currentTimeMillis();
      // Bytes that are not UTF-8 become an unreadable record (a dead letter keeping them).
      output.collect(RawEvent.of(Record.of(bytes, 0, bytes.length), position, arrival));
    }

    @Override
    public TypeInformation<RawEvent> getProducedType() {
      return TypeInformation.of(RawEvent.class);
    }
  }
}
