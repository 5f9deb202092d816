package io.taskflux.spi;

/** Where a stored message is. */
public enum MessageState {
  /** Waiting and claimable now. */
  READY,
  /** Waiting for its {@code readyAt} (a delay or a retry backoff). */
  DELAYED,
  /** Claimed under a lease (running). */
  LEASED,
  /** In the dead-letter queue: it failed for good or was revoked. */
  DEAD_LETTER
}
