package lakec.flink;

import java.util.Base64;
import lakec.runtime.json.Json;
import lakec.runtime.json.JsonText;

/**
 * A rejected event: the reason (the stable strings of lakec's runtime), the column when one is to
 * blame, the source position (JSON), the event's text as read and, when its bytes are not UTF-8,
 * the bytes exactly. Written as one JSON line in the shape of the runtime's dead-letter table, the
 * same line as {@code lakec replay --dead-letter}: {@code {"reason":..,"column_name":..,
 * "position":{..},"event":"..","event_bytes":null}} ({@code event_bytes} base64 when set). A Flink
 * POJO.
 */
public class DeadLetter {
  public String reason;
  public String column;
  public String position;
  public String event;
  public byte[] eventBytes;

  public DeadLetter() {}

  public DeadLetter(String reason, String column, String position, String event) {
    this.reason = reason;
    this.column = column;
    this.position = position;
    this.event = event;
  }

  /** An unreadable record's dead letter: its reason, its text, its bytes when not UTF-8. */
  public static DeadLetter unreadable(RawEvent e) {
    DeadLetter d = new DeadLetter(e.unreadable, null, e.position, e.text);
    d.eventBytes = e.bytes;
    return d;
  }

  /**
   * The JSON line (without the line break). Text is written as valid Unicode, as the table stores
   * it: a lone surrogate in a text given by code becomes U+FFFD.
   */
  public String toJsonLine() {
    StringBuilder b = new StringBuilder(event.length() + reason.length() + 96);
    b.append("{\"reason\":");
    Json.quote(b, JsonText.toWellFormed(reason));
    b.append(",\"column_name\":");
    if (column != null) Json.quote(b, column);
    else b.append("null");
    b.append(",\"position\":").append(position).append(",\"event\":");
    Json.quote(b, JsonText.toWellFormed(event));
    b.append(",\"event_bytes\":");
    if (eventBytes != null)
      b.append('"').append(Base64.getEncoder().encodeToString(eventBytes)).append('"');
    else b.append("null");
    return b.append('}').toString();
  }
}
