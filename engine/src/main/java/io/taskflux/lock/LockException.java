package io.taskflux.lock;

import io.taskflux.TaskfluxException;
import java.util.Objects;

/**
 * A {@link Lock} operation could not do what was asked, for a {@link Reason} the caller may branch
 * on. Delivered through {@code onError}; nothing changed in the backend.
 */
public class LockException extends TaskfluxException {

  /** Why the operation failed. */
  public enum Reason {
    /**
     * {@link Lock#acquire} with {@link Lock.IfAlreadyAcquired#RAISE}: this owner already holds the
     * lock (the seed's {@code AlreadyAcquiredError}).
     */
    ALREADY_HELD,
    /**
     * {@link Lock#release(boolean)} asked to raise: the lock is free or held by another owner (the
     * seed's {@code NotAcquiredError}).
     */
    NOT_HELD,
    /** {@link Lock#withLock}: another owner held the lock for the whole wait. */
    UNAVAILABLE
  }

  private final Reason reason;
  private final String lockName;

  /** Creates the exception for a lock name, a reason and a message. */
  public LockException(String lockName, Reason reason, String message) {
    super(message);
    this.lockName = Objects.requireNonNull(lockName, "lockName");
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  /** Why the operation failed. */
  public Reason reason() {
    return reason;
  }

  /** The name of the lock. */
  public String lockName() {
    return lockName;
  }
}
