package io.taskflux.spi;

import java.util.List;
import java.util.Objects;

/**
 * What {@link Backend#requeueExpired} takes.
 *
 * @param queues the queues to look at, not empty
 * @param retention status TTL for {@code RETRYING} / {@code FAILED}, dead-letter TTL
 */
public record ReapRequest(List<String> queues, Retention retention) {

  /** Validates and copies. */
  public ReapRequest {
    queues = List.copyOf(Objects.requireNonNull(queues, "queues"));
    if (queues.isEmpty()) {
      throw new IllegalArgumentException("queues must not be empty");
    }
    Objects.requireNonNull(retention, "retention");
  }
}
