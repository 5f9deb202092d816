package io.taskflux.engine;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/**
 * How a worker runs: which queues it drains (in priority order), how many tasks it runs at once,
 * and its lease, idle and shutdown timings. Immutable; each {@code name(value)} returns a copy.
 *
 * @param queues the queues in claim order (the first is drained first); empty means the sorted
 *     queues of every registered task
 * @param concurrency the most tasks running at once ({@code >= 1}); the worker claims only as many
 *     messages as it has free slots
 * @param lease how long a claimed message stays leased without renewal ({@code > 0}); the worker
 *     extends it every third of it while the task runs
 * @param gracePeriod on stop, how long running tasks may finish before they are interrupted ({@code
 *     >= 0}) and handled as failed attempts (retried, or {@code FAILED} without retries)
 * @param idleWait the longest single wait for work before looking again ({@code > 0}); waits end
 *     earlier on any enqueue, due delay or expiring lease, so this is only a safety net
 * @param completeOnlyOnThreadExit for blocking tasks: free a slot after a timeout or revocation
 *     only once the interrupted thread has really returned (the seed's {@code
 *     complete_only_on_thread_exit})
 */
public record WorkerOptions(
    List<String> queues,
    int concurrency,
    Duration lease,
    Duration gracePeriod,
    Duration idleWait,
    boolean completeOnlyOnThreadExit) {

  /** Validates and copies. */
  public WorkerOptions {
    queues = List.copyOf(Objects.requireNonNull(queues, "queues"));
    if (new HashSet<>(queues).size() != queues.size()) {
      throw new IllegalArgumentException("queues must not repeat, got " + queues);
    }
    queues.forEach(q -> TaskDefinition.requireText(q, "queue"));
    if (concurrency < 1) {
      throw new IllegalArgumentException("concurrency must be >= 1, got " + concurrency);
    }
    TaskDefinition.positive(lease, "lease");
    Objects.requireNonNull(gracePeriod, "gracePeriod");
    if (gracePeriod.isNegative()) {
      throw new IllegalArgumentException("gracePeriod must be >= 0, got " + gracePeriod);
    }
    TaskDefinition.positive(idleWait, "idleWait");
  }

  /** Every registered queue, 8 at once, 30 s leases, 10 s grace, 30 s idle wait. */
  public static WorkerOptions defaults() {
    return new WorkerOptions(
        List.of(),
        8,
        Duration.ofSeconds(30),
        Duration.ofSeconds(10),
        Duration.ofSeconds(30),
        false);
  }

  /** The defaults on the given queues, in this order. */
  public static WorkerOptions queues(String... queues) {
    return defaults().withQueues(List.of(queues));
  }

  /** A copy on other queues. */
  public WorkerOptions withQueues(List<String> queues) {
    return new WorkerOptions(
        queues, concurrency, lease, gracePeriod, idleWait, completeOnlyOnThreadExit);
  }

  /** A copy with another concurrency. */
  public WorkerOptions concurrency(int concurrency) {
    return new WorkerOptions(
        queues, concurrency, lease, gracePeriod, idleWait, completeOnlyOnThreadExit);
  }

  /** A copy with another lease. */
  public WorkerOptions lease(Duration lease) {
    return new WorkerOptions(
        queues, concurrency, lease, gracePeriod, idleWait, completeOnlyOnThreadExit);
  }

  /** A copy with another grace period. */
  public WorkerOptions gracePeriod(Duration gracePeriod) {
    return new WorkerOptions(
        queues, concurrency, lease, gracePeriod, idleWait, completeOnlyOnThreadExit);
  }

  /** A copy with another idle wait. */
  public WorkerOptions idleWait(Duration idleWait) {
    return new WorkerOptions(
        queues, concurrency, lease, gracePeriod, idleWait, completeOnlyOnThreadExit);
  }

  /** A copy that frees slots of interrupted blocking tasks only when their thread returns. */
  public WorkerOptions completeOnlyOnThreadExit(boolean on) {
    return new WorkerOptions(queues, concurrency, lease, gracePeriod, idleWait, on);
  }
}
