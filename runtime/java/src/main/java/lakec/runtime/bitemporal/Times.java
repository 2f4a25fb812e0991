package lakec.runtime.bitemporal;

/** Time conventions of the core: epoch milliseconds, with {@link #OPEN} for an open end. */
public final class Times {
  /** The open end of an interval: {@code valid_to} null, or {@code system_to} null (current). */
  public static final long OPEN = Long.MAX_VALUE;

  /** Before every time: a key's clock or forgotten time before it has one. */
  public static final long NONE = Long.MIN_VALUE;

  private Times() {}
}
