package io.taskflux.spi;

import io.taskflux.task.MessageRef;
import java.time.Instant;
import java.util.Objects;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.NullNode;

/**
 * A stored result with its metadata (the seed's {@code with_metadata} form).
 *
 * @param ref whose result it is
 * @param value the result as JSON (JSON {@code null} for a null result)
 * @param storedAt when it was written (backend clock)
 */
public record StoredResult(MessageRef ref, JsonNode value, Instant storedAt) {

  /** Validates and copies the value. */
  public StoredResult {
    Objects.requireNonNull(ref, "ref");
    value = value == null ? NullNode.getInstance() : value.deepCopy();
    Objects.requireNonNull(storedAt, "storedAt");
  }

  /** The value (a copy). */
  @Override
  public JsonNode value() {
    return value.deepCopy();
  }
}
