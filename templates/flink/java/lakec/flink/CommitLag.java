package lakec.flink;

import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The event-time lag at commit ({@link Metrics#EVENT_TIME_LAG}): for the events a checkpoint made
 * queryable (the Iceberg sink commits when a checkpoint completes), the time of that completion
 * less the oldest arrival among them. A checkpoint that covered no event reports 0: without traffic
 * nothing waits, and a job that is not running reports nothing at all (its alarm counts silence as
 * a breach). An aborted checkpoint's events are committed by the next one that completes, which
 * therefore covers them. Plain Java, called by {@link MapEvents} on each event, at each checkpoint
 * barrier and when a checkpoint completes, all on the task's thread; the reporter reads {@link
 * #lag()} from its own.
 */
final class CommitLag {
  private long oldestPending = Long.MAX_VALUE;
  private final TreeMap<Long, Long> oldestByCheckpoint = new TreeMap<>();
  private volatile long lag;

  /** An event that arrived in the stream at {@code arrivalMillis} (0: unknown, not counted). */
  void arrived(long arrivalMillis) {
    if (arrivalMillis > 0 && arrivalMillis < oldestPending) oldestPending = arrivalMillis;
  }

  /**
   * The barrier of checkpoint {@code checkpointId}: the events before it are in that checkpoint.
   */
  void barrier(long checkpointId) {
    oldestByCheckpoint.merge(checkpointId, oldestPending, Math::min);
    oldestPending = Long.MAX_VALUE;
  }

  /**
   * Checkpoint {@code checkpointId} completed at {@code nowMillis}, and with it every earlier one.
   */
  void completed(long checkpointId, long nowMillis) {
    NavigableMap<Long, Long> covered = oldestByCheckpoint.headMap(checkpointId, true);
    if (covered.isEmpty()) return;
    long oldest = Long.MAX_VALUE;
    for (long arrival : covered.values()) oldest = Math.min(oldest, arrival);
    covered.clear();
    lag = oldest == Long.MAX_VALUE ? 0 : Math.max(0, nowMillis - oldest);
  }

  long lag() {
    return lag;
  }
}
