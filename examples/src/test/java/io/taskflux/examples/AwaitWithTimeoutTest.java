package io.taskflux.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskflux.NonRetryableException;
import io.taskflux.task.TaskStatus;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class AwaitWithTimeoutTest {

  @Test
  void resultsWithinTheLimitTimeoutsAnyAndRace() {
    AwaitWithTimeout.Outcome o =
        AwaitWithTimeout.run(
            Duration.ofMillis(100), new PrintStream(OutputStream.nullOutputStream()));
    assertEquals("slept 0", o.quick());
    assertTrue(o.timedOut(), "awaiting the slow task for one unit times out");
    assertTrue(
        o.statusAfterTimeout() == TaskStatus.RUNNING
            || o.statusAfterTimeout() == TaskStatus.SUBMITTED,
        "the slow task is still going after the timeout: " + o.statusAfterTimeout());
    assertEquals("slept 100", o.any(), "any picks the first success, not the failure");
    assertEquals(
        NonRetryableException.class.getName(), o.raceError(), "race takes the first outcome");
  }
}
