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
 * @param namespace the backend's {@linkplain io.taskflux.spi.Backend#namespace() namespace} (not
 *     blank; default {@value #DEFAULT_NAMESPACE})
 */
public record InMemoryOptions(Clock clock, int capacity, String namespace) {

  /** The default namespace, as every backend's: {@code taskflux}. */
  public static final String DEFAULT_NAMESPACE = "taskflux";

  /** The default capacity: one million live messages. */
  public static final int DEFAULT_CAPACITY = 1_000_000;

  /** Validates. */
  public InMemoryOptions {
    Objects.requireNonNull(clock, "clock");
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
    }
    Objects.requireNonNull(namespace, "namespace");
    if (namespace.isBlank()) {
      throw new IllegalArgumentException("namespace must not be blank");
    }
  }

  /** Options in the default namespace. */
  public InMemoryOptions(Clock clock, int capacity) {
    this(clock, capacity, DEFAULT_NAMESPACE);
  }

  /** The UTC system clock and the default capacity. */
  public static InMemoryOptions defaults() {
    return new InMemoryOptions(Clock.systemUTC(), DEFAULT_CAPACITY);
  }

  /** A copy with another clock. */
  public InMemoryOptions withClock(Clock clock) {
    return new InMemoryOptions(clock, capacity, namespace);
  }

  /** A copy with another capacity. */
  public InMemoryOptions withCapacity(int capacity) {
    return new InMemoryOptions(clock, capacity, namespace);
  }

  /** A copy with another namespace. */
  public InMemoryOptions withNamespace(String namespace) {
    return new InMemoryOptions(clock, capacity, namespace);
  }
}
