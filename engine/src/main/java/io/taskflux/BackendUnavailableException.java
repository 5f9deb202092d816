package io.taskflux;

/**
 * The backend cannot be reached or was closed. Operations that fail with it changed nothing that
 * the caller can observe, or their effect is unknown (a lost reply); every SPI operation is safe to
 * repeat with the same arguments.
 */
public class BackendUnavailableException extends TaskfluxException {

  /** Creates the exception with a message. */
  public BackendUnavailableException(String message) {
    super(message);
  }

  /** Creates the exception with a message and a cause. */
  public BackendUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
