package io.taskflux;

/**
 * The task was revoked: it never starts, or, if it was running, it is cancelled and its result is
 * discarded. Its status ends {@link io.taskflux.task.TaskStatus#FAILED} with this type in the
 * exception details.
 */
public class TaskRevokedException extends TaskfluxException {

  /** Creates the exception with a message. */
  public TaskRevokedException(String message) {
    super(message);
  }

  /** Creates the exception with a message and a cause. */
  public TaskRevokedException(String message, Throwable cause) {
    super(message, cause);
  }
}
