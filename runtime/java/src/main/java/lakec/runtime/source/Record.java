package lakec.runtime.source;

import java.util.Arrays;
import java.util.Locale;

/**
 * One record of a source (a line of a file, a Kinesis record) as lakec's TypeScript sources hand it
 * out (runtime/sources/source.ts {@code RecordBatch}): its text, and when the source could not read
 * it as an event, why ({@code unreadable}: bytes that are not UTF-8, a line longer than the limit)
 * and, for bytes that are not UTF-8, the bytes exactly. An unreadable record becomes a dead letter
 * with that reason; its text is the bytes decoded as well as they can be (U+FFFD for bad bytes).
 */
public record Record(String text, String unreadable, byte[] bytes) {
  /** The record of {@code b[from, to)}: its text, or why it is not an event. */
  public static Record of(byte[] b, int from, int to) {
    int bad = Utf8.firstInvalid(b, from, to);
    if (bad < 0)
      return new Record(
          new String(b, from, to - from, java.nio.charset.StandardCharsets.UTF_8), null, null);
    return new Record(
        Utf8.decode(b, from, to),
        String.format(
            Locale.ROOT,
            "the event is not UTF-8 text (byte 0x%02x at byte %d); the dead letter keeps its bytes",
            b[from + bad] & 0xff,
            bad + 1),
        Arrays.copyOfRange(b, from, to));
  }

  /**
   * A line longer than the longest event read: {@code prefix} is its beginning, {@code length} its
   * whole length in bytes (line break excluded).
   */
  public static Record cut(byte[] prefix, long length, long limit) {
    return new Record(
        Utf8.decode(prefix, 0, prefix.length),
        String.format(
            Locale.US,
            "the line is %,d bytes long, longer than the longest event read (%,d bytes); the dead"
                + " letter holds its first %,d bytes",
            length,
            limit,
            prefix.length),
        null);
  }
}
