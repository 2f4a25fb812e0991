package lakec.runtime.bitemporal;

import java.util.ArrayList;
import java.util.List;

/**
 * What applying one event did, for the sink and the metrics. A sink applies {@link #removed} as
 * deletes and {@link #closed} plus {@link #added} as upserts on (key, valid_from, system_from); no
 * two of them share an identity. Reused across calls: consume it before the next one.
 */
public final class ApplyResult<P> {
  /** Rows whose system_to this event set: history from now on, never touched again. */
  public final List<Version<P>> closed = new ArrayList<>();

  /**
   * Current rows that are new or whose valid interval changed. A remainder that starts where the
   * cut row started keeps its identity: for the sink an update of that row.
   */
  public final List<Version<P>> added = new ArrayList<>();

  /** Rows opened at this same system time and now cut away entirely (rule 3). */
  public final List<VersionId> removed = new ArrayList<>();

  /** The system time the event was applied at (after rule 5); meaningless when not applied. */
  public long systemTime;

  /** Rule 5: the stated system time was behind the key's clock and was raised. */
  public boolean adjustedSystemTime;

  /** Rule 4: the event was applied before; nothing changed. */
  public boolean duplicate;

  /**
   * A late event (not a duplicate, stated at or before the newest stated time the key's window has
   * forgotten); set whether it was applied or, under {@code dead_letter}, rejected.
   */
  public boolean late;

  /** When {@link #late}: the forgotten stated time it was found at or before. */
  public long forgottenStated;

  /** The reason for the dead letter when the event was rejected (nothing changed), else null. */
  public String rejected;

  /** True when the table changed (something for the sink to write). */
  public boolean changed() {
    return !closed.isEmpty() || !added.isEmpty() || !removed.isEmpty();
  }

  public ApplyResult<P> reset() {
    closed.clear();
    added.clear();
    removed.clear();
    systemTime = Times.NONE;
    adjustedSystemTime = false;
    duplicate = false;
    late = false;
    forgottenStated = Times.NONE;
    rejected = null;
    return this;
  }
}
