package lakec.runtime.bitemporal;

/**
 * What happens to a late event: one that is not recognized as a duplicate but states a system time
 * at or before the newest one the key's dedup window has forgotten, so the window can no longer
 * tell whether it is a redelivery (docs/runtime.md, "Late events").
 */
public enum LatePolicy {
  /** Applied like any event (rule 5 may raise it), remembered, counted and logged. The default. */
  APPLY,
  /** Rejected with the reason {@code late}; the key's state is unchanged. */
  DEAD_LETTER;

  /** {@code apply} or {@code dead_letter}, as the spec and the shared vectors write it. */
  public static LatePolicy of(String text) {
    return switch (text) {
      case "apply" -> APPLY;
      case "dead_letter" -> DEAD_LETTER;
      default ->
          throw new IllegalArgumentException(
              "late policy must be apply or dead_letter, not '" + text + "'");
    };
  }
}
