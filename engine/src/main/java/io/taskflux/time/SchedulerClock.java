package io.taskflux.time;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import reactor.core.scheduler.Scheduler;

/**
 * A clock that reads a Reactor {@link Scheduler}'s {@code now}, and whose timers ({@link
 * Timers#at}) run on that scheduler. Built on a virtual-time scheduler ({@code
 * reactor.test.scheduler.VirtualTimeScheduler}), advancing the scheduler moves this clock and fires
 * every timed wait that became due, in the same call: that is how tests move TTLs, delays and
 * leases forward without sleeping. Built on a real scheduler, it is the system clock.
 *
 * <p>Immutable and thread-safe; millisecond resolution.
 */
public final class SchedulerClock extends Clock {

  private final Scheduler scheduler;
  private final long originMillis;
  private final long schedulerOriginMillis;
  private final ZoneId zone;

  private SchedulerClock(
      Scheduler scheduler, long originMillis, long schedulerOriginMillis, ZoneId zone) {
    this.scheduler = scheduler;
    this.originMillis = originMillis;
    this.schedulerOriginMillis = schedulerOriginMillis;
    this.zone = zone;
  }

  /** A clock showing the scheduler's own time (epoch milliseconds of {@code scheduler.now}). */
  public static SchedulerClock of(Scheduler scheduler) {
    Objects.requireNonNull(scheduler, "scheduler");
    return new SchedulerClock(scheduler, 0, 0, ZoneOffset.UTC);
  }

  /**
   * A clock that shows {@code start} now and moves with the scheduler from there (a virtual-time
   * scheduler starts at the epoch, which makes poor test dates).
   */
  public static SchedulerClock of(Scheduler scheduler, Instant start) {
    Objects.requireNonNull(scheduler, "scheduler");
    Objects.requireNonNull(start, "start");
    return new SchedulerClock(
        scheduler, start.toEpochMilli(), scheduler.now(TimeUnit.MILLISECONDS), ZoneOffset.UTC);
  }

  /** The scheduler this clock reads and runs its timers on. */
  public Scheduler scheduler() {
    return scheduler;
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis());
  }

  @Override
  public long millis() {
    return originMillis + scheduler.now(TimeUnit.MILLISECONDS) - schedulerOriginMillis;
  }

  @Override
  public ZoneId getZone() {
    return zone;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return new SchedulerClock(scheduler, originMillis, schedulerOriginMillis, zone);
  }

  @Override
  public String toString() {
    return "SchedulerClock[" + scheduler + ", now=" + instant() + "]";
  }
}
