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
 *
 * <p>A column's own JSON number that the parse to a double may have rounded (a long beyond 2^53,
 * any decimal) is not coerced here: the coercer answers {@link #INEXACT} and the mapper reads the
 * number's text from the event ({@link lakec.runtime.json.JsonText#numberTextAt}) for {@link
 * #numberTextCoercer}. Inside a list, map or struct the double is all there is.
 */
public final class Coercion {
  /** Why a value does not fit its type. */
  public record Invalid(String message) {}

  /**
   * A column's JSON number that may have been rounded: read its text from the event and coerce that
   * with {@link #numberTextCoercer}. Never returned for a value inside a list, map or struct.
   */
  public static final Object INEXACT =
      new Object() {
        @Override
        public String toString() {
          return "inexact number";
        }
      };

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
    return expectedGot(t, describe(v), detail);
  }

  /** {@code text} is the text of a JSON number, described as that number. */
  private static Invalid expectedNumber(TypeSpec t, String text, String detail) {
    return expectedGot(
        t, "the number " + (text.length() > 40 ? text.substring(0, 40) + "..." : text), detail);
  }

  private static Invalid expectedGot(TypeSpec t, String got, String detail) {
    return new Invalid(
        "expected "
            + TypeSpec.text(t)
            + ", got "
            + got
            + (detail != null ? " (" + detail + ")" : ""));
  }

  /**
   * The coercer of a column's number given as its JSON text, for the types whose coercer may answer
   * {@link #INEXACT} (decimal, long); null for the others.
   */
  public static Function<String, Object> numberTextCoercer(TypeSpec t) {
    if (t instanceof TypeSpec.Decimal d) {
      return text -> {
        Decimals.Result c = Decimals.canonical(text, d.precision(), d.scale());
        return c.error() != null ? expectedNumber(t, text, c.error()) : c.value();
      };
    }
    if (t instanceof TypeSpec.Primitive p && p.name().equals("long")) {
      return text -> {
        // An integer written with a fraction or an exponent (1.0, 1e3) is that integer.
        Decimals.Result c = Decimals.canonical(text, 400, 0);
        if (c.error() != null)
          return expectedNumber(
              t,
              text,
              c.error().contains("decimal places") ? "not an integer" : "out of the 64-bit range");
        return c.value().replace("-", "").length() > 19
            ? expectedNumber(t, text, "out of the 64-bit range")
            : longOfDigits(t, c.value(), text, true);
      };
    }
    return null;
  }

  /**
   * A long from its decimal digits (at most 19, maybe signed): a number when safe, else the digits.
   * {@code asNumber}: {@code shown} is the text of a JSON number.
   */
  private static Object longOfDigits(TypeSpec t, String digits, String shown, boolean asNumber) {
    BigInteger b = new BigInteger(digits);
    if (b.compareTo(INT64_MIN) < 0 || b.compareTo(INT64_MAX) > 0)
      return asNumber
          ? expectedNumber(t, shown, "out of the 64-bit range")
          : expected(t, shown, "out of the 64-bit range");
    long n = b.longValue();
    return n >= -9007199254740991L && n <= 9007199254740991L ? (Object) (double) n : b.toString();
  }

  /** Significant digits of a number's decimal text ({@code 1.2300e5} has 3). */
  private static int significantDigits(String text) {
    String mantissa = text.replaceFirst("^-", "").replaceFirst("[eE].*$", "").replace(".", "");
    return mantissa.replaceFirst("^0+", "").replaceFirst("0+$", "").length();
  }

  private static Invalid notUnicode(TypeSpec t, String v) {
    int at = lakec.runtime.json.JsonText.loneSurrogate(v);
    return expected(
        t,
        v,
        "it holds a lone UTF-16 surrogate ("
            + lakec.runtime.json.JsonText.escape(v.charAt(at))
            + ") at character "
            + at
            + ", which is not a Unicode character: UTF-8, and so the table, cannot store it");
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
        if (v instanceof Double x) {
          // A JSON number went through a double: a column's own number is read from its text
          // (exact); inside a list, map or struct the double is all there is, so it must hold the
          // number exactly as far as a double can tell.
          if (!nested) return INEXACT;
          if (!Double.isFinite(x)) return expected(t, v, "out of the range of a double");
          if (significantDigits(Json.numberToString(x)) > 15)
            return expected(
                t,
                v,
                "inside a list, map or struct, a decimal number with more than 15 significant"
                    + " digits must be sent as a string");
        }
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
        return v -> {
          if (!(v instanceof String s)) return expected(t, v, null);
          return lakec.runtime.json.JsonText.isWellFormed(s) ? s : notUnicode(t, s);
        };
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
            boolean integer = Double.isFinite(d) && d == Math.rint(d);
            // Beyond 2^53 (or beyond a double) the parse rounded the number: a column's own number
            // is read from its text, exactly.
            if (!nested && (integer || !Double.isFinite(d))) return INEXACT;
            return expected(
                t,
                v,
                integer
                    ? "inside a list, map or struct, a long beyond 2^53 must be sent as a string of"
                        + " digits"
                    : "not an integer");
          }
          if (v instanceof String s && LONG_DIGITS.matcher(s).matches())
            return longOfDigits(t, s, s, false);
          return expected(t, v, null);
        };
      case "float":
        // Rounded to 32 bits here, as the table stores it, so a value read back compares equal.
        return v -> {
          if (!(v instanceof Double d)) return expected(t, v, null);
          float f = (float) (double) d;
          return Float.isFinite(f)
              ? (Object) (double) f
              : expected(t, v, "out of the range of a float");
        };
      case "double":
        return v -> {
          if (!(v instanceof Double d)) return expected(t, v, null);
          return Double.isFinite(d) ? v : expected(t, v, "out of the range of a double");
        };
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
