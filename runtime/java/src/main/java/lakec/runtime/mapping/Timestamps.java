package lakec.runtime.mapping;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Timestamps and dates, as runtime/time.ts reads and prints them: a timestamp is an integer count
 * of epoch milliseconds, printed as ISO-8601 UTC with exactly three fractional digits; a date is
 * its ISO text.
 */
public final class Timestamps {
  /** The smallest and largest instants a timestamp column accepts: 0001-01-01 to 9999-12-31. */
  public static final long MIN = -62_135_596_800_000L;

  public static final long MAX = 253_402_300_799_999L;

  /** Marks "not a timestamp" (no valid instant is this far back). */
  public static final long INVALID = Long.MIN_VALUE;

  private static final Pattern TIMESTAMP =
      Pattern.compile(
          "^(\\d{4})-(\\d{2})-(\\d{2})(?:[T"
              + " ](\\d{2}):(\\d{2})(?::(\\d{2})(?:\\.(\\d+))?)?)?(Z|z|[+-]\\d{2}:?\\d{2})?$");
  private static final int[] DAYS = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

  private Timestamps() {}

  static boolean validDate(long year, long month, long day) {
    if (month < 1 || month > 12 || day < 1) return false;
    boolean leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    return day <= (month == 2 && !leap ? 28 : DAYS[(int) month - 1]);
  }

  /** Days from 1970-01-01 to a proleptic Gregorian date. */
  static long daysFromCivil(long year, long month, long day) {
    long y = month <= 2 ? year - 1 : year;
    long era = Math.floorDiv(y, 400);
    long yoe = y - era * 400;
    long doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146_097 + doe - 719_468;
  }

  private static int digits2(String s, int i) {
    int a = s.charAt(i) - '0';
    int b = s.charAt(i + 1) - '0';
    return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
  }

  /**
   * Epoch milliseconds of an ISO-8601 timestamp ({@code 2024-01-31T18:30:00.250Z}, {@code
   * 2024-01-31 18:30}, {@code 2024-01-31}, an offset; no offset means UTC), or {@link #INVALID}.
   * Digits below the millisecond are cut off.
   */
  public static long parse(String text) {
    long ms = canonical(text);
    return ms != INVALID ? ms : general(text);
  }

  /** The form producers usually send, {@code YYYY-MM-DDTHH:MM:SS.sssZ} with an hour up to 23. */
  private static long canonical(String s) {
    if (s.length() != 24
        || s.charAt(4) != '-'
        || s.charAt(7) != '-'
        || s.charAt(10) != 'T'
        || s.charAt(13) != ':'
        || s.charAt(16) != ':'
        || s.charAt(19) != '.'
        || s.charAt(23) != 'Z') {
      return INVALID;
    }
    int y1 = digits2(s, 0);
    int y2 = digits2(s, 2);
    int month = digits2(s, 5);
    int day = digits2(s, 8);
    int hour = digits2(s, 11);
    int minute = digits2(s, 14);
    int second = digits2(s, 17);
    int m1 = digits2(s, 20);
    int last = s.charAt(22) - '0';
    if (y1 < 0
        || y2 < 0
        || month < 0
        || day < 0
        || hour < 0
        || minute < 0
        || second < 0
        || m1 < 0
        || last < 0
        || last > 9) return INVALID;
    int year = y1 * 100 + y2;
    int millis = m1 * 10 + last;
    if (!(hour <= 23 && minute <= 59 && second <= 59 && validDate(year, month, day)))
      return INVALID;
    return ((daysFromCivil(year, month, day) * 24 + hour) * 60 + minute) * 60_000L
        + second * 1000L
        + millis;
  }

