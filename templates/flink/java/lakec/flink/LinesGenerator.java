package lakec.flink;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import lakec.runtime.json.Json;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.connector.datagen.source.GeneratorFunction;

/**
 * Line {@code i} of a JSON-lines file as a {@link RawEvent}, read the way lakec's TypeScript
 * FileSource reads it: lines end at {@code \n} (a {@code \r} before it is dropped), a last line
 * without a line break is a line, an empty line is an event (a malformed one). Lines are read in
 * order from a buffer; after a restore the reader seeks to the line's offset.
 */
public final class LinesGenerator implements GeneratorFunction<Long, RawEvent> {
  private static final long serialVersionUID = 1L;

  private final String path;

  /**
   * Arrival times: the wall clock when negative, else this instant plus a minute per line (tests).
   */
  private final long tickingFrom;

  private transient long[] offsets;
  private transient RandomAccessFile file;
  private transient byte[] buffer;
  private transient int bufferStart;
  private transient int bufferEnd;
  private transient long bufferOffset;
  private transient long next;
  private transient String positionPrefix;

  public LinesGenerator(String path, long tickingFrom) {
    this.path = path;
    this.tickingFrom = tickingFrom;
  }

  /** How many lines (events) the file holds. */
  public static long countLines(String path) throws IOException {
    return scan(path, false).length;
  }

  /** The byte offset of each line's start (with {@code collect}), or an array of the line count. */
  private static long[] scan(String path, boolean collect) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(path, "r")) {
      long size = f.length();
      long[] out = new long[collect ? 1024 : 0];
      long count = 0;
      long lineStart = 0;
      byte[] buf = new byte[1 << 16];
      long at = 0;
      int n;
      while ((n = f.read(buf)) > 0) {
        for (int i = 0; i < n; i++) {
          if (buf[i] == '\n') {
            if (collect) {
              if (count == out.length) out = Arrays.copyOf(out, out.length * 2);
              out[(int) count] = lineStart;
            }
            count++;
            lineStart = at + i + 1;
          }
        }
        at += n;
      }
      if (lineStart < size) {
        if (collect) {
          if (count == out.length) out = Arrays.copyOf(out, out.length + 1);
          out[(int) count] = lineStart;
        }
        count++;
      }
      return collect ? Arrays.copyOf(out, (int) count) : new long[(int) count];
    }
  }

  @Override
  public void open(SourceReaderContext context) throws IOException {
    offsets = scan(path, true);
    file = new RandomAccessFile(path, "r");
    buffer = new byte[1 << 16];
    next = -1;
    positionPrefix = "{\"file\":" + Json.quote(path) + ",\"line\":";
  }

  @Override
  public RawEvent map(Long index) throws IOException {
    long i = index;
    if (i != next) seek(offsets[(int) i]);
    next = i + 1;
    String text = readLine();
    long arrival = tickingFrom < 0 ? System.currentTimeMillis() : tickingFrom + 60_000L * (i + 1);
    return new RawEvent(text, positionPrefix + (i + 1) + "}", arrival);
  }

  private void seek(long offset) throws IOException {
    file.seek(offset);
    bufferOffset = offset;
    bufferStart = 0;
    bufferEnd = 0;
  }

  private String readLine() throws IOException {
    java.io.ByteArrayOutputStream line = null;
    while (true) {
      if (bufferStart == bufferEnd) {
        bufferOffset += bufferEnd;
        bufferStart = 0;
        bufferEnd = Math.max(0, file.read(buffer));
        if (bufferEnd == 0) break;
      }
      int i = bufferStart;
      while (i < bufferEnd && buffer[i] != '\n') i++;
      if (i < bufferEnd) {
        String s =
            line == null
                ? new String(buffer, bufferStart, i - bufferStart, StandardCharsets.UTF_8)
                : append(line, bufferStart, i);
        bufferStart = i + 1;
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
      }
      if (line == null) line = new java.io.ByteArrayOutputStream();
      line.write(buffer, bufferStart, bufferEnd - bufferStart);
      bufferStart = bufferEnd;
    }
    String s = line == null ? "" : line.toString(StandardCharsets.UTF_8);
    return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
  }

  private String append(java.io.ByteArrayOutputStream line, int from, int to) {
    line.write(buffer, from, to - from);
    return line.toString(StandardCharsets.UTF_8);
  }

  @Override
  public void close() throws IOException {
    if (file != null) file.close();
  }
}
