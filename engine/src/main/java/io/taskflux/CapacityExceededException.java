package io.taskflux;

/**
 * A bounded store or queue is full and rejected new work rather than grow without limit. Nothing
 * was stored; the caller may retry later or shed the work.
 */
public class CapacityExceededException extends TaskfluxException {

  /** Creates the exception with a message. */
  public CapacityExceededException(String message) {
    super(message);
  }

  /** Creates the exception with a message and a cause. */
  public CapacityExceededException(String message, Throwable cause) {
    super(message, cause);
  }
}
