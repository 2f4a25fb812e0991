package lakec.flink;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import lakec.runtime.bitemporal.ApplyResult;
import lakec.runtime.bitemporal.BitemporalKeyState;
import lakec.runtime.bitemporal.Event;
import lakec.runtime.bitemporal.Version;
import lakec.runtime.bitemporal.VersionId;
import lakec.runtime.mapping.DatasetSpec;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MeterView;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.table.data.RowData;
import org.apache.flink.types.RowKind;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bi-temporal history of each key (DESIGN.md section 2), by lakec's Java core
 * (lakec.runtime.bitemporal, the same rules as the TypeScript runtime, tested on the shared
 * vectors). The key's whole state is one packed value (one {@link ValueState} of bytes: a value per
 * field costs about twice the CPU on RocksDB). Emits the rows to upsert on (key, valid_from,
 * system_from), and deletes for rows rule 3 removed; rejected events go to the dead-letter output.
 */
public final class BitemporalFunction extends KeyedProcessFunction<String, Mapped, RowData> {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(BitemporalFunction.class);

  private final String specJson;
  private transient DatasetSpec spec;
  private transient Rows rows;
  private transient ValueState<byte[]> state;
  private transient ApplyResult<byte[]> result;
  private transient Counter adjusted;
  private transient Counter late;
  private transient Counter duplicates;
  private transient Counter deadLetters;
  private transient LongCounter adjustedTotal;
  private transient LongCounter lateTotal;
  private transient LongCounter duplicateTotal;
  private transient LongCounter rejectedTotal;
  private transient LongCounter changedTotal;
  private transient LongCounter unchangedTotal;

  public BitemporalFunction(String specJson) {
    this.specJson = specJson;
  }

  @Override
  public void open(OpenContext context) {
    spec = DatasetSpec.parse(specJson);
    rows = new Rows(spec);
    state =
        getRuntimeContext()
            .getState(
                new ValueStateDescriptor<>(
                    "bitemporal", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
    result = new ApplyResult<>();
    var group = Metrics.group(getRuntimeContext());
    adjusted = group.counter(Metrics.ADJUSTED_SYSTEM_TIMES);
    late = group.counter(Metrics.LATE_EVENTS);
    duplicates = group.counter(Metrics.DUPLICATE_EVENTS);
    deadLetters = group.counter(Metrics.DEAD_LETTER_RECORDS);
    group.meter(Metrics.DEAD_LETTERS_PER_SECOND, new MeterView(deadLetters));
    adjustedTotal = counter(Metrics.ADJUSTED);
    lateTotal = counter(Metrics.LATE);
    duplicateTotal = counter(Metrics.DUPLICATES);
    rejectedTotal = counter(Metrics.DEAD_LETTERS_CORE);
    changedTotal = counter(Metrics.CHANGED);
    unchangedTotal = counter(Metrics.UNCHANGED);
  }

  private LongCounter counter(String name) {
    LongCounter c = new LongCounter();
    getRuntimeContext().addAccumulator(name, c);
    return c;
  }

  @Override
  public void processElement(Mapped m, Context ctx, Collector<RowData> out) throws IOException {
    byte[] bytes = state.value();
    // Payloads stay the UTF-8 JSON of their values (Rows.ENCODED): only emitted rows decode them.
    BitemporalKeyState<byte[]> s =
        bytes == null
            ? new BitemporalKeyState<>(spec.dedupWindow, spec.late)
            : BitemporalKeyState.readFrom(
                new DataInputStream(new ByteArrayInputStream(bytes)),
                Rows.ENCODED,
                spec.dedupWindow,
                spec.late);
    Event<byte[]> e =
        m.delete
            ? Event.delete(m.validFrom, m.validTo, m.systemTime)
            : Event.put(
                m.validFrom,
                m.validTo,
                m.systemTime,
                m.values.getBytes(StandardCharsets.UTF_8),
                m.payloadKey);
    ApplyResult<byte[]> r = s.apply(e, result);
    if (r.late) {
      late.inc();
      lateTotal.add(1);
      LOG.warn(
          "late event for key {} at {}: it states system time {}, at or before {}, the newest one"
              + " the key's dedup window ({} events) has forgotten; {}",
          m.key,
          m.position,
          m.systemTime,
          r.forgottenStated,
          spec.dedupWindow,
          r.rejected != null ? "dead-lettered (late = dead_letter)" : "applied at " + r.systemTime);
    }
    if (r.rejected != null) {
      deadLetters.inc();
      rejectedTotal.add(1);
      ctx.output(MapEvents.DEAD_LETTERS, new DeadLetter(r.rejected, null, m.position, m.raw));
      return;
    }
    if (r.duplicate) {
      duplicates.inc();
      duplicateTotal.add(1);
      return;
    }
    if (r.adjustedSystemTime) {
      adjusted.inc();
      adjustedTotal.add(1);
    }
    // Every applied event moves the key's clock (rule 5), whether or not it changed a row.
    if (r.changed()) changedTotal.add(1);
    else unchangedTotal.add(1);
    if (!r.removed.isEmpty()) {
      Object[] values = rows.fromJson(m.values);
      for (VersionId id : r.removed)
        out.collect(rows.deleteOf(values, id.validFrom(), id.systemFrom()));
    }
    for (Version<byte[]> v : r.closed)
      out.collect(
          rows.row(
              rows.fromBytes(v.payload()),
              v.validFrom(),
              v.validTo(),
              v.systemFrom(),
              v.systemTo(),
              RowKind.INSERT));
    for (Version<byte[]> v : r.added)
      out.collect(
          rows.row(
              rows.fromBytes(v.payload()),
              v.validFrom(),
              v.validTo(),
              v.systemFrom(),
              v.systemTo(),
              RowKind.INSERT));
    ByteArrayOutputStream buffer =
        new ByteArrayOutputStream(bytes == null ? 256 : bytes.length + 128);
    s.writeTo(new DataOutputStream(buffer), Rows.ENCODED);
    state.update(buffer.toByteArray());
  }
}
