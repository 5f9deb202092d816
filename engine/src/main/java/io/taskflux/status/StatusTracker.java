package io.taskflux.status;

import io.taskflux.internal.Checks;
import io.taskflux.spi.Backend;
import io.taskflux.task.ExceptionDetails;
import io.taskflux.task.MessageRef;
import io.taskflux.task.StatusUpdate;
import io.taskflux.task.TaskStatus;
import java.time.Duration;
import java.util.Collection;
import java.util.Objects;
import java.util.Set;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Reads, writes and watches task statuses (the seed's {@code StatusTracker} and its integrity
 * scanner). The backend writes the statuses of a message's life itself, atomically with each move;
 * this service is for reading them, waiting for them, and writing others.
 *
 * <p><b>TTL.</b> Every write this tracker makes carries its {@link #ttl()} (DESIGN decision 4:
 * whatever the first status was), so no status outlives it.
 *
 * <p><b>Threading.</b> Thread-safe. Every method returns a cold publisher that does its work on
 * subscription (again on each one), never blocks, and may signal on any thread. Waits and streams
 * wake on the write itself (the backend's status watch), never by polling; timeouts run on the
 * backend's clock, so a virtual-time clock moves them.
 *
 * <p><b>Errors</b> arrive through {@code onError}: {@link io.taskflux.NotFoundException}, {@link
 * StatusNotTerminalException}, {@link java.util.concurrent.TimeoutException} as documented per
 * method; {@link io.taskflux.BackendUnavailableException} when the backend cannot be reached or is
 * closed. Invalid arguments throw at call time.
 */
public interface StatusTracker {

  /** The seed's default status TTL: seven days. */
  Duration DEFAULT_TTL = Duration.ofDays(7);

  /** A tracker whose writes live {@link #DEFAULT_TTL}. */
  static StatusTracker create(Backend backend) {
    return create(backend, DEFAULT_TTL);
  }

  /** A tracker whose writes live {@code ttl} ({@code > 0}). */
  static StatusTracker create(Backend backend, Duration ttl) {
    return new DefaultStatusTracker(
        Objects.requireNonNull(backend, "backend"), Checks.positive(ttl, "ttl"));
  }

  /** How long each status this tracker writes lives. */
  Duration ttl();

  /** Writes {@code status} (at the backend clock's now) and notifies watchers. */
  default Mono<Void> set(MessageRef ref, TaskStatus status) {
    return set(ref, status, null);
  }

  /**
   * Writes {@code status} with optional exception details (at the backend clock's now), replacing
   * the current one, and notifies watchers. No transition check: any status may be written.
   */
  Mono<Void> set(MessageRef ref, TaskStatus status, ExceptionDetails details);

  /**
   * The current status; fails with {@link io.taskflux.NotFoundException} when none is stored (never
   * written, deleted or expired).
   */
  Mono<StatusUpdate> get(MessageRef ref);

  /** Whether a status is stored. */
  Mono<Boolean> exists(MessageRef ref);

  /** {@link #delete(MessageRef, boolean)} with the check. */
  default Mono<Void> delete(MessageRef ref) {
    return delete(ref, true);
  }

  /**
   * Deletes a status. With {@code check}, a non-terminal status is kept and the {@code Mono} fails
   * with {@link StatusNotTerminalException} (the check and the delete are two backend operations: a
   * status written between them is deleted). A missing status fails with {@link
   * io.taskflux.NotFoundException}.
   */
  Mono<Void> delete(MessageRef ref, boolean check);

  /**
   * Publishes {@code update} to every watcher of the message. The backend has no publish-only
   * channel, so the update is also stored as the current status (with this tracker's TTL), exactly
   * like {@link #set}.
   */
  Mono<Void> publishUpdate(MessageRef ref, StatusUpdate update);

  /** {@link #listenToUpdates(MessageRef, boolean)} that ends after the first terminal status. */
  default Flux<StatusUpdate> listenToUpdates(MessageRef ref) {
    return listenToUpdates(ref, true);
  }

  /**
   * Streams the status: the current one first (if any), then each later write as it happens,
   * without repeating an update. Cold: each subscriber gets its own watch. With {@code autoExit} it
   * completes right after emitting a terminal status ({@code SUCCEEDED}, {@code FAILED}), at once
   * if the current one is terminal; otherwise it never completes by itself. Buffers for slow
   * subscribers (a task has few statuses).
   */
  Flux<StatusUpdate> listenToUpdates(MessageRef ref, boolean autoExit);

  /** {@link #waitFor(MessageRef, Set, Duration, boolean)} for one status, raising on timeout. */
  default Mono<StatusUpdate> waitFor(MessageRef ref, TaskStatus status, Duration timeout) {
    return waitFor(ref, Set.of(status), timeout, true);
  }

  /** {@link #waitFor(MessageRef, Set, Duration, boolean)}, raising on timeout. */
  default Mono<StatusUpdate> waitFor(MessageRef ref, Set<TaskStatus> statuses, Duration timeout) {
    return waitFor(ref, statuses, timeout, true);
  }

  /** Waits, for ever, until the status is one of {@code statuses}, and emits that status update. */
  Mono<StatusUpdate> waitFor(MessageRef ref, Set<TaskStatus> statuses);

  /**
   * Waits until the status is one of {@code statuses} and emits that status update: at once if it
   * already is, else on the write that makes it so (no polling).
   *
   * <p>If that does not happen within {@code timeout} (on the backend clock): with {@code
   * raiseOnTimeout} the {@code Mono} fails with {@link java.util.concurrent.TimeoutException}
   * ({@link Duration#ZERO}: it looks once and fails at once with {@link
   * io.taskflux.NotFoundException}); without, it emits the last status seen, or an {@code UNKNOWN}
   * update (at the clock's now) when none was seen, as the seed does.
   *
   * @param statuses the statuses to wait for, not empty
   * @param timeout the longest wait ({@code >= 0})
   */
  Mono<StatusUpdate> waitFor(
      MessageRef ref, Set<TaskStatus> statuses, Duration timeout, boolean raiseOnTimeout);

  /**
   * The integrity scan, once, over {@code queues}: every non-terminal status whose message is no
   * longer live becomes {@code UNKNOWN} (with this tracker's TTL).
   *
   * @return how many statuses were changed
   */
  Mono<Long> scanIntegrity(Collection<String> queues);

  /**
   * The integrity scan, once, over the queues the backend lists (those holding live messages or
   * dead letters). A queue that holds only statuses is not listed: name it with {@link
   * #scanIntegrity(Collection)}.
   */
  Mono<Long> scanIntegrity();

  /**
   * Runs {@link #scanIntegrity(Collection)} every {@code interval} on {@code scheduler}, the first
   * time after one interval, emitting each scan's count. Cold: nothing runs until subscribed;
   * dispose the subscription to stop. A scan still running when the next is due makes that one be
   * skipped. Fails (and stops) with the first error of a scan; add a retry to keep it alive.
   */
  Flux<Long> scanIntegrityEvery(Duration interval, Collection<String> queues, Scheduler scheduler);

  /** {@link #scanIntegrityEvery(Duration, Collection, Scheduler)} over the listed queues. */
  Flux<Long> scanIntegrityEvery(Duration interval, Scheduler scheduler);
}
