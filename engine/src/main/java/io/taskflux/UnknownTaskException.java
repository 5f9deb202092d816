package io.taskflux;

import java.util.Objects;

/**
 * A message names a task that no worker registered. The worker sends it to the dead-letter queue
 * with this exception's details; it is never retried.
 */
public class UnknownTaskException extends NonRetryableException {

  private final String taskName;
  private final String messageId;

  /** Creates the exception for a task name. */
  public UnknownTaskException(String taskName) {
    super("Unknown task '" + Objects.requireNonNull(taskName, "taskName") + "'");
    this.taskName = taskName;
    this.messageId = null;
  }

  /** Creates the exception for a task name and the id of the message that names it. */
  public UnknownTaskException(String taskName, String messageId) {
    super(
        "Unknown task '"
            + Objects.requireNonNull(taskName, "taskName")
            + "' named by message '"
            + Objects.requireNonNull(messageId, "messageId")
            + "'");
    this.taskName = taskName;
    this.messageId = messageId;
  }

  /** The id of the message naming the task, or null when not known. */
  public String messageId() {
    return messageId;
  }

  /** The task name nobody registered. */
  public String taskName() {
    return taskName;
  }
}
