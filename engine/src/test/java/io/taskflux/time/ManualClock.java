package io.taskflux.time;

import java.time.Duration;
import java.time.Instant;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * A test clock moved by hand: a {@link SchedulerClock} on its own {@link VirtualTimeScheduler}.
 * {@link #advance} moves the clock and, in the same call and on the calling thread, fires every
 * timed wait on it that became due (delays, lease and lock expiry wake-ups). Not installed as
 * Reactor's global scheduler; pass {@link #scheduler()} to {@code StepVerifier.withVirtualTime} to
 * share it.
 */
public final class ManualClock {

  private final VirtualTimeScheduler scheduler = VirtualTimeScheduler.create();
  private final SchedulerClock clock;

  private ManualClock(Instant start) {
    this.clock = SchedulerClock.of(scheduler, start);
  }

  /** A clock that shows {@code start} until advanced. */
  public static ManualClock startingAt(Instant start) {
    return new ManualClock(start);
  }

  /** The clock to inject. */
  public SchedulerClock clock() {
    return clock;
  }

  /** The virtual-time scheduler behind it. */
  public VirtualTimeScheduler scheduler() {
    return scheduler;
  }

  /** The current time. */
  public Instant now() {
    return clock.instant();
  }

  /** Moves time forward and runs whatever became due. */
  public void advance(Duration duration) {
    scheduler.advanceTimeBy(duration);
  }
}
