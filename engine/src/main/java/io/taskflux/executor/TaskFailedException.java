package io.taskflux.executor;

import io.taskflux.TaskfluxException;
import java.util.Objects;

/**
 * A task of a {@link MultipleExecutor} failed and the policy is {@link ExceptionPolicy#PROPAGATE}:
 * thrown by {@link MultipleExecutor#start()} and emitted by {@link MultipleExecutor#run()}. The
 * cause is the task's own error.
 */
public final class TaskFailedException extends TaskfluxException {

  private final String taskId;

  /** Creates the exception for the task {@code taskId} that failed with {@code cause}. */
  public TaskFailedException(String taskId, Throwable cause) {
    super("Task " + taskId + " failed: " + cause, cause);
    this.taskId = Objects.requireNonNull(taskId, "taskId");
  }

  /** The id of the task that failed. */
  public String taskId() {
    return taskId;
  }
}
