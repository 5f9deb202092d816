package io.taskflux.spi;

import io.taskflux.UndecodablePayloadException;
import io.taskflux.task.Message;
import java.util.Objects;

/**
 * One claimed message: the message and its lease. When the backend holds a payload it cannot
 * decode, the delivery has no message but an {@link #error()} naming the id; it is leased like any
 * other, and the caller is expected to {@linkplain Backend#fail fail} it (to the dead-letter queue)
 * so it does not come back.
 *
 * @param lease the lease, never null
 * @param message the message with its status already {@code RUNNING}, or null when undecodable
 * @param error why the payload could not be decoded, non-null exactly when {@code message} is null
 */
public record Delivery(Lease lease, Message message, UndecodablePayloadException error) {

  /** Validates that exactly one of message and error is present. */
  public Delivery {
    Objects.requireNonNull(lease, "lease");
    if ((message == null) == (error == null)) {
      throw new IllegalArgumentException("exactly one of message and error must be set");
    }
  }

  /** A delivery of a decodable message. */
  public static Delivery of(Lease lease, Message message) {
    return new Delivery(lease, Objects.requireNonNull(message, "message"), null);
  }
}
