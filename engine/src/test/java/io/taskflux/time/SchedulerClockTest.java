package io.taskflux.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

class SchedulerClockTest {

  private static final Instant START = Instant.parse("2030-01-01T00:00:00Z");

  @Test
  void aManualClockMovesOnlyWhenAdvanced() {
    ManualClock time = ManualClock.startingAt(START);
    assertEquals(START, time.now());
    time.advance(Duration.ofMillis(1500));
    assertEquals(START.plusMillis(1500), time.clock().instant());
    assertEquals(START.plusMillis(1500).toEpochMilli(), time.clock().millis());
  }

  @Test
  void timersFireWhenTheClockIsAdvancedPastThem() {
    ManualClock time = ManualClock.startingAt(START);
    AtomicBoolean fired = new AtomicBoolean();
    Disposable d = Timers.at(time.clock(), START.plusSeconds(10)).subscribe(x -> fired.set(true));
    time.advance(Duration.ofSeconds(9));
    assertFalse(fired.get());
    time.advance(Duration.ofSeconds(1));
    assertTrue(fired.get());
    d.dispose();
    StepVerifier.create(Timers.at(time.clock(), START)).expectNext(0L).verifyComplete();
  }

  @Test
  void anyOtherClockWaitsInRealTimeOnTheParallelScheduler() {
    Clock system = Clock.systemUTC();
    assertEquals(Schedulers.parallel(), Timers.scheduler(system));
    StepVerifier.create(Timers.after(system, Duration.ofMillis(5)))
        .expectNextCount(1)
        .verifyComplete();
    assertEquals(
        SchedulerClock.of(Schedulers.parallel()).scheduler(),
        Timers.scheduler(SchedulerClock.of(Schedulers.parallel())));
  }
}
