package lakec.flink;

import lakec.runtime.mapping.DatasetSpec;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.table.data.RowData;
import org.apache.flink.types.RowKind;

/**
 * An append-only dataset: every valid event is one new row; no keyed state, no identifier fields.
 */
public final class AppendRows extends RichMapFunction<Mapped, RowData> {
  private static final long serialVersionUID = 1L;

  private final String specJson;
  private transient Rows rows;
  private transient LongCounter changed;

  public AppendRows(String specJson) {
    this.specJson = specJson;
  }

  @Override
  public void open(OpenContext context) {
    rows = new Rows(DatasetSpec.parse(specJson));
    changed = new LongCounter();
    getRuntimeContext().addAccumulator(Metrics.CHANGED, changed);
  }

  @Override
  public RowData map(Mapped m) {
    // Every valid event of an append-only dataset is a new row.
    changed.add(1);
    return rows.row(rows.fromJson(m.values), RowKind.INSERT);
  }
}
