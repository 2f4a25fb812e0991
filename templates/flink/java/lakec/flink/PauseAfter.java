package lakec.flink;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiter;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;

/**
 * For local restart runs: the source hands out its first {@code events} events, then waits (without
 * blocking the task, so checkpoint barriers and a stop-with-savepoint still pass). {@link #PAUSED}
 * opens once it waits; the local runner, in the same JVM, then stops the job with a savepoint at
 * exactly that point of the input.
 */
public final class PauseAfter implements RateLimiterStrategy<SourceSplit> {
  private static final long serialVersionUID = 1L;

  public static volatile CountDownLatch PAUSED = new CountDownLatch(1);

  /** Closes the latch again, before a run that pauses. */
  public static void reset() {
    PAUSED = new CountDownLatch(1);
  }

  private final long events;

  public PauseAfter(long events) {
    this.events = events;
  }

  @Override
  public RateLimiter<SourceSplit> createRateLimiter(int parallelism) {
    return new RateLimiter<>() {
      private long granted;

      @Override
      public CompletionStage<Void> acquire(int permits) {
        if (granted + permits <= events) {
          granted += permits;
          return CompletableFuture.completedFuture(null);
        }
        PAUSED.countDown();
        return new CompletableFuture<>();
      }
    };
  }
}
