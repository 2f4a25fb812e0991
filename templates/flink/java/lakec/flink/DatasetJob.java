package lakec.flink;

import lakec.runtime.mapping.DatasetSpec;
import org.apache.flink.api.common.serialization.SimpleStringEncoder;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.filesystem.OutputFileConfig;
import org.apache.flink.streaming.api.functions.sink.filesystem.rollingpolicies.OnCheckpointRollingPolicy;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.runtime.typeutils.InternalTypeInfo;
import org.apache.flink.table.types.logical.RowType;
import org.apache.iceberg.flink.FlinkSchemaUtil;
import org.apache.iceberg.flink.TableLoader;
import org.apache.iceberg.flink.sink.FlinkSink;

/**
 * One dataset's pipeline: source -> mapping and validation (dead letters to a side output) -> by
 * key: the bi-temporal core or the current-state upsert (append-only datasets skip the shuffle) ->
 * the Iceberg sink; dead letters -> JSON-lines files under the dataset's dead-letter prefix. Every
 * stateful operator has a fixed uid, so savepoints survive code changes.
 */
public final class DatasetJob {
  private DatasetJob() {}

  public static void build(
      StreamExecutionEnvironment env,
      JobSpec job,
      Settings settings,
      RateLimiterStrategy<?> limiter) {
    DatasetSpec spec = job.dataset;
    String specJson = lakec.runtime.json.Json.stringify(job.datasetJson);
    env.setMaxParallelism(job.maxParallelism);
    TableLoader table = Tables.prepare(job, settings);
    RowType rowType = FlinkSchemaUtil.convert(new Rows(spec).schema(job.identifierFields));
    InternalTypeInfo<RowData> rowInfo = InternalTypeInfo.of(rowType);

    DataStream<RawEvent> events = EventSources.create(env, job, settings, limiter);
    // Mapping runs beside its source (same parallelism, chained): a key's events keep their order
    // up to the shuffle by key, which keeps the order of each sender.
    SingleOutputStreamOperator<Mapped> mapped =
        events
            .process(new MapEvents(specJson))
            .uid("map")
            .name("map and validate " + spec.name)
            .setParallelism(events.getParallelism());
    DataStream<DeadLetter> deadLetters = mapped.getSideOutput(MapEvents.DEAD_LETTERS);
    DataStream<RowData> rows;
    switch (spec.mode) {
      case BITEMPORAL -> {
        SingleOutputStreamOperator<RowData> history =
            mapped
                .keyBy(m -> m.key)
                .process(new BitemporalFunction(specJson), rowInfo)
                .uid("bitemporal-state")
                .name("bi-temporal history " + spec.name);
        deadLetters = deadLetters.union(history.getSideOutput(MapEvents.DEAD_LETTERS));
        rows = history;
      }
      case CURRENT ->
          rows =
              mapped
                  .keyBy(m -> m.key)
                  .process(new CurrentFunction(specJson), rowInfo)
                  .uid("current-state")
                  .name("current state " + spec.name);
      default ->
          rows =
              mapped.map(new AppendRows(specJson), rowInfo).uid("rows").name("rows " + spec.name);
    }
    boolean upsert = spec.mode != DatasetSpec.Mode.APPEND;
    FlinkSink.Builder sink =
        FlinkSink.forRowData(rows).tableLoader(table).uidPrefix("iceberg-sink").upsert(upsert);
    if (upsert) sink.equalityFieldColumns(job.identifierFields);
    sink.append();

    String deadLetterPath = settings.require("lakec.deadletters", "path");
    FileSink<String> files =
        FileSink.forRowFormat(new Path(deadLetterPath), new SimpleStringEncoder<String>("UTF-8"))
            .withRollingPolicy(OnCheckpointRollingPolicy.build())
            .withOutputFileConfig(
                OutputFileConfig.builder()
                    .withPartPrefix("dead-letters")
                    .withPartSuffix(".jsonl")
                    .build())
            .build();
    deadLetters
        .map(DeadLetter::toJsonLine)
        .uid("dead-letter-lines")
        .name("dead letters " + spec.name)
        .sinkTo(files)
        .uid("dead-letter-sink")
        .name("dead-letter files");
  }
}
