package lakec.runtime.mapping;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import lakec.runtime.bitemporal.Op;
import lakec.runtime.bitemporal.Times;
import lakec.runtime.json.Json;
import lakec.runtime.json.JsonText;

/**
 * Row mapping and validation, exactly as runtime/mapping.ts: each column reads its SOURCE (a JSON
 * path, {@code raw_payload()} or {@code ingestion_time()}), is coerced to its type ({@link
 * Coercion}), then every {@code @check} runs on the whole row. Same reasons, same accepted and
 * rejected events (shared fixtures: test/vectors/mapping).
 *
 * <p>A keyed dataset reads the event's {@code op}: absent or {@code "put"} is a put, {@code
 * "delete"} a delete, and any other value ({@code "DELETE"}, {@code "upsert"}, {@code 1}, {@code
 * null}) is a bad event whose reason names the accepted values (a casing typo must not turn a
 * delete into an insert). A delete reads only the key, the valid interval and the system time. An
 * append-only dataset stores every event as it is and does not read {@code op}.
 *
 * <p>A column's number that the parse to doubles may have rounded (a long beyond 2^53, a decimal)
 * is read from the event's text, exactly ({@link Coercion#INEXACT}).
 */
public final class RowMapper {
  private interface Reader {
    Object read(Map<String, Object> event, String raw, long ingestionTime);
  }

  private record Compiled(
      String name,
      String where,
      boolean optional,
      Reader read,
      Function<Object, Object> coerce,
      List<Object> segments,
      Function<String, Object> exact,
      boolean identity) {}

  private record CompiledCheck(String column, String text, Checks.Predicate test) {}

  public final DatasetSpec spec;
  private final List<Compiled> columns = new ArrayList<>();
  private final List<CompiledCheck> checks = new ArrayList<>();
  private final boolean bitemporal;
  private final boolean readsOp;
  private final int singleKey;

  public RowMapper(DatasetSpec spec) {
    this.spec = spec;
    Set<Integer> identity = new HashSet<>();
    for (int k : spec.keyIndexes) identity.add(k);
    identity.add(spec.validFromIndex);
    identity.add(spec.validToIndex);
    identity.add(spec.systemIndex);
    for (int i = 0; i < spec.columns.size(); i++) {
      DatasetSpec.Column c = spec.columns.get(i);
      Reader read;
      Function<Object, Object> coerce;
      List<Object> segments = List.of();
      Function<String, Object> exact = null;
      if (c.source() instanceof DatasetSpec.Path p) {
        read = pathReader(p.segments());
        coerce = Coercion.coercer(c.type(), false);
        segments = p.segments();
        exact = Coercion.numberTextCoercer(c.type());
      } else if (c.source() instanceof DatasetSpec.RawPayload) {
        read = (e, raw, at) -> raw;
        coerce = RowMapper::rawPayload;
      } else {
        read = (e, raw, at) -> at;
        coerce = v -> v;
      }
      columns.add(
          new Compiled(
              c.name(),
              c.source().where(),
              c.optional(),
              read,
              coerce,
              segments,
              exact,
              identity.contains(i)));
      for (DatasetSpec.Check k : c.checks())
        checks.add(new CompiledCheck(c.name(), k.text(), Checks.compile(k.expr(), spec.columns)));
    }
    this.bitemporal = spec.mode == DatasetSpec.Mode.BITEMPORAL;
    this.readsOp = spec.mode != DatasetSpec.Mode.APPEND;
    this.singleKey = spec.keyIndexes.length == 1 ? spec.keyIndexes[0] : -1;
  }

  @SuppressWarnings("unchecked")
  private static Object step(Object x, Object segment) {
    if (x instanceof List<?> list) {
      String name = segment instanceof String s ? s : JsText.string(segment);
      if (Json.isArrayIndex(name)) {
        long i = Long.parseLong(name);
        return i < list.size() ? list.get((int) i) : null;
      }
      return name.equals("length") ? (Object) (double) list.size() : null;
    }
    if (x instanceof Map)
      return ((Map<String, Object>) x)
          .get(segment instanceof String s ? s : JsText.string(segment));
    return null;
  }

  private static Reader pathReader(List<Object> segments) {
    return (e, raw, at) -> {
      Object x = e;
      for (Object s : segments) {
        if (x == null || x == Json.NULL || !(x instanceof Map || x instanceof List)) return null;
        x = step(x, s);
      }
      return x;
    };
  }

