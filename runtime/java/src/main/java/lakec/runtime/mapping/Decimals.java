package lakec.runtime.mapping;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Exact decimals, as runtime/decimal.ts keeps them: a {@code decimal(p, s)} value is its canonical
 * text (an optional {@code -}, the integer digits without leading zeros, exactly {@code s}
 * fractional digits), which the table stores and payload equality compares.
 */
public final class Decimals {
  private static final Pattern DECIMAL =
      Pattern.compile("^([+-]?)(\\d*)(?:\\.(\\d*))?(?:[eE]([+-]?\\d+))?$");
  private static final String ZEROS = "0".repeat(64);

  private Decimals() {}

  /** The canonical text, or an explanation of why the input does not fit. */
  public record Result(String value, String error) {}

  public static Result canonical(String input, int precision, int scale) {
    String plain = plain(input, precision, scale);
    return plain != null ? new Result(plain, null) : general(input, precision, scale);
  }

  /**
   * The canonical text of a plain decimal that fits, read with one scan; null for any other text.
   */
  public static String plain(String input, int precision, int scale) {
    int n = input.length();
    if (n == 0) return null;
    int i = 0;
    char first = input.charAt(0);
    boolean negative = first == '-';
    if (negative || first == '+') i = 1;
    int intStart = i;
    while (i < n && isDigit(input.charAt(i))) i++;
    int intEnd = i;
    int fracStart = n;
    if (i < n) {
      if (input.charAt(i) != '.') return null;
      fracStart = ++i;
      while (i < n && isDigit(input.charAt(i))) i++;
      if (i < n) return null;
    }
    int fracLength = n - fracStart;
    if (intEnd == intStart && fracLength == 0) return null;
    if (fracLength > scale || scale > ZEROS.length()) return null;
    int s = intStart;
    while (s < intEnd && input.charAt(s) == '0') s++;
    int intLength = intEnd - s;
    if (intLength > precision - scale) return null;
    if (intLength > 0
        && s == intStart
        && first != '+'
        && fracLength == scale
        && (scale > 0 ? fracStart == intEnd + 1 : fracStart == n && intEnd == n)) {
      return input;
    }
    boolean zero = intLength == 0;
    for (int j = fracStart; zero && j < n; j++) if (input.charAt(j) != '0') zero = false;
    String integer = intLength == 0 ? "0" : input.substring(s, intEnd);
    String text =
        scale > 0
            ? integer + "." + input.substring(fracStart, n) + ZEROS.substring(0, scale - fracLength)
            : integer;
    return negative && !zero ? "-" + text : text;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  public static Result general(String input, int precision, int scale) {
    Matcher m = DECIMAL.matcher(input);
    String intDigits = null;
    String frac = null;
    if (m.matches()) {
      intDigits = m.group(2);
      frac = m.group(3);
    }
    if (!m.matches() || (intDigits.isEmpty() && (frac == null || frac.isEmpty())))
      return new Result(null, "not a decimal number");
    boolean negative = "-".equals(m.group(1));
    String digits = intDigits + (frac == null ? "" : frac);
    double point = intDigits.length() + (m.group(4) != null ? Double.parseDouble(m.group(4)) : 0);
    if (!JsText.isSafeInteger(point) || Math.abs(point) > 1000)
      return new Result(null, "exponent out of range");
    int p = (int) point;
    if (p < 0) {
      digits = "0".repeat(-p) + digits;
      p = 0;
    } else if (p > digits.length()) {
      digits = digits + "0".repeat(p - digits.length());
    }
    String intPart = digits.substring(0, p).replaceFirst("^0+", "");
    String fraction = digits.substring(p);
    if (fraction.length() > scale) {
      String extra = fraction.substring(scale);
      if (extra.matches(".*[^0].*"))
        return new Result(
            null, "has more than " + scale + " decimal place" + (scale == 1 ? "" : "s"));
      fraction = fraction.substring(0, scale);
    }
    StringBuilder f = new StringBuilder(fraction);
    while (f.length() < scale) f.append('0');
    fraction = f.toString();
    if (intPart.length() > precision - scale) {
      int before = precision - scale;
      return new Result(
          null,
          "has more than "
              + before
              + " digit"
              + (before == 1 ? "" : "s")
              + " before the decimal point");
    }
    if (intPart.isEmpty()) intPart = "0";
    boolean zero = (intPart + fraction).matches("0*");
    String text = scale > 0 ? intPart + "." + fraction : intPart;
    return new Result(negative && !zero ? "-" + text : text, null);
  }

  /**
   * Compares two decimal texts by value: -1, 0 or 1; {@link Integer#MIN_VALUE} when one is not a
   * decimal.
   */
  public static int compare(String a, String b) {
    String[] x = split(a);
    String[] y = split(b);
    if (x == null || y == null) return Integer.MIN_VALUE;
    boolean xn = x[0] != null;
    boolean yn = y[0] != null;
    if (xn != yn) return xn ? -1 : 1;
    int sign = xn ? -1 : 1;
    if (x[1].length() != y[1].length()) return x[1].length() < y[1].length() ? -sign : sign;
    int c = x[1].compareTo(y[1]);
    if (c != 0) return c < 0 ? -sign : sign;
    int n = Math.max(x[2].length(), y[2].length());
    String fx = padEnd(x[2], n);
    String fy = padEnd(y[2], n);
    c = fx.compareTo(fy);
    return c == 0 ? 0 : c < 0 ? -sign : sign;
  }

  private static String padEnd(String s, int n) {
    StringBuilder b = new StringBuilder(s);
    while (b.length() < n) b.append('0');
    return b.toString();
  }

  /** [negative marker or null, integer digits ("" for zero), fraction without trailing zeros]. */
  private static String[] split(String text) {
    Result c = canonical(text, 1000, 500);
    if (c.error() != null) return null;
    String v = c.value();
    boolean negative = v.startsWith("-");
    String body = negative ? v.substring(1) : v;
    int dot = body.indexOf('.');
    String integer = dot < 0 ? body : body.substring(0, dot);
    String frac = (dot < 0 ? "" : body.substring(dot + 1)).replaceFirst("0+$", "");
    return new String[] {negative ? "-" : null, integer.equals("0") ? "" : integer, frac};
  }
}
