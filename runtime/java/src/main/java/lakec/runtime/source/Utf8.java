package lakec.runtime.source;

import java.nio.charset.StandardCharsets;

/**
 * UTF-8 as lakec's TypeScript sources read it (runtime/sources/source.ts): which bytes are
 * well-formed, and text decoded the way Node decodes bytes that are not (the WHATWG Encoding
 * Standard: one U+FFFD per maximal ill-formed subpart), so that a dead letter's {@code event} reads
 * the same from both engines.
 */
public final class Utf8 {
  private Utf8() {}

  /**
   * The index of the first byte of {@code b[from, to)} that is not part of a well-formed UTF-8
   * sequence (no overlong forms, no surrogates, at most U+10FFFF), relative to {@code from}; -1.
   */
  public static int firstInvalid(byte[] b, int from, int to) {
    int i = from;
    while (i < to) {
      int c = b[i] & 0xff;
      if (c < 0x80) {
        i++;
        continue;
      }
      int n;
      int lo = 0x80;
      int hi = 0xbf;
      if (c >= 0xc2 && c <= 0xdf) {
        n = 2;
      } else if (c >= 0xe0 && c <= 0xef) {
        n = 3;
        if (c == 0xe0) lo = 0xa0;
        if (c == 0xed) hi = 0x9f;
      } else if (c >= 0xf0 && c <= 0xf4) {
        n = 4;
        if (c == 0xf0) lo = 0x90;
        if (c == 0xf4) hi = 0x8f;
      } else {
        return i - from;
      }
      for (int k = 1; k < n; k++) {
        if (i + k >= to) return i - from;
        int d = b[i + k] & 0xff;
        if (d < (k == 1 ? lo : 0x80) || d > (k == 1 ? hi : 0xbf)) return i - from;
      }
      i += n;
    }
    return -1;
  }

  /** {@code b[from, to)} as text: well-formed UTF-8 as is, else with U+FFFD as Node decodes it. */
  public static String decode(byte[] b, int from, int to) {
    if (firstInvalid(b, from, to) < 0)
      return new String(b, from, to - from, StandardCharsets.UTF_8);
    StringBuilder out = new StringBuilder(to - from);
    int codePoint = 0;
    int needed = 0;
    int seen = 0;
    int lower = 0x80;
    int upper = 0xbf;
    int i = from;
    while (i < to) {
      int c = b[i] & 0xff;
      if (needed == 0) {
        i++;
        if (c < 0x80) {
          out.append((char) c);
        } else if (c >= 0xc2 && c <= 0xdf) {
          needed = 1;
          codePoint = c & 0x1f;
        } else if (c >= 0xe0 && c <= 0xef) {
          if (c == 0xe0) lower = 0xa0;
          if (c == 0xed) upper = 0x9f;
          needed = 2;
          codePoint = c & 0xf;
        } else if (c >= 0xf0 && c <= 0xf4) {
          if (c == 0xf0) lower = 0x90;
          if (c == 0xf4) upper = 0x8f;
          needed = 3;
          codePoint = c & 0x7;
        } else {
          out.append('\uFFFD');
        }
        continue;
      }
      if (c < lower || c > upper) {
        // The sequence so far is one ill-formed subpart; this byte starts over (not consumed).
        codePoint = 0;
        needed = 0;
        seen = 0;
        lower = 0x80;
        upper = 0xbf;
        out.append('\uFFFD');
        continue;
      }
      i++;
      lower = 0x80;
      upper = 0xbf;
      codePoint = (codePoint << 6) | (c & 0x3f);
      if (++seen == needed) {
        out.appendCodePoint(codePoint);
        codePoint = 0;
        needed = 0;
        seen = 0;
      }
    }
    if (needed != 0) out.append('\uFFFD');
    return out.toString();
  }
}
