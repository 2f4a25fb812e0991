package lakec.runtime.mapping;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;
import lakec.runtime.json.Json;

/**
 * Coercion of JSON values to column types, exactly as runtime/coerce.ts: strict (a value of the
 * wrong JSON type is a bad event), with the same messages. Values come out in the TypeScript
 * runtime's representation, so that payload keys and stored rows agree:
 *
 * <ul>
 *   <li>string, uuid (lower case), binary (base64), date ({@code YYYY-MM-DD}), decimal (canonical
 *       text): {@link String}
 *   <li>int, double, float (rounded to 32 bits), long: {@link Double}; a long beyond 2^53: its
 *       digits as a {@link String}
 *   <li>boolean: {@link Boolean}; timestamp: {@link Long} epoch milliseconds (inside a list, map or
 *       struct its ISO text)
 *   <li>list: {@link List}; map and struct: {@link LinkedHashMap} (struct: declared fields, in
 *       order)
 * </ul>
 */
public final class Coercion {
  /** Why a value does not fit its type. */
  public record Invalid(String message) {}

  private static final Pattern UUID =
      Pattern.compile(
          "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");
  private static final Pattern BASE64 =
      Pattern.compile("^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$");
  private static final Pattern LONG_DIGITS = Pattern.compile("^-?\\d{1,19}$");
  private static final BigInteger INT64_MIN = BigInteger.valueOf(Long.MIN_VALUE);
  private static final BigInteger INT64_MAX = BigInteger.valueOf(Long.MAX_VALUE);

  private Coercion() {}

  /**
   * A short description of a JSON value for messages: {@code the string "abc"}, {@code an object}.
   */
  public static String describe(Object v) {
    if (v == null || v == Json.NULL) return "null";
    if (v instanceof List) return "a list";
    if (v instanceof String s)
      return "the string " + Json.quote(s.length() > 40 ? s.substring(0, 40) + "..." : s);
    if (v instanceof Double || v instanceof Long) return "the number " + JsText.string(v);
    if (v instanceof Boolean b) return b.toString();
    if (v instanceof Map) return "an object";
    return v.getClass().getSimpleName();
  }

  private static Invalid expected(TypeSpec t, Object v, String detail) {
    return new Invalid(
        "expected "
            + TypeSpec.text(t)
            + ", got "
            + describe(v)
            + (detail != null ? " (" + detail + ")" : ""));
  }

