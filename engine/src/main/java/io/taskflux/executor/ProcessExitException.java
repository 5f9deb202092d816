package io.taskflux.executor;

import io.taskflux.TaskfluxException;
import java.util.Objects;

/**
 * The child JVM of a {@link ProcessTask} ended with an exit code that counts as a failure (see
 * {@link ProcessTask}). It is the task's error, as returned by {@link
 * MultipleExecutor#failure(String)} and carried as the cause of a {@link TaskFailedException}.
 */
public final class ProcessExitException extends TaskfluxException {

  private final String taskId;
  private final int exitCode;

  /** Creates the exception for the task {@code taskId} whose child exited with {@code exitCode}. */
  public ProcessExitException(String taskId, int exitCode) {
    super("The child JVM of task " + taskId + " exited with code " + exitCode);
    this.taskId = Objects.requireNonNull(taskId, "taskId");
    this.exitCode = exitCode;
  }

  /** The id of the task. */
  public String taskId() {
    return taskId;
  }

  /** The child's exit code. */
  public int exitCode() {
    return exitCode;
  }
}
