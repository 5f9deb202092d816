package io.taskflux.spi;

/** What {@link Backend#revoke} did. */
public enum RevokeResult {
  /** The message was waiting (ready or delayed): it is gone, dead-lettered and marked revoked. */
  REVOKED,
  /**
   * The message was running: it is dead-lettered and marked revoked, its lease is lost, and
   * revocation watchers were woken so the running attempt can be cancelled.
   */
  REVOKED_RUNNING,
  /** The message is running and {@code skipIfRunning} was asked: nothing changed. */
  SKIPPED_RUNNING,
  /** No message is stored and its status is terminal: it already finished; nothing changed. */
  ALREADY_FINISHED,
  /** No message is stored and no terminal status is known: nothing changed. */
  NOT_FOUND
}
