package lakec.runtime.json;

import java.util.List;

/**
 * Reading an event's JSON text where a parse to doubles loses what the text says, and the text
 * checks every source shares, exactly as runtime/json-text.ts:
 *
 * <ul>
 *   <li>{@link #numberTextAt}: the literal text of the number at a path. {@link Json#parse} reads
 *       every number as a double, as JavaScript does: {@code 9007199254740993} becomes {@code
 *       9007199254740992}. The mapping reads such a number's own text instead, only when the value
 *       is a number that may have been rounded.
 *   <li>{@link #isBlank}: a record that holds no event (empty, or JSON whitespace only).
 *   <li>{@link #isWellFormed} / {@link #toWellFormed}: whether a string is valid Unicode (no lone
 *       UTF-16 surrogate), which UTF-8, and so the table, can store.
 * </ul>
 */
public final class JsonText {
  private JsonText() {}

  private static int skipSpace(String text, int i) {
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') i++;
      else break;
    }
    return i;
  }

  /** The index just after the string token starting at {@code i} (on its opening quote). */
  private static int skipString(String text, int i) {
    int j = text.indexOf('"', i + 1);
    // A quote preceded by an odd number of backslashes is escaped.
    while (true) {
      int b = j - 1;
      while (text.charAt(b) == '\\') b--;
      if ((j - 1 - b) % 2 == 0) return j + 1;
      j = text.indexOf('"', j + 1);
    }
  }

  /** The index just after the value starting at {@code i}: iterative, any nesting depth. */
  private static int skipValue(String text, int i) {
    int depth = 0;
    while (true) {
      char c = text.charAt(i);
      if (c == '"') {
        i = skipString(text, i);
      } else if (c == '{' || c == '[') {
        depth++;
        i++;
      } else if (c == '}' || c == ']') {
        depth--;
        i++;
      } else if (depth == 0) {
        // A number, true, false or null: up to the next delimiter.
        while (i < text.length()) {
          char d = text.charAt(i);
          if (d == ',' || d == '}' || d == ']' || d == ' ' || d == '\t' || d == '\n' || d == '\r')
            break;
          i++;
        }
        return i;
      } else {
        i++;
      }
      if (depth == 0) return i;
    }
  }

  /** The member name of the string token at [i, end): its text, decoded when it holds escapes. */
  private static String memberName(String text, int i, int end) {
    String inner = text.substring(i + 1, end - 1);
    if (inner.indexOf('\\') < 0) return inner;
    try {
      return (String) Json.parse(text.substring(i, end));
    } catch (Json.ParseException e) {
      throw new IllegalStateException("a member name of a parsed text does not parse", e);
    }
  }

  /**
   * The start of the value at {@code segment} inside the object or array starting at {@code i}, as
   * the parser reads it (of members with the same name, the last wins); -1 when there is none.
   */
  private static int child(String text, int i, Object segment) {
    char open = text.charAt(i);
    if (open == '{' && segment instanceof String name) {
      int found = -1;
      i = skipSpace(text, i + 1);
      while (i < text.length() && text.charAt(i) == '"') {
        int end = skipString(text, i);
        String member = memberName(text, i, end);
        int value = skipSpace(text, skipSpace(text, end) + 1);
        if (member.equals(name)) found = value;
        i = skipSpace(text, skipValue(text, value));
        if (i < text.length() && text.charAt(i) == ',') i = skipSpace(text, i + 1);
      }
      return found;
    }
    if (open == '[' && segment instanceof Double d) {
      i = skipSpace(text, i + 1);
      for (int k = 0; text.charAt(i) != ']'; k++) {
        if (k == d) return i;
        i = skipSpace(text, skipValue(text, i));
        if (text.charAt(i) == ',') i = skipSpace(text, i + 1);
      }
    }
    return -1;
  }

  /**
   * The literal text of the number at {@code segments} (a column's JSON path: member names as
   * strings, list indexes as numbers) in {@code text}, a JSON text the parser accepted; null when
   * the value there is not a number.
   */
  public static String numberTextAt(String text, List<Object> segments) {
    int i = skipSpace(text, 0);
    for (Object s : segments) {
      i = child(text, i, s);
      if (i < 0) return null;
    }
    if (i >= text.length()) return null;
    char c = text.charAt(i);
    if (c != '-' && !(c >= '0' && c <= '9')) return null;
    return text.substring(i, skipValue(text, i));
  }

  /** A record that holds no event: empty, or only JSON whitespace (space, tab, CR, LF). */
  public static boolean isBlank(String text) {
    return skipSpace(text, 0) == text.length();
  }

  /** The index of the first lone UTF-16 surrogate of {@code s}, or -1. */
  public static int loneSurrogate(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!Character.isSurrogate(c)) continue;
      if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
        continue;
      }
      return i;
    }
    return -1;
  }

  /** Whether {@code s} is valid Unicode: no lone UTF-16 surrogate (which UTF-8 cannot encode). */
  public static boolean isWellFormed(String s) {
    return loneSurrogate(s) < 0;
  }

  /** {@code s} with every lone surrogate replaced by U+FFFD. */
  public static String toWellFormed(String s) {
    int first = loneSurrogate(s);
    if (first < 0) return s;
    StringBuilder b = new StringBuilder(s.length());
    b.append(s, 0, first);
    for (int i = first; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        b.append(c).append(s.charAt(++i));
      } else {
        b.append(Character.isSurrogate(c) ? '\uFFFD' : c);
      }
    }
    return b.toString();
  }

  /** A lone surrogate as its JSON escape (a backslash, u, four hex digits), for messages. */
  public static String escape(char c) {
    return "\\u" + Integer.toHexString(c);
  }
}
