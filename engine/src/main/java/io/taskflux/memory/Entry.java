package io.taskflux.memory;

import io.taskflux.spi.Lease;
import io.taskflux.spi.MessageState;
import io.taskflux.task.Message;
import io.taskflux.task.MessageRef;
import java.time.Instant;

/**
 * A live message and where it sits. Mutable, used under the backend's lock only; it is removed from
 * its queue's ordered sets before any field those sets sort on changes.
 */
final class Entry {
  final MessageRef ref;
  Message message;
  MessageState state;

  /** FIFO position among ready entries of equal priority; also the tie-breaker elsewhere. */
  long seq;

  /** The current lease while {@code LEASED}, else null. */
  Lease lease;

  /** When the message TTL ends. */
  Instant expiresAt;

  Expiries.Item expiry;

  Entry(Message message, Instant expiresAt) {
    this.ref = message.ref();
    this.message = message;
    this.expiresAt = expiresAt;
  }
}
