package io.taskflux;

import java.util.Objects;

/**
 * A message's encoded form is larger than the backend admits ({@code maxMessageBytes}), so the
 * submission was refused and nothing was stored. Retrying the same message cannot help: shrink the
 * input (store a large value elsewhere and pass a reference) or raise the limit.
 */
public class MessageTooLargeException extends TaskfluxException {

  private final String messageId;
  private final long size;
  private final long limit;

  /** Creates the exception for a message id, its encoded size and the limit, both in bytes. */
  public MessageTooLargeException(String messageId, long size, long limit) {
    super(
        "Message '"
            + Objects.requireNonNull(messageId, "messageId")
            + "' is "
            + size
            + " bytes encoded, over the limit of "
            + limit
            + " bytes (maxMessageBytes)");
    this.messageId = messageId;
    this.size = size;
    this.limit = limit;
  }

  /** The id of the refused message. */
  public String messageId() {
    return messageId;
  }

  /** The message's encoded size in bytes. */
  public long size() {
    return size;
  }

  /** The limit in force, in bytes. */
  public long limit() {
    return limit;
  }
}
