package io.taskflux.spi;

import io.taskflux.task.Message;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.NullNode;

/**
 * What {@link Backend#complete} takes for one successful attempt.
 *
 * @param lease the lease of the attempt
 * @param result the result as JSON (null becomes JSON {@code null})
 * @param resultTtl how long the result is kept ({@code > 0})
 * @param callbacks messages to enqueue (if absent) as part of the completion; may be empty
 * @param retention status TTL for {@code SUCCEEDED} and the callbacks' {@code SUBMITTED}, message
 *     TTL for the callbacks
 */
public record CompleteRequest(
    Lease lease,
    JsonNode result,
    Duration resultTtl,
    List<Message> callbacks,
    Retention retention) {

  /** Validates and copies. */
  public CompleteRequest {
    Objects.requireNonNull(lease, "lease");
    result = result == null ? NullNode.getInstance() : result.deepCopy();
    Retention.positive(resultTtl, "resultTtl");
    callbacks = List.copyOf(Objects.requireNonNull(callbacks, "callbacks"));
    Objects.requireNonNull(retention, "retention");
  }

  /** The result (a copy). */
  @Override
  public JsonNode result() {
    return result.deepCopy();
  }
}
