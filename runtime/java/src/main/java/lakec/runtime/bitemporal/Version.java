package lakec.runtime.bitemporal;

/**
 * One stored row of a key, without the key: valid time {@code [validFrom, validTo)} and system time
 * {@code [systemFrom, systemTo)}, both closed-open, {@link Times#OPEN} for an open end. With the
 * key, {@code (validFrom, systemFrom)} identifies the row (the sink's upsert key).
 */
public record Version<P>(
    long validFrom, long validTo, long systemFrom, long systemTo, P payload, String payloadKey) {
  public boolean current() {
    return systemTo == Times.OPEN;
  }
}
