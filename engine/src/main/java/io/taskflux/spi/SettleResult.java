package io.taskflux.spi;

/** What {@link Backend#complete}, {@link Backend#retry} and {@link Backend#fail} did. */
public enum SettleResult {
  /** The lease held and the whole operation took effect, atomically. */
  APPLIED,
  /**
   * The lease no longer holds (it expired and the message was requeued or claimed again, or the
   * message was already settled or removed): nothing changed. The attempt's outcome must be
   * discarded; another attempt owns the message, or nobody needs it.
   */
  LEASE_LOST,
  /** The message was revoked while it ran: nothing changed; its result must be discarded. */
  REVOKED
}
