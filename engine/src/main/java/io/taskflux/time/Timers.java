package io.taskflux.time;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import reactor.core.Disposable;
import reactor.core.Disposables;
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
    return Mono.create(
        sink -> {
          Scheduler scheduler = scheduler(clock);
          Disposable.Swap task = Disposables.swap();
          sink.onDispose(task);
          // The wait is scheduled relative to the clock as read just before. If the clock jumped
          // in between (a virtual clock advanced by another thread), the wait would fire late by
          // the jump, so it is scheduled again from the new reading. A real clock moves by less
          // than a millisecond here and is taken as it is.
          for (int attempt = 0; attempt < 100; attempt++) {
            Instant before = clock.instant();
            Duration left = Duration.between(before, deadline);
            if (left.isNegative() || left.isZero()) {
              sink.success(0L);
              return;
            }
            task.update(
                scheduler.schedule(() -> sink.success(0L), left.toNanos(), TimeUnit.NANOSECONDS));
            if (Duration.between(before, clock.instant()).compareTo(Duration.ofMillis(1)) < 0) {
              return;
            }
          }
        });
  }

  /** Emits once after {@code duration} on {@link #scheduler(Clock)}. */
  public static Mono<Long> after(Clock clock, Duration duration) {
    Objects.requireNonNull(duration, "duration");
    return Mono.defer(() -> at(clock, clock.instant().plus(duration)));
  }
}
