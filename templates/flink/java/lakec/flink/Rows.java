package lakec.flink;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lakec.runtime.bitemporal.PayloadCodec;
import lakec.runtime.bitemporal.Times;
import lakec.runtime.json.Json;
import lakec.runtime.mapping.DatasetSpec;
import lakec.runtime.mapping.Timestamps;
import lakec.runtime.mapping.TypeSpec;
import org.apache.flink.table.data.DecimalData;
import org.apache.flink.table.data.GenericArrayData;
import org.apache.flink.table.data.GenericMapData;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.types.RowKind;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * A dataset's rows between lakec's runtime representation (lakec.runtime.mapping.Coercion) and
 * Iceberg: the table schema (the stored columns: the dataset's, then {@code system_from} and {@code
 * system_to} for a bi-temporal table, with the Glue types Athena's DDL creates), Flink {@link
 * RowData} for the sink, and the JSON form of a row's values in keyed state and between operators.
 */
public final class Rows {
  public static final String SYSTEM_FROM = "system_from";
  public static final String SYSTEM_TO = "system_to";

  private final DatasetSpec spec;
  private final boolean bitemporal;

  public Rows(DatasetSpec spec) {
    this.spec = spec;
    this.bitemporal = spec.mode == DatasetSpec.Mode.BITEMPORAL;
  }

  /** Number of stored columns. */
  public int width() {
    return spec.columns.size() + (bitemporal ? 2 : 0);
  }

  // ---------------------------------------------------------------------------------------------
  // Schema

  /** The Iceberg schema of the table; {@code identifierFields} must be required columns. */
  public Schema schema(List<String> identifierFields) {
    int[] next = {width() + 1};
    List<Types.NestedField> fields = new ArrayList<>();
    for (int i = 0; i < spec.columns.size(); i++) {
      DatasetSpec.Column c = spec.columns.get(i);
      Type t = icebergType(c.type(), next);
      fields.add(
          c.optional()
              ? Types.NestedField.optional(i + 1, c.name(), t)
              : Types.NestedField.required(i + 1, c.name(), t));
    }
    if (bitemporal) {
      int n = spec.columns.size();
      fields.add(Types.NestedField.required(n + 1, SYSTEM_FROM, Types.TimestampType.withoutZone()));
      fields.add(Types.NestedField.optional(n + 2, SYSTEM_TO, Types.TimestampType.withoutZone()));
    }
    java.util.Set<Integer> ids = new java.util.HashSet<>();
    for (String name : identifierFields) {
      for (Types.NestedField f : fields) if (f.name().equals(name)) ids.add(f.fieldId());
    }
    return new Schema(fields, ids);
  }

  private static Type icebergType(TypeSpec t, int[] next) {
    if (t instanceof TypeSpec.Decimal d) return Types.DecimalType.of(d.precision(), d.scale());
    if (t instanceof TypeSpec.ListType l) {
      int id = next[0]++;
      Type e = icebergType(l.element(), next);
      return l.elementOptional()
          ? Types.ListType.ofOptional(id, e)
          : Types.ListType.ofRequired(id, e);
    }
    if (t instanceof TypeSpec.MapType m) {
      int k = next[0]++;
      int v = next[0]++;
      Type kt = icebergType(m.key(), next);
      Type vt = icebergType(m.value(), next);
      return m.valueOptional()
          ? Types.MapType.ofOptional(k, v, kt, vt)
          : Types.MapType.ofRequired(k, v, kt, vt);
    }
    if (t instanceof TypeSpec.StructType s) {
      int[] ids = new int[s.fields().size()];
      for (int i = 0; i < ids.length; i++) ids[i] = next[0]++;
      List<Types.NestedField> fields = new ArrayList<>();
      for (int i = 0; i < ids.length; i++) {
        TypeSpec.Field f = s.fields().get(i);
        Type ft = icebergType(f.type(), next);
        fields.add(
            f.optional()
                ? Types.NestedField.optional(ids[i], f.name(), ft)
                : Types.NestedField.required(ids[i], f.name(), ft));
      }
      return Types.StructType.of(fields);
    }
    return switch (((TypeSpec.Primitive) t).name()) {
      // uuid: Athena's DDL stores it as a string (the Glue type lakec declares).
      case "string", "uuid" -> Types.StringType.get();
      case "int" -> Types.IntegerType.get();
      case "long" -> Types.LongType.get();
      case "float" -> Types.FloatType.get();
      case "double" -> Types.DoubleType.get();
      case "boolean" -> Types.BooleanType.get();
      case "date" -> Types.DateType.get();
      case "timestamp" -> Types.TimestampType.withoutZone();
      case "timestamptz" -> Types.TimestampType.withZone();
      case "binary" -> Types.BinaryType.get();
      default -> throw new IllegalArgumentException("unknown column type " + t);
    };
  }

  // ---------------------------------------------------------------------------------------------
  // RowData

  /** A stored row: the values, with a bi-temporal version's times, as {@code kind}. */
  public RowData row(
      Object[] values, long validFrom, long validTo, long systemFrom, long systemTo, RowKind kind) {
    GenericRowData r = new GenericRowData(kind, width());
    for (int i = 0; i < spec.columns.size(); i++)
      r.setField(i, flink(spec.columns.get(i).type(), values[i]));
    if (bitemporal) {
      r.setField(spec.validFromIndex, TimestampData.fromEpochMillis(validFrom));
      r.setField(
          spec.validToIndex, validTo == Times.OPEN ? null : TimestampData.fromEpochMillis(validTo));
      int n = spec.columns.size();
      r.setField(n, TimestampData.fromEpochMillis(systemFrom));
      r.setField(n + 1, systemTo == Times.OPEN ? null : TimestampData.fromEpochMillis(systemTo));
    }
    return r;
  }

