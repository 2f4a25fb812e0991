package lakec.runtime.json;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON as JavaScript's {@code JSON.parse} and {@code JSON.stringify} see it, so that the Java job
 * maps an event exactly as lakec's TypeScript runtime does: every number is a double (a long beyond
 * 2^53 must come as a string, as there), the last of duplicate member names wins, object members
 * keep JavaScript's order (integer-like names first, ascending, then insertion order), and numbers
 * print as JavaScript prints them.
 *
 * <p>Values: {@link #NULL}, {@link Boolean}, {@link Double}, {@link String}, {@code List<Object>},
 * {@code Map<String, Object>} (a {@link LinkedHashMap}).
 */
public final class Json {
  /** JSON null (Java null means "absent", as JavaScript's undefined). */
  public static final Object NULL =
      new Object() {
        @Override
        public String toString() {
          return "null";
        }
      };

  private Json() {}

  /** A malformed document: the message says where, in the parser's own words. */
  public static final class ParseException extends Exception {
    private static final long serialVersionUID = 1L;

    ParseException(String message) {
      super(message);
    }
  }

  public static Object parse(String text) throws ParseException {
    Parser p = new Parser(text);
    p.skipSpace();
    Object v = p.value();
    p.skipSpace();
    if (p.at < text.length()) throw p.error("Unexpected non-whitespace character after JSON");
    return v;
  }

  private static final class Parser {
    final String s;
    int at;

    Parser(String s) {
      this.s = s;
    }

    ParseException error(String what) {
      return new ParseException(what + " at position " + at);
    }

    void skipSpace() {
      while (at < s.length()) {
        char c = s.charAt(at);
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') at++;
        else break;
      }
    }

    /** A container being filled: a list, or an object and the name of its member being read. */
    private static final class Frame {
      final List<Object> list;
      final LinkedHashMap<String, Object> object;
      String name;
      boolean integerNames;

      Frame(List<Object> list, LinkedHashMap<String, Object> object) {
        this.list = list;
        this.object = object;
      }
    }

    /**
     * One value, iteratively (an explicit stack of open containers), so that any nesting depth
     * parses, as JavaScript's parser does: a deeply nested event must be a row or a dead letter,
     * never a stack overflow.
     */
    Object value() throws ParseException {
      ArrayDeque<Frame> stack = new ArrayDeque<>();
      while (true) {
        skipSpace();
        if (at >= s.length()) throw new ParseException("Unexpected end of JSON input");
        char c = s.charAt(at);
        Object v;
        if (c == '{') {
          at++;
          skipSpace();
          if (at < s.length() && s.charAt(at) == '}') {
            at++;
            v = new LinkedHashMap<String, Object>();
          } else {
            Frame f = new Frame(null, new LinkedHashMap<>());
            f.name = memberName();
            stack.push(f);
            continue;
          }
        } else if (c == '[') {
          at++;
          skipSpace();
          if (at < s.length() && s.charAt(at) == ']') {
            at++;
            v = new ArrayList<Object>();
          } else {
            stack.push(new Frame(new ArrayList<>(), null));
            continue;
          }
        } else {
          v = scalar(c);
        }
        // Hand the finished value to its container; close the containers it completes.
        while (true) {
          Frame f = stack.peek();
          if (f == null) return v;
          if (f.list != null) {
            f.list.add(v);
          } else {
            // JavaScript: a repeated name keeps its first place and takes the last value.
            f.object.put(f.name, v);
            f.integerNames |= isArrayIndex(f.name);
          }
          skipSpace();
          if (at >= s.length()) throw new ParseException("Unexpected end of JSON input");
          char d = s.charAt(at++);
          if (f.list != null) {
            if (d == ']') {
              stack.pop();
              v = f.list;
              continue;
            }
            if (d != ',') {
              at--;
              throw error("Expected ',' or ']' after array element");
            }
          } else {
            if (d == '}') {
              stack.pop();
              v = f.integerNames ? jsOrder(f.object) : f.object;
              continue;
            }
            if (d != ',') {
              at--;
              throw error("Expected ',' or '}' after property value");
            }
            skipSpace();
            f.name = memberName();
          }
          break;
        }
      }
    }

    /** A member name and its colon, at a name's opening quote (after spaces). */
    String memberName() throws ParseException {
      if (at >= s.length()) throw new ParseException("Unexpected end of JSON input");
      if (s.charAt(at) != '"') throw error("Expected property name or '}'");
      String name = string();
      skipSpace();
      if (at >= s.length()) throw new ParseException("Unexpected end of JSON input");
      if (s.charAt(at) != ':') throw error("Expected ':' after property name");
      at++;
      return name;
    }

    Object scalar(char c) throws ParseException {
      switch (c) {
        case '"':
          return string();
        case 't':
          return literal("true", Boolean.TRUE);
        case 'f':
          return literal("false", Boolean.FALSE);
        case 'n':
          return literal("null", NULL);
        default:
          if (c == '-' || (c >= '0' && c <= '9')) return number();
          throw error("Unexpected token '" + c + "'");
      }
    }

    Object literal(String word, Object v) throws ParseException {
      if (!s.startsWith(word, at)) throw error("Unexpected token '" + s.charAt(at) + "'");
      at += word.length();
      return v;
    }

    Object number() throws ParseException {
      int start = at;
      if (s.charAt(at) == '-') at++;
      if (at < s.length() && s.charAt(at) == '0') at++;
      else if (!digits()) throw error("No number after minus sign");
      if (at < s.length() && s.charAt(at) == '.') {
        at++;
        if (!digits()) throw error("Unterminated fractional number");
      }
      if (at < s.length() && (s.charAt(at) == 'e' || s.charAt(at) == 'E')) {
        at++;
        if (at < s.length() && (s.charAt(at) == '+' || s.charAt(at) == '-')) at++;
        if (!digits()) throw error("Exponent part is missing a number");
      }
      return Double.parseDouble(s.substring(start, at));
    }

    boolean digits() {
      int start = at;
      while (at < s.length() && s.charAt(at) >= '0' && s.charAt(at) <= '9') at++;
      return at > start;
    }

    String string() throws ParseException {
      at++; // opening quote
      StringBuilder b = null;
      int run = at;
      while (true) {
        if (at >= s.length()) throw error("Unterminated string in JSON");
        char c = s.charAt(at);
        if (c == '"') {
          String out = b == null ? s.substring(run, at) : b.append(s, run, at).toString();
          at++;
          return out;
        }
        if (c < 0x20) throw error("Bad control character in string literal");
        if (c != '\\') {
          at++;
          continue;
        }
        if (b == null) b = new StringBuilder();
        b.append(s, run, at);
        at++;
        if (at >= s.length()) throw error("Unterminated string in JSON");
        char e = s.charAt(at++);
        switch (e) {
          case '"' -> b.append('"');
          case '\\' -> b.append('\\');
          case '/' -> b.append('/');
          case 'b' -> b.append('\b');
          case 'f' -> b.append('\f');
          case 'n' -> b.append('\n');
          case 'r' -> b.append('\r');
          case 't' -> b.append('\t');
          case 'u' -> {
            if (at + 4 > s.length()) throw error("Bad Unicode escape");
            int code = 0;
            for (int i = 0; i < 4; i++) {
              int d = hexDigit(s.charAt(at + i));
              if (d < 0) throw error("Bad Unicode escape");
              code = code * 16 + d;
            }
            at += 4;
            b.append((char) code);
          }
          default -> {
            at--;
            throw error("Bad escaped character");
          }
        }
        run = at;
      }
    }
  }

  /** An ASCII hex digit's value, or -1 (JSON's escapes take no other digits). */
  private static int hexDigit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }

  /** A canonical array index (0 .. 2^32 - 2), which JavaScript objects list first. */
  public static boolean isArrayIndex(String name) {
    int n = name.length();
    if (n == 0 || n > 10) return false;
    if (n > 1 && name.charAt(0) == '0') return false;
    for (int i = 0; i < n; i++) if (name.charAt(i) < '0' || name.charAt(i) > '9') return false;
    return Long.parseLong(name) < 4294967295L;
  }

  /**
   * The map in JavaScript's member order: integer-like names first, ascending, then insertion
   * order.
   */
  public static LinkedHashMap<String, Object> jsOrder(LinkedHashMap<String, Object> in) {
    List<String> indexes = new ArrayList<>();
    for (String k : in.keySet()) if (isArrayIndex(k)) indexes.add(k);
    if (indexes.isEmpty()) return in;
    indexes.sort((a, b) -> Long.compare(Long.parseLong(a), Long.parseLong(b)));
    LinkedHashMap<String, Object> out = new LinkedHashMap<>();
    for (String k : indexes) out.put(k, in.get(k));
    for (Map.Entry<String, Object> e : in.entrySet())
      if (!isArrayIndex(e.getKey())) out.put(e.getKey(), e.getValue());
    return out;
  }

  // ---------------------------------------------------------------------------------------------
  // Writing

  /**
   * {@code JSON.stringify(value)}: numbers as JavaScript prints them; Java null and NULL are null.
   */
  public static String stringify(Object value) {
    StringBuilder b = new StringBuilder();
    write(b, value);
    return b.toString();
  }

  @SuppressWarnings("unchecked")
  public static void write(StringBuilder b, Object v) {
    if (v == null || v == NULL) {
      b.append("null");
    } else if (v instanceof String str) {
      quote(b, str);
    } else if (v instanceof Boolean bool) {
      b.append(bool ? "true" : "false");
    } else if (v instanceof Double d) {
      b.append(Double.isFinite(d) ? numberToString(d) : "null");
    } else if (v instanceof Float f) {
      b.append(Float.isFinite(f) ? numberToString(f.doubleValue()) : "null");
    } else if (v instanceof Integer
        || v instanceof Long
        || v instanceof Short
        || v instanceof Byte) {
      b.append(((Number) v).longValue());
    } else if (v instanceof List<?> list) {
      b.append('[');
      for (int i = 0; i < list.size(); i++) {
        if (i > 0) b.append(',');
        write(b, list.get(i));
      }
      b.append(']');
    } else if (v instanceof Object[] array) {
      write(b, java.util.Arrays.asList(array));
    } else if (v instanceof Map<?, ?> map) {
      b.append('{');
      boolean first = true;
      for (Map.Entry<String, Object> e : ((Map<String, Object>) map).entrySet()) {
        if (!first) b.append(',');
        first = false;
        quote(b, e.getKey());
        b.append(':');
        write(b, e.getValue());
      }
      b.append('}');
    } else {
      throw new IllegalArgumentException("not a JSON value: " + v.getClass().getName());
    }
  }

  /** A JSON string literal as {@code JSON.stringify} writes it (lone surrogates escaped). */
  public static void quote(StringBuilder b, String s) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\b' -> b.append("\\b");
        case '\f' -> b.append("\\f");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) {
            hex(b, c);
          } else if (Character.isHighSurrogate(c)) {
            if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
              b.append(c).append(s.charAt(++i));
            } else {
              hex(b, c);
            }
          } else if (Character.isLowSurrogate(c)) {
            hex(b, c);
          } else {
            b.append(c);
          }
        }
      }
    }
    b.append('"');
  }

  private static void hex(StringBuilder b, char c) {
    b.append("\\u");
    String h = Integer.toHexString(c);
    for (int k = h.length(); k < 4; k++) b.append('0');
    b.append(h);
  }

  public static String quote(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2);
    quote(b, s);
    return b.toString();
  }

  /**
   * JavaScript's {@code Number.prototype.toString()} of a finite double: the shortest digits that
   * read back as the same double, in plain notation from 1e-7 to 1e21 and exponent notation ({@code
   * 1e+21}, {@code 1.5e-7}) outside.
   */
  public static String numberToString(double d) {
    if (d == 0) return "0";
    if (Double.isNaN(d)) return "NaN";
    if (Double.isInfinite(d)) return d > 0 ? "Infinity" : "-Infinity";
    if (d == Math.rint(d) && Math.abs(d) < 1e15) return Long.toString((long) d);
    BigDecimal shortest = shortest(d);
    String digits = shortest.unscaledValue().abs().toString();
    // Strip trailing zeros of the digit string (kept in the exponent).
    int k = digits.length();
    int trailing = 0;
    while (trailing < k - 1 && digits.charAt(k - 1 - trailing) == '0') trailing++;
    digits = digits.substring(0, k - trailing);
    k = digits.length();
    // n: position of the decimal point relative to the digits (value = 0.digits * 10^n).
    int n = k - shortest.scale() + trailing;
    StringBuilder b = new StringBuilder();
    if (d < 0) b.append('-');
    if (k <= n && n <= 21) {
      b.append(digits);
      for (int i = 0; i < n - k; i++) b.append('0');
    } else if (0 < n && n <= 21) {
      b.append(digits, 0, n).append('.').append(digits, n, k);
    } else if (-6 < n && n <= 0) {
      b.append("0.");
      for (int i = 0; i < -n; i++) b.append('0');
      b.append(digits);
    } else {
      b.append(digits.charAt(0));
      if (k > 1) b.append('.').append(digits, 1, k);
      int e = n - 1;
      b.append('e').append(e >= 0 ? "+" : "-").append(Math.abs(e));
    }
    return b.toString();
  }

  /** The shortest decimal that reads back as {@code d}, the closest such one. */
  private static BigDecimal shortest(double d) {
    BigDecimal exact = new BigDecimal(d);
    for (int p = 1; p <= 17; p++) {
      BigDecimal r = exact.round(new MathContext(p, RoundingMode.HALF_EVEN));
      if (r.doubleValue() == d) return r;
    }
    return exact.round(new MathContext(17, RoundingMode.HALF_EVEN));
  }
}
