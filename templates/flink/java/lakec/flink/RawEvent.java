package lakec.flink;

import lakec.runtime.source.Record;

/**
 * One record as it arrived: its text (byte-exact, for {@code raw_payload()} and dead letters), its
 * source position as JSON ({@code {"file":..,"line":..}} or {@code {"stream":..,"shard":..,
 * "sequenceNumber":..}}) and the arrival time in epoch milliseconds ({@code ingestion_time()}).
 * When the source could not read it as an event (bytes that are not UTF-8, a line longer than the
 * longest event read), {@code unreadable} says why and, for bytes that are not UTF-8, {@code bytes}
 * holds them exactly: it becomes a dead letter. A Flink POJO.
 */
public class RawEvent {
  public String text;
  public String position;
  public long ingestionTime;
  public String unreadable;
  public byte[] bytes;

  public RawEvent() {}

  public RawEvent(String text, String position, long ingestionTime) {
    this.text = text;
    this.position = position;
    this.ingestionTime = ingestionTime;
  }

  /** A source's record (lakec.runtime.source.Record) at a position. */
  public static RawEvent of(Record r, String position, long ingestionTime) {
    RawEvent e = new RawEvent(r.text(), position, ingestionTime);
    e.unreadable = r.unreadable();
    e.bytes = r.bytes();
    return e;
  }
}
