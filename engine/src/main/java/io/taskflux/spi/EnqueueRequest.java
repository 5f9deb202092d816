package io.taskflux.spi;

import io.taskflux.task.Message;
import java.util.Objects;

/**
 * What {@link Backend#enqueue} takes.
 *
 * @param message the message to store; it is ready at {@link Message#readyAt()}
 * @param retention the message TTL and the TTL of the {@code SUBMITTED} status
 */
public record EnqueueRequest(Message message, Retention retention) {

  /** Validates. */
  public EnqueueRequest {
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(retention, "retention");
  }

  /** With the default retention. */
  public static EnqueueRequest of(Message message) {
    return new EnqueueRequest(message, Retention.defaults());
  }
}
