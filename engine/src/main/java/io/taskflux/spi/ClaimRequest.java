package io.taskflux.spi;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What {@link Backend#claim} takes: up to {@code max} ready messages from {@code queues} in that
 * order, leased to {@code owner} for {@code lease}.
 *
 * @param queues the queues in priority order (the first is drained first), not empty
 * @param max the most messages to claim ({@code >= 1}); a worker asks for its free slots
 * @param owner who claims (a worker id), not blank
 * @param lease how long each lease lasts before it must be extended ({@code > 0})
 * @param retention the status TTL applies to the {@code RUNNING} status the claim writes
 */
public record ClaimRequest(
    List<QueueSelector> queues, int max, String owner, Duration lease, Retention retention) {

  /** Validates and copies. */
  public ClaimRequest {
    queues = List.copyOf(Objects.requireNonNull(queues, "queues"));
    if (queues.isEmpty()) {
      throw new IllegalArgumentException("queues must not be empty");
    }
    if (max < 1) {
      throw new IllegalArgumentException("max must be >= 1, got " + max);
    }
    if (owner == null || owner.isBlank()) {
      throw new IllegalArgumentException("owner must not be blank");
    }
    Retention.positive(lease, "lease");
    Objects.requireNonNull(retention, "retention");
  }
}
