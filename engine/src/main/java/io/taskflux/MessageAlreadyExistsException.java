package io.taskflux;

import java.util.Objects;

/**
 * A message with the same id already waits or runs in the queue, so a submission that must be new
 * was refused. Nothing changed.
 */
public class MessageAlreadyExistsException extends TaskfluxException {

  private final String messageId;

  /** Creates the exception for the duplicate message id. */
  public MessageAlreadyExistsException(String messageId) {
    super("A message with id '" + Objects.requireNonNull(messageId, "messageId") + "' exists");
    this.messageId = messageId;
  }

  /** The id that already exists. */
  public String messageId() {
    return messageId;
  }
}
