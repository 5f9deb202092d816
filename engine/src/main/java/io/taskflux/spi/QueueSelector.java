package io.taskflux.spi;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One queue to claim from, optionally restricted to some task names.
 *
 * @param queue the queue name
 * @param tasks task names to take; empty takes every task
 */
public record QueueSelector(String queue, Set<String> tasks) {

  /** Validates and copies. */
  public QueueSelector {
    Objects.requireNonNull(queue, "queue");
    if (queue.isBlank()) {
      throw new IllegalArgumentException("queue must not be blank");
    }
    tasks = Set.copyOf(Objects.requireNonNull(tasks, "tasks"));
  }

  /** Every task of a queue. */
  public static QueueSelector of(String queue) {
    return new QueueSelector(queue, Set.of());
  }

  /** Only the given tasks of a queue. */
  public static QueueSelector of(String queue, String... tasks) {
    return new QueueSelector(queue, Set.of(tasks));
  }

  /** Whether a message of {@code task} is selected. */
  public boolean accepts(String task) {
    return tasks.isEmpty() || tasks.contains(task);
  }

  /** Every task of each queue, in the given order. */
  public static List<QueueSelector> all(List<String> queues) {
    return queues.stream().map(QueueSelector::of).toList();
  }
}
