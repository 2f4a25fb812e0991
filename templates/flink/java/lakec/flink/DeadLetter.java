package lakec.flink;

import lakec.runtime.json.Json;

/**
 * A rejected event: the reason (the stable strings of lakec's runtime), the column when one is to
 * blame, the source position (JSON) and the raw event byte-exact. Written as one JSON line, the
 * same line as {@code lakec replay --dead-letter}: {@code {"reason":..,"column":..,
 * "position":{..},"event":".."}}. A Flink POJO.
 */
public class DeadLetter {
  public String reason;
  public String column;
  public String position;
  public String event;

  public DeadLetter() {}

  public DeadLetter(String reason, String column, String position, String event) {
    this.reason = reason;
    this.column = column;
    this.position = position;
    this.event = event;
  }

  /** The JSON line (without the line break). */
  public String toJsonLine() {
    StringBuilder b = new StringBuilder();
    b.append("{\"reason\":");
    Json.quote(b, reason);
    if (column != null) {
      b.append(",\"column\":");
      Json.quote(b, column);
    }
    b.append(",\"position\":").append(position).append(",\"event\":");
    Json.quote(b, event);
    return b.append('}').toString();
  }
}
