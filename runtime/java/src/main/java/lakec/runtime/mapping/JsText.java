package lakec.runtime.mapping;

import lakec.runtime.json.Json;

/** JavaScript's string and number conversions that the mapping's messages and rules rely on. */
public final class JsText {
  private JsText() {}

  /** JavaScript's WhiteSpace and LineTerminator code points, which {@code trim()} removes. */
  public static boolean isJsSpace(char c) {
    return switch (c) {
      case '\t',
              '\n',
              '\u000B',
              '\f',
              '\r',
              ' ',
              '\u00A0',
              '\u1680',
              '\u2028',
              '\u2029',
              '\u202F',
              '\u205F',
              '\u3000',
              '\uFEFF' ->
          true;
      default -> c >= '\u2000' && c <= '\u200A';
    };
  }

  /** {@code String.prototype.trim()}. */
  public static String trim(String s) {
    int a = 0;
    int b = s.length();
    while (a < b && isJsSpace(s.charAt(a))) a++;
    while (b > a && isJsSpace(s.charAt(b - 1))) b--;
    return s.substring(a, b);
  }

  /** {@code Number(text)} for a string: NaN when it is not a number. */
  public static double toNumber(String text) {
    String s = trim(text);
    if (s.isEmpty()) return 0;
    switch (s) {
      case "Infinity", "+Infinity":
        return Double.POSITIVE_INFINITY;
      case "-Infinity":
        return Double.NEGATIVE_INFINITY;
      default:
        break;
    }
    if (s.length() > 2 && s.charAt(0) == '0') {
      int radix =
          switch (s.charAt(1)) {
            case 'x', 'X' -> 16;
            case 'o', 'O' -> 8;
            case 'b', 'B' -> 2;
            default -> 0;
          };
      if (radix != 0) {
        double v = 0;
        for (int i = 2; i < s.length(); i++) {
          int d = Character.digit(s.charAt(i), radix);
          if (d < 0 || s.charAt(i) > 'z') return Double.NaN;
          v = v * radix + d;
        }
        return v;
      }
    }
    if (!s.matches("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?")) return Double.NaN;
    return Double.parseDouble(s);
  }

  /**
   * {@code String(value)} of a JSON value held by the mapping (numbers as JavaScript prints them).
   */
  public static String string(Object v) {
    if (v instanceof String s) return s;
    if (v instanceof Double d) return Json.numberToString(d);
    if (v instanceof Long l) return Long.toString(l);
    if (v == null || v == Json.NULL) return "null";
    return Json.stringify(v);
  }

  /** A safe integer: an integer no larger than 2^53 - 1 in magnitude. */
  public static boolean isSafeInteger(double d) {
    return d == Math.rint(d) && Math.abs(d) <= 9007199254740991.0;
  }
}
