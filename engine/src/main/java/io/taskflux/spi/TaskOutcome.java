package io.taskflux.spi;

import io.taskflux.task.StatusUpdate;
import io.taskflux.task.TaskStatus;
import java.util.Objects;

/**
 * How a task ended, as {@link Backend#awaitOutcome} reports it: either its stored result, or the
 * {@code FAILED} status it ended with. Exactly one of the two is set.
 *
 * @param result the stored result, or null when the task failed
 * @param failure the {@code FAILED} status (with its error), or null when a result was stored
 */
public record TaskOutcome(StoredResult result, StatusUpdate failure) {

  /** Checks that exactly one side is set and that a failure is a {@code FAILED} status. */
  public TaskOutcome {
    if ((result == null) == (failure == null)) {
      throw new IllegalArgumentException("exactly one of result and failure must be set");
    }
    if (failure != null && failure.status() != TaskStatus.FAILED) {
      throw new IllegalArgumentException("a failure must be a FAILED status, got " + failure);
    }
  }

  /** The outcome of a task whose result was stored. */
  public static TaskOutcome succeeded(StoredResult result) {
    return new TaskOutcome(Objects.requireNonNull(result, "result"), null);
  }

  /** The outcome of a task that ended {@code FAILED}. */
  public static TaskOutcome failed(StatusUpdate failure) {
    return new TaskOutcome(null, Objects.requireNonNull(failure, "failure"));
  }

  /** Whether the task ended {@code FAILED}. */
  public boolean isFailure() {
    return failure != null;
  }
}