  /**
   * The coercer of a type: a value, or an {@link Invalid}. {@code nested}: inside a list, map or
   * struct.
   */
  public static Function<Object, Object> coercer(TypeSpec t, boolean nested) {
    if (t instanceof TypeSpec.Decimal d) {
      int precision = d.precision();
      int scale = d.scale();
      return v -> {
        if (v instanceof String s) {
          String plain = Decimals.plain(s, precision, scale);
          if (plain != null) return plain;
        }
        if (!(v instanceof String) && !(v instanceof Double)) return expected(t, v, null);
        if (v instanceof Double x && !Double.isFinite(x)) return expected(t, v, null);
        Decimals.Result c =
            Decimals.canonical(
                v instanceof Double x ? Json.numberToString(x) : JsText.trim((String) v),
                precision,
                scale);
        return c.error() != null ? expected(t, v, c.error()) : c.value();
      };
    }
    if (t instanceof TypeSpec.ListType l) {
      Function<Object, Object> element = coercer(l.element(), true);
      boolean optional = l.elementOptional();
      return v -> {
        if (!(v instanceof List<?> list)) return expected(t, v, null);
        List<Object> out = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
          Object e = list.get(i);
          if (Specs.isNull(e)) {
            if (!optional)
              return new Invalid("element " + i + " is null, but the list's elements are required");
            out.add(null);
            continue;
          }
          Object c = element.apply(e);
          if (c instanceof Invalid bad) return new Invalid("element " + i + ": " + bad.message());
          out.add(c);
        }
        return out;
      };
    }
    if (t instanceof TypeSpec.MapType m) {
      Function<Object, Object> key = coercer(m.key(), true);
      Function<Object, Object> value = coercer(m.value(), true);
      boolean optional = m.valueOptional();
      boolean numericKey =
          m.key() instanceof TypeSpec.Primitive p
              && switch (p.name()) {
                case "int", "long", "float", "double" -> true;
                default -> false;
              };
      return v -> {
        if (!(v instanceof Map<?, ?> map)) return expected(t, v, null);
        LinkedHashMap<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> entry : map.entrySet()) {
          String k = (String) entry.getKey();
          Object e = entry.getValue();
          // JSON object keys are strings; a numeric key type reads them as numbers.
          Object kc =
              key.apply(numericKey && !JsText.trim(k).isEmpty() ? (Object) JsText.toNumber(k) : k);
          if (kc instanceof Invalid bad)
            return new Invalid("key " + Json.quote(k) + ": " + bad.message());
          if (Specs.isNull(e)) {
            if (!optional)
              return new Invalid(
                  "the value of key "
                      + Json.quote(k)
                      + " is null, but the map's values are required");
            out.put(JsText.string(kc), null);
            continue;
          }
          Object c = value.apply(e);
          if (c instanceof Invalid bad)
            return new Invalid("key " + Json.quote(k) + ": " + bad.message());
          out.put(JsText.string(kc), c);
        }
        return Json.jsOrder(out);
      };
    }
    if (t instanceof TypeSpec.StructType s) {
      List<TypeSpec.Field> fields = s.fields();
      List<Function<Object, Object>> coercers = new ArrayList<>();
      for (TypeSpec.Field f : fields) coercers.add(coercer(f.type(), true));
      return v -> {
        if (!(v instanceof Map<?, ?> o)) return expected(t, v, null);
        LinkedHashMap<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < fields.size(); i++) {
          TypeSpec.Field f = fields.get(i);
          Object e = o.get(f.name());
          if (Specs.isNull(e)) {
            if (!f.optional()) return new Invalid("field '" + f.name() + "' is missing");
            out.put(f.name(), null);
            continue;
          }
          Object c = coercers.get(i).apply(e);
          if (c instanceof Invalid bad)
            return new Invalid("field '" + f.name() + "': " + bad.message());
          out.put(f.name(), c);
        }
        return out;
      };
    }
    return primitive((TypeSpec.Primitive) t, nested);
  }

  private static Function<Object, Object> primitive(TypeSpec.Primitive t, boolean nested) {
    switch (t.name()) {
      case "string":
        return v -> v instanceof String ? v : expected(t, v, null);
      case "uuid":
        return v ->
            v instanceof String s && UUID.matcher(s).matches()
                ? s.toLowerCase(java.util.Locale.ROOT)
                : expected(t, v, null);
      case "binary":
        return v ->
            v instanceof String s && BASE64.matcher(s).matches()
                ? s
                : expected(t, v, "binary values are base64 strings");
      case "boolean":
        return v -> v instanceof Boolean ? v : expected(t, v, null);
      case "int":
        return v -> {
          if (v instanceof Double d && d == Math.rint(d) && d >= -2147483648.0 && d <= 2147483647.0)
            return d;
          return expected(t, v, v instanceof Double ? "not a 32-bit integer" : null);
        };
      case "long":
        return v -> {
          if (v instanceof Double d) {
            if (JsText.isSafeInteger(d)) return d;
            return expected(
                t,
                v,
                Double.isFinite(d) && d == Math.rint(d)
                    ? "beyond 2^53 a long must be sent as a string of digits"
                    : "not an integer");
          }
          if (v instanceof String s && LONG_DIGITS.matcher(s).matches()) {
            BigInteger b = new BigInteger(s);
            if (b.compareTo(INT64_MIN) < 0 || b.compareTo(INT64_MAX) > 0)
              return expected(t, v, "out of the 64-bit range");
            long n = b.longValue();
            return n >= -9007199254740991L && n <= 9007199254740991L
                ? (Object) (double) n
                : b.toString();
          }
          return expected(t, v, null);
        };
      case "float":
        return v -> {
          if (v instanceof Double d && Double.isFinite(d) && Float.isFinite((float) (double) d))
            return (double) (float) (double) d;
          return expected(t, v, null);
        };
      case "double":
        return v -> v instanceof Double d && Double.isFinite(d) ? v : expected(t, v, null);
      case "date":
        return v -> {
          if (!(v instanceof String s)) return expected(t, v, null);
          String d = Timestamps.parseDate(s);
          return d != null ? d : expected(t, v, "dates are written YYYY-MM-DD");
        };
      case "timestamp":
      case "timestamptz":
        return v -> {
          long ms;
          if (v instanceof String s) ms = Timestamps.parse(s);
          else if (v instanceof Double d && JsText.isSafeInteger(d)) ms = (long) (double) d;
          else return expected(t, v, null);
          if (ms == Timestamps.INVALID)
            return expected(
                t,
                v,
                "timestamps are ISO-8601, such as 2024-01-31T18:30:00.000Z, or epoch milliseconds");
          if (ms < Timestamps.MIN || ms > Timestamps.MAX)
            return expected(t, v, "outside the years 0001-9999");
          return nested ? Timestamps.format(ms) : (Object) ms;
        };
      default:
        throw new IllegalArgumentException("unknown column type '" + t.name() + "'");
    }
  }
}
