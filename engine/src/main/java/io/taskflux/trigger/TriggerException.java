package io.taskflux.trigger;

import io.taskflux.TaskfluxException;

/**
 * A trigger task was misused (the seed's {@code SchedulingError}): its function takes a parameter,
 * it was scheduled twice, cleared without a job, or used after shutdown.
 */
public class TriggerException extends TaskfluxException {

  /** Creates the exception with a message. */
  public TriggerException(String message) {
    super(message);
  }
}
