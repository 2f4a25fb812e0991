package lakec.flink;

import lakec.runtime.bitemporal.Op;
import lakec.runtime.json.JsonText;
import lakec.runtime.mapping.DatasetSpec;
import lakec.runtime.mapping.MappedEvent;
import lakec.runtime.mapping.Rejection;
import lakec.runtime.mapping.RowMapper;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MeterView;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Row mapping and validation (lakec.runtime.mapping.RowMapper: the TypeScript runtime's rules and
 * reasons): a good event goes on as {@link Mapped}, a bad one to the dead-letter side output with
 * its raw text, reason and position. Every record is accounted for, as in the runtime's partition:
 * an unreadable one (not UTF-8, too long) is a dead letter, a blank one (empty or whitespace only)
 * is skipped and counted, every other one is mapped. Stateless; runs before the shuffle by key.
 * Every record counts for the event-time lag at commit ({@link CommitLag}).
 */
public final class MapEvents extends ProcessFunction<RawEvent, Mapped>
    implements CheckpointedFunction, CheckpointListener {
  private static final long serialVersionUID = 1L;

  public static final OutputTag<DeadLetter> DEAD_LETTERS =
      new OutputTag<>("dead-letters") {
        private static final long serialVersionUID = 1L;
      };

  private final String specJson;
  private transient RowMapper mapper;
  private transient Counter deadLetters;
  private transient LongCounter recordsIn;
  private transient LongCounter rejected;
  private transient LongCounter blankLines;
  private transient CommitLag commitLag;

  public MapEvents(String specJson) {
    this.specJson = specJson;
  }

  @Override
  public void open(OpenContext context) {
    mapper = new RowMapper(DatasetSpec.parse(specJson));
    var group = Metrics.group(getRuntimeContext());
    deadLetters = group.counter(Metrics.DEAD_LETTER_RECORDS);
    group.meter(Metrics.DEAD_LETTERS_PER_SECOND, new MeterView(deadLetters));
    commitLag = new CommitLag();
    group.gauge(Metrics.EVENT_TIME_LAG, commitLag::lag);
    recordsIn = new LongCounter();
    rejected = new LongCounter();
    blankLines = new LongCounter();
    getRuntimeContext().addAccumulator(Metrics.RECORDS_IN, recordsIn);
    getRuntimeContext().addAccumulator(Metrics.DEAD_LETTERS_MAPPED, rejected);
    getRuntimeContext().addAccumulator(Metrics.BLANK_LINES, blankLines);
  }

  @Override
  public void processElement(RawEvent e, Context ctx, Collector<Mapped> out) {
    recordsIn.add(1);
    commitLag.arrived(e.ingestionTime);
    if (e.unreadable != null) {
      deadLetters.inc();
      rejected.add(1);
      ctx.output(DEAD_LETTERS, DeadLetter.unreadable(e));
      return;
    }
    if (JsonText.isBlank(e.text)) {
      blankLines.add(1);
      return;
    }
    Object result = mapper.map(e.text, e.ingestionTime);
    if (result instanceof Rejection r) {
      deadLetters.inc();
      rejected.add(1);
      ctx.output(DEAD_LETTERS, new DeadLetter(r.reason(), r.column(), e.position, e.text));
      return;
    }
    MappedEvent m = (MappedEvent) result;
    Mapped x = new Mapped();
    x.key = m.key();
    x.delete = m.op() == Op.DELETE;
    x.values = Rows.toJson(m.values());
    x.payloadKey = mapper.payloadKey(m.values());
    x.validFrom = m.validFrom();
    x.validTo = m.validTo();
    x.systemTime = m.systemTime();
    x.ingestionTime = e.ingestionTime;
    x.raw = e.text;
    x.position = e.position;
    out.collect(x);
  }

  @Override
  public void initializeState(FunctionInitializationContext context) {}

  @Override
  public void snapshotState(FunctionSnapshotContext context) {
    commitLag.barrier(context.getCheckpointId());
  }

  @Override
  public void notifyCheckpointComplete(long checkpointId) {
    commitLag.completed(checkpointId, System.currentTimeMillis());
  }
}
