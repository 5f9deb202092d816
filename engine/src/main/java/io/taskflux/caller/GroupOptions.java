package io.taskflux.caller;

import java.time.Duration;
import java.util.Objects;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Immutable settings of a {@link PendingGroup}. Start from {@link #defaults()} and change a field
 * with the method of the same name, which returns a copy.
 *
 * @param name the group's name, used in messages (default {@code "group"})
 * @param mode what a member's cancellation does (default {@link GroupMode#IGNORE_CANCELLED})
 * @param shield whether cancellation from outside (the subscriber, an enclosing group) is kept from
 *     the group (default false)
 * @param deadline when not {@code null}, the group is cancelled this long after it is entered
 * @param cancellationTimeout how long a cancelled group waits for its members to stop before it
 *     ends anyway (default 10 s)
 * @param timer the scheduler of the deadline and cancellation timers (default {@link
 *     Schedulers#parallel()}; pass a virtual-time scheduler in tests)
 */
public record GroupOptions(
    String name,
    GroupMode mode,
    boolean shield,
    Duration deadline,
    Duration cancellationTimeout,
    Scheduler timer) {

  /** Validates the fields; each error names the parameter. */
  public GroupOptions {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(mode, "mode");
    if (deadline != null && deadline.isNegative()) {
      throw new IllegalArgumentException("deadline must not be negative");
    }
    Objects.requireNonNull(cancellationTimeout, "cancellationTimeout");
    if (cancellationTimeout.isNegative()) {
      throw new IllegalArgumentException("cancellationTimeout must not be negative");
    }
    Objects.requireNonNull(timer, "timer");
  }

  /** Mode {@code IGNORE_CANCELLED}, no shield, no deadline, 10 s cancellation timeout. */
  public static GroupOptions defaults() {
    return new GroupOptions(
        "group",
        GroupMode.IGNORE_CANCELLED,
        false,
        null,
        Duration.ofSeconds(10),
        Schedulers.parallel());
  }

  /** A copy with another name. */
  public GroupOptions name(String name) {
    return new GroupOptions(name, mode, shield, deadline, cancellationTimeout, timer);
  }

  /** A copy with another mode. */
  public GroupOptions mode(GroupMode mode) {
    return new GroupOptions(name, mode, shield, deadline, cancellationTimeout, timer);
  }

  /** A copy with the shield on or off. */
  public GroupOptions shield(boolean shield) {
    return new GroupOptions(name, mode, shield, deadline, cancellationTimeout, timer);
  }

  /** A copy with a deadline counted from entry ({@code null}: none). */
  public GroupOptions deadline(Duration deadline) {
    return new GroupOptions(name, mode, shield, deadline, cancellationTimeout, timer);
  }

  /** A copy with another cancellation timeout. */
  public GroupOptions cancellationTimeout(Duration cancellationTimeout) {
    return new GroupOptions(name, mode, shield, deadline, cancellationTimeout, timer);
  }

  /** A copy with another timer scheduler. */
  public GroupOptions timer(Scheduler timer) {
    return new GroupOptions(name, mode, shield, deadline, cancellationTimeout, timer);
  }
}