  /**
   * The reason of an {@code op} other than the accepted ones, naming them (shared with the
   * TypeScript runtime through test/vectors/mapping).
   */
  public static String opReason(Object given) {
    return "'op' must be \"put\" or \"delete\" (or absent for a put), got "
        + Coercion.describe(given);
  }

  /** raw_payload(): the text as received, which the table stores when it is valid Unicode. */
  private static Object rawPayload(Object v) {
    String text = (String) v;
    int at = JsonText.loneSurrogate(text);
    if (at < 0) return text;
    return new Coercion.Invalid(
        "the event's text holds a lone UTF-16 surrogate ("
            + JsonText.escape(text.charAt(at))
            + ") at character "
            + at
            + ", which UTF-8, and so the table, cannot store");
  }

  /**
   * Maps one event given as its text as received. Returns a {@link MappedEvent} or a {@link
   * Rejection}.
   */
  public Object map(String raw, long ingestionTime) {
    Object event;
    try {
      event = Json.parse(raw);
    } catch (Json.ParseException e) {
      return new Rejection("malformed JSON: " + e.getMessage(), null);
    }
    return mapParsed(event, raw, ingestionTime);
  }

  @SuppressWarnings("unchecked")
  public Object mapParsed(Object event, String raw, long ingestionTime) {
    if (!(event instanceof Map))
      return new Rejection(
          "the event is " + Coercion.describe(event) + ", not a JSON object", null);
    Map<String, Object> e = (Map<String, Object>) event;
    Op op = Op.PUT;
    if (readsOp) {
      Object given = e.get("op");
      if ("delete".equals(given)) op = Op.DELETE;
      else if (given != null && !"put".equals(given)) return new Rejection(opReason(given), null);
    }
    Object[] values = new Object[columns.size()];
    for (int i = 0; i < values.length; i++) {
      Compiled c = columns.get(i);
      if (op == Op.DELETE && !c.identity()) continue;
      Object v = c.read().read(e, raw, ingestionTime);
      if (v == null || v == Json.NULL) {
        if (!c.optional())
          return new Rejection(
              "missing required field '" + c.name() + "' (" + c.where() + ")", c.name());
        continue;
      }
      Object x = c.coerce().apply(v);
      if (x == Coercion.INEXACT) {
        String text = JsonText.numberTextAt(raw, c.segments());
        x = c.exact().apply(text != null ? text : JsText.string(v));
      }
      if (x instanceof Coercion.Invalid bad)
        return new Rejection("'" + c.name() + "' (" + c.where() + "): " + bad.message(), c.name());
      values[i] = x;
    }
    if (op == Op.PUT) {
      for (CompiledCheck k : checks) {
        if (Boolean.FALSE.equals(k.test().test(values)))
          return new Rejection("check failed on '" + k.column() + "': " + k.text(), k.column());
      }
    }
    String key = keyOf(values);
    if (!bitemporal) return new MappedEvent(op, key, values, 0, Times.OPEN, ingestionTime);
    Object validTo = values[spec.validToIndex];
    long systemTime = spec.systemIndex >= 0 ? (Long) values[spec.systemIndex] : ingestionTime;
    return new MappedEvent(
        op,
        key,
        values,
        (Long) values[spec.validFromIndex],
        validTo == null ? Times.OPEN : (Long) validTo,
        systemTime);
  }

  /**
   * The canonical key of a row's values: the single key value as text, or the values as a JSON
   * array.
   */
  public String keyOf(Object[] values) {
    if (singleKey >= 0) return JsText.string(values[singleKey]);
    List<Object> keys = new ArrayList<>();
    for (int i : spec.keyIndexes) keys.add(values[i]);
    return Json.stringify(keys);
  }

  /** The canonical text of the payload columns' values (rules 1 and 2 compare payloads by it). */
  public String payloadKey(Object[] values) {
    StringBuilder b = new StringBuilder();
    b.append('[');
    int[] idx = spec.payloadIndexes;
    for (int i = 0; i < idx.length; i++) {
      if (i > 0) b.append(',');
      Json.write(b, values[idx[i]]);
    }
    return b.append(']').toString();
  }
}
