package lakec.flink;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import lakec.runtime.bitemporal.CurrentKeyState;
import lakec.runtime.bitemporal.Op;
import lakec.runtime.mapping.DatasetSpec;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.table.data.RowData;
import org.apache.flink.types.RowKind;
import org.apache.flink.util.Collector;

/**
 * A current-state table (a key without {@code bitemporal}): one row per key, upserted by key in
 * arrival order, removed by {@code "op": "delete"}; an exact redelivery of one of the key's last
 * events is a duplicate. One packed value per key.
 */
public final class CurrentFunction extends KeyedProcessFunction<String, Mapped, RowData> {
  private static final long serialVersionUID = 1L;

  private final String specJson;
  private transient DatasetSpec spec;
  private transient Rows rows;
  private transient ValueState<byte[]> state;
  private transient Counter duplicates;
  private transient LongCounter duplicateTotal;
  private transient LongCounter changedTotal;
  private transient LongCounter unchangedTotal;

  public CurrentFunction(String specJson) {
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
                    "current", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
    duplicates = Metrics.group(getRuntimeContext()).counter(Metrics.DUPLICATE_EVENTS);
    duplicateTotal = new LongCounter();
    changedTotal = new LongCounter();
    unchangedTotal = new LongCounter();
    getRuntimeContext().addAccumulator(Metrics.DUPLICATES, duplicateTotal);
    getRuntimeContext().addAccumulator(Metrics.CHANGED, changedTotal);
    getRuntimeContext().addAccumulator(Metrics.UNCHANGED, unchangedTotal);
  }

  @Override
  public void processElement(Mapped m, Context ctx, Collector<RowData> out) throws IOException {
    byte[] bytes = state.value();
    // The payload stays the UTF-8 JSON of its values (Rows.ENCODED): only an emitted row decodes.
    CurrentKeyState<byte[]> s =
        bytes == null
            ? new CurrentKeyState<>(spec.dedupWindow)
            : CurrentKeyState.readFrom(
                new DataInputStream(new ByteArrayInputStream(bytes)),
                Rows.ENCODED,
                spec.dedupWindow);
    CurrentKeyState.Outcome o =
        s.apply(
            m.delete ? Op.DELETE : Op.PUT,
            m.values.getBytes(StandardCharsets.UTF_8),
            m.delete ? null : m.payloadKey);
    switch (o) {
      case DUPLICATE -> {
        duplicates.inc();
        duplicateTotal.add(1);
        return;
      }
      case UPSERTED -> {
        changedTotal.add(1);
        out.collect(rows.row(rows.fromJson(m.values), RowKind.INSERT));
      }
      case DELETED -> {
        changedTotal.add(1);
        out.collect(rows.deleteOf(rows.fromJson(m.values), 0, 0));
      }
      case UNCHANGED -> unchangedTotal.add(1);
    }
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    s.writeTo(new DataOutputStream(buffer), Rows.ENCODED);
    state.update(buffer.toByteArray());
  }
}
