package lakec.flink;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lakec.runtime.json.Json;
import lakec.runtime.mapping.DatasetSpec;
import lakec.runtime.mapping.Timestamps;
import lakec.runtime.mapping.TypeSpec;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Types;

/**
 * A table's rows as {@code lakec replay} prints them (one JSON object per line): the stored columns
 * in order, timestamps as ISO-8601 UTC with milliseconds, decimals as exact strings with their
 * scale, a long beyond 2^53 as its digits, binary as base64; sorted as lakec replay sorts
 * (bi-temporal: key, valid_from, system_from; otherwise key, then every other primitive column;
 * text by its UTF-8 bytes, nulls last).
 */
public final class TableOutput {
  private TableOutput() {}

  /** Every row of the table, in lakec replay's order, as JSON lines. */
  public static List<String> lines(Table table, DatasetSpec spec) {
    List<Map<String, Object>> rows = new ArrayList<>();
    List<Types.NestedField> columns = table.schema().columns();
    try (CloseableIterable<Record> records = IcebergGenerics.read(table).build()) {
      for (Record r : records) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 0; i < columns.size(); i++)
          row.put(columns.get(i).name(), json(columns.get(i).type(), r.get(i)));
        rows.add(row);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    rows.sort(order(spec));
    List<String> out = new ArrayList<>(rows.size());
    for (Map<String, Object> row : rows) out.add(Json.stringify(row));
    return out;
  }

  /** The value as DuckDB hands it to lakec replay's JSON output. */
  static Object json(org.apache.iceberg.types.Type t, Object v) {
    if (v == null) return null;
    switch (t.typeId()) {
      case STRING:
        return v.toString();
      case INTEGER:
        return ((Integer) v).doubleValue();
      case LONG:
        {
          long l = (Long) v;
          return l >= -9007199254740991L && l <= 9007199254740991L
              ? (Object) (double) l
              : Long.toString(l);
        }
      case FLOAT:
        return ((Float) v).doubleValue();
      case DOUBLE:
        return v;
      case BOOLEAN:
        return v;
      case DECIMAL:
        return ((BigDecimal) v).toPlainString();
      case DATE:
        return ((LocalDate) v).toString();
      case TIMESTAMP:
        long ms =
            v instanceof OffsetDateTime o
                ? o.toInstant().toEpochMilli()
                : ((LocalDateTime) v).toInstant(ZoneOffset.UTC).toEpochMilli();
        return Timestamps.format(ms);
      case BINARY:
        {
          ByteBuffer b = ((ByteBuffer) v).duplicate();
          byte[] bytes = new byte[b.remaining()];
          b.get(bytes);
          return Base64.getEncoder().encodeToString(bytes);
        }
      case LIST:
        {
          List<Object> out = new ArrayList<>();
          for (Object e : (List<?>) v) out.add(json(t.asListType().elementType(), e));
          return out;
        }
      case MAP:
        {
          LinkedHashMap<String, Object> out = new LinkedHashMap<>();
          for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
            Object k = json(t.asMapType().keyType(), e.getKey());
            out.put(
                k instanceof Double d ? Json.numberToString(d) : String.valueOf(k),
                json(t.asMapType().valueType(), e.getValue()));
          }
          return Json.jsOrder(out);
        }
      case STRUCT:
        {
          Record r = (Record) v;
          LinkedHashMap<String, Object> out = new LinkedHashMap<>();
          List<Types.NestedField> fields = t.asStructType().fields();
          for (int i = 0; i < fields.size(); i++)
            out.put(fields.get(i).name(), json(fields.get(i).type(), r.get(i)));
          return out;
        }
      default:
        return v.toString();
    }
  }

  /** lakec replay's ORDER BY (runtime/sink/duckdb.ts rowsSql). */
  static Comparator<Map<String, Object>> order(DatasetSpec spec) {
    List<String> names = new ArrayList<>(spec.key);
    if (spec.mode == DatasetSpec.Mode.BITEMPORAL) {
      names.add(spec.bitemporal.validFrom());
      names.add(Rows.SYSTEM_FROM);
    } else {
      for (DatasetSpec.Column c : spec.columns)
        if (!spec.key.contains(c.name())) names.add(c.name());
    }
    List<String> sortable = new ArrayList<>();
    List<String> kinds = new ArrayList<>();
    for (String n : names) {
      DatasetSpec.Column c =
          spec.columns.stream().filter(x -> x.name().equals(n)).findFirst().orElse(null);
      if (c == null) {
        sortable.add(n);
        kinds.add("timestamp");
      } else if (c.type() instanceof TypeSpec.Decimal) {
        sortable.add(n);
        kinds.add("decimal");
      } else if (c.type() instanceof TypeSpec.Primitive p) {
        sortable.add(n);
        kinds.add(p.name());
      }
    }
    return (a, b) -> {
      for (int i = 0; i < sortable.size(); i++) {
        int c = compare(kinds.get(i), a.get(sortable.get(i)), b.get(sortable.get(i)));
        if (c != 0) return c;
      }
      return 0;
    };
  }

  /** DuckDB's order of two values of a column of this type, nulls last. */
  private static int compare(String kind, Object x, Object y) {
    if (x == null || y == null) return x == y ? 0 : x == null ? 1 : -1;
    switch (kind) {
      case "decimal", "long", "int", "float", "double":
        return decimal(x).compareTo(decimal(y));
      case "boolean":
        return Boolean.compare((Boolean) x, (Boolean) y);
      case "binary":
        return compareBytes(
            Base64.getDecoder().decode((String) x), Base64.getDecoder().decode((String) y));
      default:
        // Strings and UUIDs by their UTF-8 bytes; dates and ISO timestamps (fixed width) as text.
        return compareBytes(
            ((String) x).getBytes(StandardCharsets.UTF_8),
            ((String) y).getBytes(StandardCharsets.UTF_8));
    }
  }

  private static BigDecimal decimal(Object v) {
    return v instanceof Double d ? new BigDecimal(d) : new BigDecimal((String) v);
  }

  private static int compareBytes(byte[] a, byte[] b) {
    int n = Math.min(a.length, b.length);
    for (int i = 0; i < n; i++) {
      int c = Integer.compare(a[i] & 0xff, b[i] & 0xff);
      if (c != 0) return c;
    }
    return Integer.compare(a.length, b.length);
  }
}
