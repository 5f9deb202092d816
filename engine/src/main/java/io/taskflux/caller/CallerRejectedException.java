package io.taskflux.caller;

import io.taskflux.TaskfluxException;

/**
 * {@link Caller#toThread} refused a call because every worker thread is busy and the wait queue
 * already holds {@link CallerOptions#queueCapacity()} calls. The pending it returned fails with
 * this exception at once; nothing is queued, so a caller never grows without bound.
 */
public final class CallerRejectedException extends TaskfluxException {

  /** Creates the exception. */
  public CallerRejectedException(String message) {
    super(message);
  }
}
