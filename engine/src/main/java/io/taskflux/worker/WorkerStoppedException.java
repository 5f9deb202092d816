package io.taskflux.worker;

import io.taskflux.TaskfluxException;

/**
 * A running attempt was interrupted because its worker stopped and the grace period ran out (the
 * seed's {@code TerminationError}). It counts as a failed attempt: the message is retried at once
 * when it has retries left, else it ends {@code FAILED} with this type in its details.
 */
public class WorkerStoppedException extends TaskfluxException {

  /** Creates the exception with a message. */
  public WorkerStoppedException(String message) {
    super(message);
  }
}
