package io.taskflux;

/**
 * A marker a task throws (or extends) to say that retrying cannot help: the worker sends the
 * message to the dead-letter queue at once, whatever retries it has left. Subclass it for your own
 * permanent failures (invalid input, a refused payment).
 */
public class NonRetryableException extends TaskfluxException {

  /** Creates the exception with a message. */
  public NonRetryableException(String message) {
    super(message);
  }

  /** Creates the exception with a message and a cause. */
  public NonRetryableException(String message, Throwable cause) {
    super(message, cause);
  }
}
