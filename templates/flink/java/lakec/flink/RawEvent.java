package lakec.flink;

/**
 * One event as it arrived: its text (byte-exact, for {@code raw_payload()} and dead letters), its
 * source position as JSON ({@code {"file":..,"line":..}} or {@code {"stream":..,"shard":..,
 * "sequenceNumber":..}}) and the arrival time in epoch milliseconds ({@code ingestion_time()}). A
 * Flink POJO.
 */
public class RawEvent {
  public String text;
  public String position;
  public long ingestionTime;

  public RawEvent() {}

  public RawEvent(String text, String position, long ingestionTime) {
    this.text = text;
    this.position = position;
    this.ingestionTime = ingestionTime;
  }
}
