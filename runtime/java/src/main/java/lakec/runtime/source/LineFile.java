package lakec.runtime.source;

import java.io.Closeable;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.util.Arrays;

/**
 * A JSON-lines file read the way lakec's TypeScript {@code FileSource} reads it
 * (runtime/sources/file.ts), line by line and by line number:
 *
 * <ul>
 *   <li>lines end at {@code \n}; one {@code \r} before it is dropped (CRLF files); a last line
 *       without a line break is a line;
 *   <li>a UTF-8 byte-order mark at the start of the file is skipped (it belongs to the file, not to
 *       line 1);
 *   <li>a line whose bytes are not UTF-8 is a {@link Record} that is unreadable, with its bytes;
 *   <li>a line longer than {@code maxLineBytes} (64 MiB by default, counted up to its {@code \n})
 *       is unreadable too, with its first 64 KiB as text; the lines after it are read on.
 * </ul>
 *
 * Blank lines are records like any other: the processor skips and counts them.
 */
public final class LineFile implements Closeable {
  /** The longest line read as an event, by default (64 MiB). */
  public static final int MAX_LINE_BYTES = 64 << 20;

  /** What a record keeps of a line longer than the limit: its first 64 KiB. */
  public static final int CUT_PREFIX = 64 << 10;

  private static final int BUFFER = 1 << 16;

  private final RandomAccessFile file;
  private final long size;
  private final int maxLineBytes;

  /** Start offset of each line; the line ends at the next start minus its line break. */
  private final long[] starts;

  private final byte[] buffer = new byte[BUFFER];
  private long bufferOffset;
  private int bufferLength;

  private LineFile(RandomAccessFile file, long size, int maxLineBytes, long[] starts) {
    this.file = file;
    this.size = size;
    this.maxLineBytes = maxLineBytes;
    this.starts = starts;
  }

  public static LineFile open(String path) throws IOException {
    return open(path, MAX_LINE_BYTES);
  }

  public static LineFile open(String path, int maxLineBytes) throws IOException {
    RandomAccessFile f = new RandomAccessFile(path, "r");
    try {
      return new LineFile(f, f.length(), maxLineBytes, scan(f));
    } catch (IOException | RuntimeException e) {
      f.close();
      throw e;
    }
  }

  /** How many lines (records) a file holds, as {@link #count} would say. */
  public static long countLines(String path) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(path, "r")) {
      return scan(f).length;
    }
  }

  /** The start offset of every line. */
  private static long[] scan(RandomAccessFile f) throws IOException {
    long size = f.length();
    byte[] head = new byte[3];
    f.seek(0);
    int h = f.read(head);
    long first =
        h == 3 && (head[0] & 0xff) == 0xef && (head[1] & 0xff) == 0xbb && (head[2] & 0xff) == 0xbf
            ? 3
            : 0;
    long[] out = new long[1024];
    int count = 0;
    long lineStart = first;
    byte[] buf = new byte[BUFFER];
    f.seek(first);
    long at = first;
    int n;
    while ((n = f.read(buf)) > 0) {
      for (int i = 0; i < n; i++) {
        if (buf[i] == '\n') {
          if (count == out.length) out = Arrays.copyOf(out, out.length * 2);
          out[count++] = lineStart;
          lineStart = at + i + 1;
        }
      }
      at += n;
    }
    if (lineStart < size) {
      if (count == out.length) out = Arrays.copyOf(out, out.length + 1);
      out[count++] = lineStart;
    }
    return Arrays.copyOf(out, count);
  }

  public int count() {
    return starts.length;
  }

  /** Line {@code i} (0-based) as a record. */
  public Record read(int i) throws IOException {
    long start = starts[i];
    // Up to the line break (or the end of the file): the length the limit applies to.
    long end = i + 1 < starts.length ? starts[i + 1] - 1 : size;
    if (i + 1 >= starts.length && end > start && byteAt(end - 1) == '\n') end--;
    long length = end - start;
    if (length > maxLineBytes) {
      byte[] prefix = bytes(start, Math.min(CUT_PREFIX, maxLineBytes));
      return Record.cut(prefix, length, maxLineBytes);
    }
    byte[] line = bytes(start, (int) length);
    int to = line.length;
    if (to > 0 && line[to - 1] == '\r') to--;
    return Record.of(line, 0, to);
  }

  private int byteAt(long offset) throws IOException {
    return bytes(offset, 1)[0];
  }

  /** {@code n} bytes from {@code offset}, through a window buffer for lines read in order. */
  private byte[] bytes(long offset, int n) throws IOException {
    byte[] out = new byte[n];
    if (offset >= bufferOffset && offset + n <= bufferOffset + bufferLength) {
      System.arraycopy(buffer, (int) (offset - bufferOffset), out, 0, n);
      return out;
    }
    if (n >= BUFFER) {
      file.seek(offset);
      file.readFully(out);
      return out;
    }
    file.seek(offset);
    bufferOffset = offset;
    bufferLength = 0;
    int r;
    while (bufferLength < BUFFER
        && (r = file.read(buffer, bufferLength, BUFFER - bufferLength)) > 0) bufferLength += r;
    if (n > bufferLength) throw new IOException("the file changed while it was read");
    System.arraycopy(buffer, 0, out, 0, n);
    return out;
  }

  @Override
  public void close() throws IOException {
    file.close();
  }
}
