package lakec.flink;

import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.metrics.MetricGroup;

/**
 * The job's custom metrics. Managed Service for Apache Flink sends only metrics of the group {@code
 * kinesisanalytics} to CloudWatch (namespace AWS/KinesisAnalytics, dimension Application); Flink
 * counters are cumulative, so alarms read their rate, a meter. Accumulators with the same counts
 * feed the local runner's summary.
 */
public final class Metrics {
  public static final String GROUP = "kinesisanalytics";

  /** Bad events sent to the dead-letter output (mapping, validation and the core's rejections). */
  public static final String DEAD_LETTER_RECORDS = "DeadLetterRecords";

  /** Rule 5: system times raised to the key's clock plus 1 ms. */
  public static final String ADJUSTED_SYSTEM_TIMES = "AdjustedSystemTimes";

  /** Late events: later than what the dedup window remembers. */
  public static final String LATE_EVENTS = "LateEvents";

  /** Rule 4: redeliveries recognized and skipped. */
  public static final String DUPLICATE_EVENTS = "DuplicateEvents";

  /**
   * The rate of {@link #DEAD_LETTER_RECORDS} (per second, over the last minute): what the
   * dead-letter alarm reads, unaffected by restarts (which reset the counters) and parallelism.
   */
  public static final String DEAD_LETTERS_PER_SECOND = "DeadLetterRecordsPerSecond";

  /**
   * At each completed checkpoint (an Iceberg commit), its time less the oldest arrival among the
   * events it committed; 0 when it committed none ({@link CommitLag}).
   */
  public static final String EVENT_TIME_LAG = "EventTimeLagMillis";

  static final String RECORDS_IN = "lakec.recordsIn";
  static final String BLANK_LINES = "lakec.blankLines";
  static final String CHANGED = "lakec.changed";
  static final String UNCHANGED = "lakec.unchanged";
  static final String DEAD_LETTERS_MAPPED = "lakec.deadLetters.mapping";
  static final String DEAD_LETTERS_CORE = "lakec.deadLetters.core";
  static final String DUPLICATES = "lakec.duplicates";
  static final String ADJUSTED = "lakec.adjustedSystemTimes";
  static final String LATE = "lakec.lateEvents";

  private Metrics() {}

  static MetricGroup group(RuntimeContext context) {
    return context.getMetricGroup().addGroup(GROUP);
  }
}
