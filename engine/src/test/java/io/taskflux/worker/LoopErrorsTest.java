package io.taskflux.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskflux.BackendRejectedException;
import io.taskflux.BackendRejectedException.Reason;
import io.taskflux.BackendUnavailableException;
import io.taskflux.time.ManualClock;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** The worker loop's reaction to backend errors: pause and log, on a hand-moved clock. */
class LoopErrorsTest {

  private final ManualClock time = ManualClock.startingAt(Instant.parse("2026-01-01T00:00:00Z"));
  private final LoopErrors errors = new LoopErrors("w1", time.clock());

  private static final BackendRejectedException NOPERM =
      new BackendRejectedException(Reason.AUTHORIZATION, "Redis at h:1 denied ... NOPERM ...");
  private static final BackendUnavailableException DOWN =
      new BackendUnavailableException("Redis at h:1 is unavailable: Connection refused");

  @Test
  void aRefusalIsLoggedOnceAsAConfigurationErrorThenAtMostOnceAMinute() {
    LoopErrors.Report first = errors.failed(NOPERM);
    assertEquals(Level.ERROR, first.level());
    assertEquals(LoopErrors.PERMANENT_PAUSE, first.pause());
    assertTrue(first.message().contains("AUTHORIZATION"), first.message());
    assertTrue(first.message().contains("configuration error"), first.message());
    assertTrue(first.message().contains("NOPERM"), first.message());
    assertSame(NOPERM, first.stackTrace(), "one stack trace, at the start");

    for (int i = 0; i < 11; i++) {
      time.advance(LoopErrors.PERMANENT_PAUSE);
      LoopErrors.Report again = errors.failed(new CompletionException(NOPERM));
      assertEquals(LoopErrors.PERMANENT_PAUSE, again.pause());
      assertNull(again.level(), "quiet within the minute, at " + i);
    }
    time.advance(LoopErrors.PERMANENT_PAUSE); // a minute since the first line
    LoopErrors.Report reminder = errors.failed(NOPERM);
    assertEquals(Level.ERROR, reminder.level());
    assertNull(reminder.stackTrace());
    assertTrue(reminder.message().contains("13 attempts"), reminder.message());

    String back = errors.recovered();
    assertNotNull(back);
    assertTrue(back.contains("13 failed attempts"), back);
    assertNull(errors.recovered(), "said once");
  }

  @Test
  void anOutageIsAWarningRetriedEverySecondAndAChangeOfKindIsLoggedAtOnce() {
    assertNull(errors.recovered(), "no trouble, nothing to say");
    LoopErrors.Report outage = errors.failed(DOWN);
    assertEquals(Level.WARNING, outage.level());
    assertEquals(LoopErrors.TRANSIENT_PAUSE, outage.pause());
    time.advance(Duration.ofSeconds(1));
    assertNull(errors.failed(DOWN).level());
    // The server came back with an ACL that refuses this user: a new, different trouble.
    time.advance(Duration.ofSeconds(1));
    LoopErrors.Report refused = errors.failed(NOPERM);
    assertEquals(Level.ERROR, refused.level());
    assertEquals(LoopErrors.PERMANENT_PAUSE, refused.pause());
  }

  @Test
  void anUntranslatedErrorIsTreatedAsBeforeAnOutageOfTheLoop() {
    LoopErrors.Report report = errors.failed(new IllegalStateException("a bug"));
    assertEquals(Level.WARNING, report.level());
    assertEquals(LoopErrors.TRANSIENT_PAUSE, report.pause());
  }
}
