package io.taskflux.time;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/** Non-blocking waits for an instant of a {@link Clock}. */
public final class Timers {

  private Timers() {}

  /**
   * The scheduler that timed waits on {@code clock} use: a {@link SchedulerClock}'s own, else
   * {@link Schedulers#parallel()}.
   */
  public static Scheduler scheduler(Clock clock) {
    return clock instanceof SchedulerClock sc ? sc.scheduler() : Schedulers.parallel();
  }

  /**
   * Emits once (the value is meaningless) when {@code clock} reaches {@code deadline}: at once if
   * it has, else after the remaining time on {@link #scheduler(Clock)}. Cold: the remaining time is
   * measured at subscription. For a clock that is not a {@link SchedulerClock} the wait is measured
   * in real time.
   */
  public static Mono<Long> at(Clock clock, Instant deadline) {
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(deadline, "deadline");
    return Mono.defer(
        () -> {
          Duration left = Duration.between(clock.instant(), deadline);
          return left.isNegative() || left.isZero()
              ? Mono.just(0L)
              : Mono.delay(left, scheduler(clock));
        });
  }

  /** Emits once after {@code duration} on {@link #scheduler(Clock)}. */
  public static Mono<Long> after(Clock clock, Duration duration) {
    Objects.requireNonNull(duration, "duration");
    return Mono.defer(() -> at(clock, clock.instant().plus(duration)));
  }
}
