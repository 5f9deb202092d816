package io.taskflux.memory;

import io.taskflux.task.Message;
import java.time.Instant;

/** A message in a dead-letter queue, with its expiry. Used under the backend's lock. */
final class DeadLetter {
  Message message;
  final Instant expiresAt;
  final Expiries.Item expiry;

  DeadLetter(Message message, Instant expiresAt, Expiries.Item expiry) {
    this.message = message;
    this.expiresAt = expiresAt;
    this.expiry = expiry;
  }
}