  /** An appended (or current-state) row. */
  public RowData row(Object[] values, RowKind kind) {
    return row(values, 0, Times.OPEN, 0, Times.OPEN, kind);
  }

  /**
   * A delete by identity: only the identifier columns are set (an equality delete reads only them).
   */
  public RowData deleteOf(Object[] values, long validFrom, long systemFrom) {
    GenericRowData r = new GenericRowData(RowKind.DELETE, width());
    for (int k : spec.keyIndexes) r.setField(k, flink(spec.columns.get(k).type(), values[k]));
    if (bitemporal) {
      r.setField(spec.validFromIndex, TimestampData.fromEpochMillis(validFrom));
      r.setField(spec.columns.size(), TimestampData.fromEpochMillis(systemFrom));
    }
    return r;
  }

  private static boolean isNull(Object v) {
    return v == null || v == Json.NULL;
  }

  private static long longOf(Object v) {
    if (v instanceof Number n) return n.longValue();
    return Long.parseLong((String) v);
  }

  /** A value of the runtime representation as Flink's internal data of its Iceberg type. */
  static Object flink(TypeSpec t, Object v) {
    if (isNull(v)) return null;
    if (t instanceof TypeSpec.Decimal d)
      return DecimalData.fromBigDecimal(new BigDecimal((String) v), d.precision(), d.scale());
    if (t instanceof TypeSpec.ListType l) {
      List<?> list = (List<?>) v;
      Object[] out = new Object[list.size()];
      for (int i = 0; i < out.length; i++) out[i] = flink(l.element(), list.get(i));
      return new GenericArrayData(out);
    }
    if (t instanceof TypeSpec.MapType m) {
      Map<Object, Object> out = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
        Object key = keyValue(m.key(), (String) e.getKey());
        out.put(flink(m.key(), key), flink(m.value(), e.getValue()));
      }
      return new GenericMapData(out);
    }
    if (t instanceof TypeSpec.StructType s) {
      Map<?, ?> o = (Map<?, ?>) v;
      GenericRowData r = new GenericRowData(s.fields().size());
      for (int i = 0; i < s.fields().size(); i++)
        r.setField(i, flink(s.fields().get(i).type(), o.get(s.fields().get(i).name())));
      return r;
    }
    return switch (((TypeSpec.Primitive) t).name()) {
      case "string", "uuid" -> StringData.fromString((String) v);
      case "int" -> (int) longOf(v);
      case "long" -> longOf(v);
      case "float" -> (float) ((Number) v).doubleValue();
      case "double" -> ((Number) v).doubleValue();
      case "boolean" -> v;
      case "date" -> (int) LocalDate.parse((String) v).toEpochDay();
      case "timestamp", "timestamptz" ->
          TimestampData.fromEpochMillis(v instanceof String s ? Timestamps.parse(s) : longOf(v));
      case "binary" -> Base64.getDecoder().decode((String) v);
      default -> throw new IllegalArgumentException("unknown column type " + t);
    };
  }

  /** A map key as the runtime holds it (always text) back to its type's value. */
  private static Object keyValue(TypeSpec t, String key) {
    if (t instanceof TypeSpec.Primitive p) {
      switch (p.name()) {
        case "int", "long", "float", "double":
          return Double.parseDouble(key);
        default:
          return key;
      }
    }
    return key;
  }

  // ---------------------------------------------------------------------------------------------
  // Values as JSON (between operators and in keyed state)

  public static String toJson(Object[] values) {
    return Json.stringify(java.util.Arrays.asList(values));
  }

  /** The values of {@link #toJson}, top-level timestamps back as epoch milliseconds. */
  public Object[] fromJson(String json) {
    List<?> list;
    try {
      list = (List<?>) Json.parse(json);
    } catch (Json.ParseException e) {
      throw new IllegalStateException("a row's values are not JSON: " + e.getMessage(), e);
    }
    Object[] values = new Object[list.size()];
    for (int i = 0; i < values.length; i++) {
      Object v = list.get(i);
      if (isNull(v)) continue;
      DatasetSpec.Column c = spec.columns.get(i);
      boolean epoch =
          c.source() instanceof DatasetSpec.IngestionTime
              || (c.source() instanceof DatasetSpec.Path
                  && c.type() instanceof TypeSpec.Primitive p
                  && (p.name().equals("timestamp") || p.name().equals("timestamptz")));
      values[i] = epoch ? (Object) ((Number) v).longValue() : v;
    }
    return values;
  }

  /** The values of {@link #toJson} from its UTF-8 bytes (a payload of {@link #ENCODED}). */
  public Object[] fromBytes(byte[] utf8) {
    return fromJson(new String(utf8, StandardCharsets.UTF_8));
  }

  /**
   * Payloads in keyed state: the row's values as UTF-8 JSON, kept encoded. A key's state is read
   * and written back on every event, but a payload is needed as values only when its row is
   * emitted: the operator decodes those ({@link #fromBytes}) and leaves the others as bytes (on the
   * benchmark's trades, a quarter of the job's CPU time went to parsing and printing payloads that
   * were only carried). The bytes in state are the same as a codec of decoded values writes: a
   * length, then the JSON.
   */
  public static final PayloadCodec<byte[]> ENCODED =
      new PayloadCodec<>() {
        @Override
        public void write(DataOutput out, byte[] payload) throws IOException {
          out.writeInt(payload.length);
          out.write(payload);
        }

        @Override
        public byte[] read(DataInput in) throws IOException {
          byte[] b = new byte[in.readInt()];
          in.readFully(b);
          return b;
        }
      };
}
