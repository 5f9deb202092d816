package io.taskflux;

import java.util.Objects;

/**
 * A stored payload (a message, its arguments or a result) could not be decoded: it is not valid for
 * the serializer, or does not fit the expected type. The exception names the message id so the
 * payload can be found; the worker sends such a message to the dead-letter queue without retrying
 * it.
 */
public class UndecodablePayloadException extends NonRetryableException {

  private final String messageId;

  /** Creates the exception for a message id, with what went wrong and the decoder's error. */
  public UndecodablePayloadException(String messageId, String problem, Throwable cause) {
    super(
        "Cannot decode the payload of message '"
            + Objects.requireNonNull(messageId, "messageId")
            + "': "
            + problem,
        cause);
    this.messageId = messageId;
  }

  /** The id of the message whose payload is undecodable. */
  public String messageId() {
    return messageId;
  }
}
