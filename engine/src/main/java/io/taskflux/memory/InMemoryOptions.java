package io.taskflux.memory;

import java.time.Clock;
import java.util.Objects;

/**
 * Settings of an {@link InMemoryBackend}.
 *
 * @param clock the clock of every time-based decision (use a {@link
 *     io.taskflux.time.SchedulerClock} on a virtual-time scheduler in tests)
 * @param capacity the most live messages (ready, delayed or leased) the backend admits through
 *     {@code enqueue}; more fail with {@link io.taskflux.CapacityExceededException} ({@code >= 1})
 */
public record InMemoryOptions(Clock clock, int capacity) {

  /** The default capacity: one million live messages. */
  public static final int DEFAULT_CAPACITY = 1_000_000;

  /** Validates. */
  public InMemoryOptions {
    Objects.requireNonNull(clock, "clock");
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
    }
  }

  /** The UTC system clock and the default capacity. */
  public static InMemoryOptions defaults() {
    return new InMemoryOptions(Clock.systemUTC(), DEFAULT_CAPACITY);
  }

  /** A copy with another clock. */
  public InMemoryOptions withClock(Clock clock) {
    return new InMemoryOptions(clock, capacity);
  }

  /** A copy with another capacity. */
  public InMemoryOptions withCapacity(int capacity) {
    return new InMemoryOptions(clock, capacity);
  }
}
