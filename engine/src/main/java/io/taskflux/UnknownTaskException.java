package io.taskflux;

import java.util.Objects;

/**
 * A message names a task that no worker registered. The worker sends it to the dead-letter queue
 * with this exception's details; it is never retried.
 */
public class UnknownTaskException extends NonRetryableException {

  private final String taskName;

  /** Creates the exception for a task name. */
  public UnknownTaskException(String taskName) {
    super("Unknown task '" + Objects.requireNonNull(taskName, "taskName") + "'");
    this.taskName = taskName;
  }

  /** The task name nobody registered. */
  public String taskName() {
    return taskName;
  }
}
