package io.taskflux.spi;

/** What {@link Backend#acquireLock} found. */
public enum LockResult {
  /** The lock was free (or expired) and now belongs to the owner. */
  ACQUIRED,
  /** The same owner already holds it; nothing changed (its expiry was not moved). */
  HELD_BY_OWNER,
  /** Another owner holds it; nothing changed. */
  HELD_BY_OTHER
}
