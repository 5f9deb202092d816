package io.taskflux.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.channels.ClosedByInterruptException;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.Test;

/** How a task's end is classified: upstream's "failed" is any error but an interrupt. */
class OutcomeTest {

  @Test
  void anInterruptAnywhereInTheCauseChainIsNotAFailure() {
    assertEquals(Outcome.Kind.INTERRUPTED, Outcome.of(new InterruptedException()).kind());
    assertEquals(
        Outcome.Kind.INTERRUPTED,
        Outcome.of(new IllegalStateException(new RuntimeException(new InterruptedException())))
            .kind());
    assertEquals(Outcome.Kind.INTERRUPTED, Outcome.of(new ClosedByInterruptException()).kind());
    assertEquals(Outcome.Kind.CANCELLED, Outcome.of(new CancellationException()).kind());
    assertFalse(Outcome.of(new InterruptedException()).failed());
  }

  @Test
  void anyOtherErrorIsAFailure() {
    Outcome outcome = Outcome.of(new IllegalStateException("expected!"));
    assertTrue(outcome.failed());
    assertEquals("expected!", outcome.error().getMessage());
    assertTrue(Outcome.of(new OutOfMemoryError()).failed());
  }

  @Test
  void aCauseCycleEnds() {
    RuntimeException first = new RuntimeException("first");
    RuntimeException second = new RuntimeException("second", first);
    first.initCause(second);
    assertTrue(Outcome.of(first).failed());
  }

  @Test
  void exitCodesOfAChildJvm() {
    assertEquals(Outcome.Kind.SUCCEEDED, ProcessLauncher.outcome("p", 0, false).kind());
    assertEquals(Outcome.Kind.INTERRUPTED, ProcessLauncher.outcome("p", 130, false).kind());
    assertEquals(Outcome.Kind.INTERRUPTED, ProcessLauncher.outcome("p", 143, false).kind());
    assertEquals(Outcome.Kind.CANCELLED, ProcessLauncher.outcome("p", 137, true).kind());
    // SIGKILL from someone else (the OOM killer, say) is a failure.
    assertEquals(Outcome.Kind.FAILED, ProcessLauncher.outcome("p", 137, false).kind());
    Outcome failed = ProcessLauncher.outcome("p", 3, false);
    assertTrue(failed.failed());
    assertEquals(3, ((ProcessExitException) failed.error()).exitCode());
    assertEquals("The child JVM of task p exited with code 3", failed.error().getMessage());
  }
}
