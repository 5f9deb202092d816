package io.taskflux.broker;

import io.taskflux.internal.Checks;
import io.taskflux.internal.Ids;
import io.taskflux.spi.QueueSelector;
import io.taskflux.spi.Retention;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a {@link Consumer} takes from where, and how. Immutable; change with the {@code with*}
 * copies.
 *
 * @param subset the queues (and tasks) in priority order, not empty: the first selector is drained
 *     first (the seed's subset; a queue may appear once per task to order its tasks)
 * @param owner the lease owner id (a worker id), not blank
 * @param lease how long each claim's lease lasts before it must be extended ({@code > 0})
 * @param maxBatch the most messages one claim asks for ({@code >= 1}), within the outstanding
 *     demand
 * @param maxIdleWait the longest single idle wait before claiming again ({@code > 0}); the wait
 *     normally ends earlier, on new work, a due message or an expiring lease
 * @param retention TTLs for the statuses the claim and the reaping write, and for dead letters
 */
public record ConsumerOptions(
    List<QueueSelector> subset,
    String owner,
    Duration lease,
    int maxBatch,
    Duration maxIdleWait,
    Retention retention) {

  /** The default lease: 30 s. */
  public static final Duration DEFAULT_LEASE = Duration.ofSeconds(30);

  /** The default batch: 32 messages per claim. */
  public static final int DEFAULT_MAX_BATCH = 32;

  /** The default longest idle wait: 30 s (the seed's consumer backoff ceiling). */
  public static final Duration DEFAULT_MAX_IDLE_WAIT = Duration.ofSeconds(30);

  /** Validates and copies. */
  public ConsumerOptions {
    subset = List.copyOf(Objects.requireNonNull(subset, "subset"));
    if (subset.isEmpty()) {
      throw new IllegalArgumentException("subset must not be empty");
    }
    if (owner == null || owner.isBlank()) {
      throw new IllegalArgumentException("owner must not be blank, got '" + owner + "'");
    }
    Checks.positive(lease, "lease");
    if (maxBatch < 1) {
      throw new IllegalArgumentException("maxBatch must be >= 1, got " + maxBatch);
    }
    Checks.positive(maxIdleWait, "maxIdleWait");
    Objects.requireNonNull(retention, "retention");
  }

  /** Every task of {@code queues}, the first drained first (the seed's list subset). */
  public static ConsumerOptions queues(String... queues) {
    return of(QueueSelector.all(List.of(queues)));
  }

  /**
   * Only the listed tasks of each queue, queues in map order and tasks in list order (the seed's
   * dict subset; pass a {@link java.util.LinkedHashMap}). Tasks not listed are never claimed.
   */
  public static ConsumerOptions subset(Map<String, List<String>> tasksByQueue) {
    List<QueueSelector> selectors = new ArrayList<>();
    tasksByQueue.forEach(
        (queue, tasks) -> {
          if (tasks.isEmpty()) {
            throw new IllegalArgumentException("no tasks listed for queue " + queue);
          }
          tasks.forEach(task -> selectors.add(QueueSelector.of(queue, task)));
        });
    return of(selectors);
  }

  /** The given selectors with the defaults for everything else (a random owner id). */
  public static ConsumerOptions of(List<QueueSelector> subset) {
    return new ConsumerOptions(
        subset,
        "consumer-" + Ids.randomUuid(),
        DEFAULT_LEASE,
        DEFAULT_MAX_BATCH,
        DEFAULT_MAX_IDLE_WAIT,
        Retention.defaults());
  }

  /** The distinct queue names of the subset, in order. */
  public List<String> queueNames() {
    LinkedHashSet<String> names = new LinkedHashSet<>();
    subset.forEach(s -> names.add(s.queue()));
    return List.copyOf(names);
  }

  /** A copy with another owner id. */
  public ConsumerOptions withOwner(String owner) {
    return new ConsumerOptions(subset, owner, lease, maxBatch, maxIdleWait, retention);
  }

  /** A copy with another lease duration. */
  public ConsumerOptions withLease(Duration lease) {
    return new ConsumerOptions(subset, owner, lease, maxBatch, maxIdleWait, retention);
  }

  /** A copy with another batch size. */
  public ConsumerOptions withMaxBatch(int maxBatch) {
    return new ConsumerOptions(subset, owner, lease, maxBatch, maxIdleWait, retention);
  }

  /** A copy with another longest idle wait. */
  public ConsumerOptions withMaxIdleWait(Duration maxIdleWait) {
    return new ConsumerOptions(subset, owner, lease, maxBatch, maxIdleWait, retention);
  }

  /** A copy with other TTLs. */
  public ConsumerOptions withRetention(Retention retention) {
    return new ConsumerOptions(subset, owner, lease, maxBatch, maxIdleWait, retention);
  }
}
