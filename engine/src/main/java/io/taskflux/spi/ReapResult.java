package io.taskflux.spi;

import io.taskflux.task.MessageRef;
import java.util.List;
import java.util.Objects;

/**
 * What {@link Backend#requeueExpired} did.
 *
 * @param requeued messages whose lease expired and that are ready again, one retry counted
 * @param deadLettered messages whose lease expired with no retry left, now dead letters
 */
public record ReapResult(List<MessageRef> requeued, List<MessageRef> deadLettered) {

  /** Validates and copies. */
  public ReapResult {
    requeued = List.copyOf(Objects.requireNonNull(requeued, "requeued"));
    deadLettered = List.copyOf(Objects.requireNonNull(deadLettered, "deadLettered"));
  }

  /** Nothing expired. */
  public static ReapResult empty() {
    return new ReapResult(List.of(), List.of());
  }
}