  private static long general(String text) {
    // Date.parse (runtime/time.ts) reads hour 24 of the 24-character form as the next midnight.
    if (text.length() == 24
        && text.charAt(10) == 'T'
        && text.charAt(23) == 'Z'
        && text.charAt(19) == '.'
        && text.startsWith("T24:00:00.000Z", 10)) {
      String date = text.substring(0, 10);
      String day = parseDate(date);
      if (day != null && date.charAt(0) >= '0' && date.charAt(0) <= '9') {
        long y = Long.parseLong(date.substring(0, 4));
        long m = Long.parseLong(date.substring(5, 7));
        long d = Long.parseLong(date.substring(8, 10));
        return (daysFromCivil(y, m, d) + 1) * 86_400_000L;
      }
    }
    Matcher m = TIMESTAMP.matcher(text);
    if (!m.matches()) return INVALID;
    long year = Long.parseLong(m.group(1));
    long month = Long.parseLong(m.group(2));
    long day = Long.parseLong(m.group(3));
    if (!validDate(year, month, day)) return INVALID;
    long hour = m.group(4) != null ? Long.parseLong(m.group(4)) : 0;
    long minute = m.group(5) != null ? Long.parseLong(m.group(5)) : 0;
    long second = m.group(6) != null ? Long.parseLong(m.group(6)) : 0;
    if (hour > 23 || minute > 59 || second > 59) return INVALID;
    long millis = 0;
    if (m.group(7) != null) {
      String f = m.group(7);
      f = f.length() >= 3 ? f.substring(0, 3) : (f + "000").substring(0, 3);
      millis = Long.parseLong(f);
    }
    long offset = 0;
    String zone = m.group(8);
    if (zone != null && !zone.equals("Z") && !zone.equals("z")) {
      long sign = zone.charAt(0) == '-' ? -1 : 1;
      String d = zone.substring(1).replace(":", "");
      long oh = Long.parseLong(d.substring(0, 2));
      long om = Long.parseLong(d.substring(2, 4));
      if (oh > 23 || om > 59) return INVALID;
      offset = sign * (oh * 60 + om) * 60_000;
    }
    long ms =
        ((daysFromCivil(year, month, day) * 24 + hour) * 60 + minute) * 60_000L
            + second * 1000L
            + millis;
    return ms - offset;
  }

  /** The ISO date text if {@code text} is a valid {@code YYYY-MM-DD}, else null. */
  public static String parseDate(String text) {
    if (text.length() != 10 || text.charAt(4) != '-' || text.charAt(7) != '-') return null;
    double year = JsText.toNumber(text.substring(0, 4));
    double month = JsText.toNumber(text.substring(5, 7));
    double day = JsText.toNumber(text.substring(8, 10));
    if (!isInteger(year)
        || !isInteger(month)
        || !isInteger(day)
        || !validDate((long) year, (long) month, (long) day)) return null;
    return text;
  }

  private static boolean isInteger(double d) {
    return Double.isFinite(d) && d == Math.rint(d);
  }

  /** {@code 2020-01-01T00:00:00.000Z}: JavaScript's {@code toISOString} for years 0 to 9999. */
  public static String format(long ms) {
    long days = Math.floorDiv(ms, 86_400_000L);
    long rest = ms - days * 86_400_000L;
    // civil from days (Howard Hinnant's algorithm)
    long z = days + 719_468;
    long era = Math.floorDiv(z, 146_097);
    long doe = z - era * 146_097;
    long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    long y = yoe + era * 400;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    long d = doy - (153 * mp + 2) / 5 + 1;
    long m = mp < 10 ? mp + 3 : mp - 9;
    if (m <= 2) y++;
    StringBuilder b = new StringBuilder(24);
    if (y < 0 || y > 9999) {
      b.append(y < 0 ? '-' : '+');
      pad(b, Math.abs(y), 6);
    } else {
      pad(b, y, 4);
    }
    b.append('-');
    pad(b, m, 2);
    b.append('-');
    pad(b, d, 2);
    b.append('T');
    pad(b, rest / 3_600_000, 2);
    b.append(':');
    pad(b, rest / 60_000 % 60, 2);
    b.append(':');
    pad(b, rest / 1000 % 60, 2);
    b.append('.');
    pad(b, rest % 1000, 3);
    return b.append('Z').toString();
  }

  private static void pad(StringBuilder b, long v, int width) {
    String s = Long.toString(v);
    for (int i = s.length(); i < width; i++) b.append('0');
    b.append(s);
  }
}
