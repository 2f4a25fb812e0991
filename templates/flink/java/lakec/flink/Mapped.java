package lakec.flink;

/**
 * A mapped event on its way to its key's operator: the canonical key, the operation, the row's
 * values as JSON (the TypeScript runtime's representation, see lakec.runtime.mapping.Coercion), the
 * payload key, the valid interval and stated system time, and what a dead letter needs if the core
 * rejects it. A Flink POJO.
 */
public class Mapped {
  public String key;
  public boolean delete;
  public String values;
  public String payloadKey;
  public long validFrom;
  public long validTo;
  public long systemTime;
  public long ingestionTime;
  public String raw;
  public String position;

  public Mapped() {}
}
