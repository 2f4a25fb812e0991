package lakec.runtime.bitemporal;

/**
 * The stable reasons a bad event is rejected with: the same strings as the TypeScript core's {@code
 * BadEventReason} (runtime/bitemporal/types.ts), shared through the vectors.
 */
public final class Reasons {
  public static final String INVERTED_VALID_INTERVAL = "valid_from >= valid_to";
  public static final String INVALID_VALID_FROM = "valid_from is not a millisecond timestamp";
  public static final String INVALID_VALID_TO = "valid_to is not a millisecond timestamp";
  public static final String INVALID_SYSTEM_TIME = "system time is not a millisecond timestamp";
  public static final String UNKNOWN_OP = "op is neither put nor delete";

  /** A late event under the {@code dead_letter} policy. */
  public static final String LATE = "late";

  private Reasons() {}
}
