package lakec.runtime.bitemporal;

/**
 * One event for one key, already mapped: the operation, the valid interval ({@code validTo} {@link
 * Times#OPEN} when open), the system time as the event states it (before any raise by rule 5) and,
 * for a put, the payload with its canonical key (equal payloads, equal keys).
 */
public record Event<P>(
    Op op, long validFrom, long validTo, long systemTime, P payload, String payloadKey) {
  public static <P> Event<P> put(
      long validFrom, long validTo, long systemTime, P payload, String payloadKey) {
    return new Event<>(Op.PUT, validFrom, validTo, systemTime, payload, payloadKey);
  }

  public static <P> Event<P> delete(long validFrom, long validTo, long systemTime) {
    return new Event<>(Op.DELETE, validFrom, validTo, systemTime, null, null);
  }
}
