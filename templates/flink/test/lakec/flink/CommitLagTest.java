package lakec.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** What the EventTimeLagMillis gauge reports, checkpoint by checkpoint. */
class CommitLagTest {
  @Test
  void theOldestArrivalACheckpointCommitsAgainstItsCompletion() {
    CommitLag lag = new CommitLag();
    lag.arrived(1_000);
    lag.arrived(400);
    lag.arrived(900);
    lag.barrier(1);
    // Arrived after the barrier: committed by checkpoint 2, not 1.
    lag.arrived(100);
    lag.completed(1, 2_000);
    assertEquals(1_600, lag.lag());
    lag.barrier(2);
    lag.completed(2, 2_500);
    assertEquals(2_400, lag.lag());
  }

  @Test
  void aCheckpointWithoutEventsReportsNoLag() {
    CommitLag lag = new CommitLag();
    lag.arrived(1_000);
    lag.barrier(1);
    lag.completed(1, 5_000);
    assertEquals(4_000, lag.lag());
    // No traffic: the lag does not grow with the time since the last event.
    lag.barrier(2);
    lag.completed(2, 60_000);
    assertEquals(0, lag.lag());
  }

  @Test
  void anAbortedCheckpointsEventsCountAtTheNextCompletion() {
    CommitLag lag = new CommitLag();
    lag.arrived(1_000);
    lag.barrier(1);
    // Checkpoint 1 aborted (no completion); checkpoint 2 commits its events too.
    lag.arrived(3_000);
    lag.barrier(2);
    lag.completed(2, 10_000);
    assertEquals(9_000, lag.lag());
    // A late notification of a checkpoint already covered changes nothing.
    lag.completed(1, 20_000);
    assertEquals(9_000, lag.lag());
  }

  @Test
  void unknownArrivalsAreNotCountedAndClocksBehindArrivalGiveZero() {
    CommitLag lag = new CommitLag();
    lag.arrived(0);
    lag.barrier(1);
    lag.completed(1, 5_000);
    assertEquals(0, lag.lag());
    lag.arrived(9_000);
    lag.barrier(2);
    lag.completed(2, 5_000);
    assertEquals(0, lag.lag());
  }
}
