package io.taskflux;

/**
 * The root of every exception taskflux raises or delivers through {@code onError}. It is unchecked;
 * typed subclasses exist only where a caller can sensibly branch on the kind of failure (timeouts,
 * revocation, unknown tasks, undecodable payloads, duplicates, missing values, an unreachable
 * backend, a backend that refuses, a rejected submission).
 */
public class TaskfluxException extends RuntimeException {

  /** Creates an exception with a message. */
  public TaskfluxException(String message) {
    super(message);
  }

  /** Creates an exception with a message and a cause. */
  public TaskfluxException(String message, Throwable cause) {
    super(message, cause);
  }
}
