package io.taskflux;

/**
 * A message, status, result, dead letter or lock that the operation requires does not exist (or has
 * expired). Operations that may legitimately find nothing return an empty {@code Mono} instead;
 * this exception is for the ones whose contract says the value must be there.
 */
public class NotFoundException extends TaskfluxException {

  /** Creates the exception with a message. */
  public NotFoundException(String message) {
    super(message);
  }

  /** Creates the exception with a message and a cause. */
  public NotFoundException(String message, Throwable cause) {
    super(message, cause);
  }
}
