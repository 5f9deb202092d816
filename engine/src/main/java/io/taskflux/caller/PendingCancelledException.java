package io.taskflux.caller;

import io.taskflux.TaskfluxException;

/**
 * A {@link Pending} was cancelled, or a {@link PendingGroup} in {@link GroupMode#CANCEL_AND_RAISE}
 * ended cancelled. The message holds every cancellation message, joined with {@code "\n"}.
 */
public final class PendingCancelledException extends TaskfluxException {

  /** Creates the exception; {@code message} may be empty. */
  public PendingCancelledException(String message) {
    super(message);
  }
}
