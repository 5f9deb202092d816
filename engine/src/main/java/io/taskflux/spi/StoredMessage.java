package io.taskflux.spi;

import io.taskflux.UndecodablePayloadException;
import io.taskflux.task.Message;
import io.taskflux.task.MessageRef;
import java.time.Instant;
import java.util.Objects;

/**
 * A message as the backend holds it.
 *
 * @param ref where it is
 * @param state ready, delayed, leased or dead letter
 * @param message the message, or null only when its payload is undecodable (then {@code error} says
 *     why)
 * @param lease the current lease when {@code LEASED}, else null
 * @param expiresAt when the backend forgets it (its message or dead-letter TTL)
 * @param error why the payload cannot be decoded, or null
 */
public record StoredMessage(
    MessageRef ref,
    MessageState state,
    Message message,
    Lease lease,
    Instant expiresAt,
    UndecodablePayloadException error) {

  /** Validates. */
  public StoredMessage {
    Objects.requireNonNull(ref, "ref");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(expiresAt, "expiresAt");
    if ((message == null) == (error == null)) {
      throw new IllegalArgumentException("exactly one of message and error must be set");
    }
    if ((state == MessageState.LEASED) != (lease != null)) {
      throw new IllegalArgumentException("a lease is present exactly when the state is LEASED");
    }
  }
}
