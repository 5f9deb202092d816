package io.taskflux;

/**
 * A task ran longer than its timeout and was cancelled. The worker handles it as a failure (a retry
 * or the dead-letter queue); {@link io.taskflux.task.TaskStatus#FAILED} statuses carry it in their
 * exception details. Waiting for a value past a deadline is not this exception: those waits fail
 * with {@link java.util.concurrent.TimeoutException}.
 */
public class TaskTimeoutException extends TaskfluxException {

  /** Creates the exception with a message. */
  public TaskTimeoutException(String message) {
    super(message);
  }

  /** Creates the exception with a message and a cause. */
  public TaskTimeoutException(String message, Throwable cause) {
    super(message, cause);
  }
}
