package lakec.flink;

import java.io.IOException;
import lakec.runtime.json.Json;
import lakec.runtime.source.LineFile;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.connector.datagen.source.GeneratorFunction;

/**
 * Line {@code i} of a JSON-lines file as a {@link RawEvent}, read as lakec's TypeScript FileSource
 * reads it (lakec.runtime.source.LineFile: CRLF, a byte-order mark opening the file, bytes that are
 * not UTF-8 and lines longer than the limit as unreadable records). Lines are read in order through
 * a buffer; after a restore the reader seeks to the line's offset.
 */
public final class LinesGenerator implements GeneratorFunction<Long, RawEvent> {
  private static final long serialVersionUID = 1L;

  private final String path;

  /**
   * Arrival times: the wall clock when negative, else this instant plus a minute per line (tests).
   */
  private final long tickingFrom;

  private final int maxLineBytes;

  private transient LineFile file;
  private transient String positionPrefix;

  public LinesGenerator(String path, long tickingFrom, int maxLineBytes) {
    this.path = path;
    this.tickingFrom = tickingFrom;
    this.maxLineBytes = maxLineBytes;
  }

  @Override
  public void open(SourceReaderContext context) throws IOException {
    file = LineFile.open(path, maxLineBytes);
    positionPrefix = "{\"file\":" + Json.quote(path) + ",\"line\":";
  }

  @Override
  public RawEvent map(Long index) throws IOException {
    int i = (int) (long) index;
    long arrival = tickingFrom < 0 ? System.currentTimeMillis() : tickingFrom + 60_000L * (i + 1);
    return RawEvent.of(file.read(i), positionPrefix + (i + 1) + "}", arrival);
  }

  @Override
  public void close() throws IOException {
    if (file != null) file.close();
  }
}
