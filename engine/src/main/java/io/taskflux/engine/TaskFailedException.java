package io.taskflux.engine;

import io.taskflux.TaskRevokedException;
import io.taskflux.TaskfluxException;
import io.taskflux.task.ExceptionDetails;
import io.taskflux.task.MessageRef;
import java.util.Objects;

/**
 * A task ended {@code FAILED} (retries exhausted, a non-retryable error, bad input, or revoked), so
 * it has no result. Carries the failure as it was recorded where it ran: {@link #details()} gives
 * the remote exception's type, message and stack trace.
 */
public class TaskFailedException extends TaskfluxException {

  private final transient MessageRef ref;
  private final transient ExceptionDetails details;

  /** Creates the exception for a task and its recorded failure (null details: unknown). */
  public TaskFailedException(MessageRef ref, ExceptionDetails details) {
    super(describe(ref, details));
    this.ref = Objects.requireNonNull(ref, "ref");
    this.details = details == null ? ExceptionDetails.of("unknown", "no details") : details;
  }

  /** Which task failed. */
  public MessageRef ref() {
    return ref;
  }

  /** The remote failure: its type, message and stack trace. */
  public ExceptionDetails details() {
    return details;
  }

  /** Whether the task failed because it was revoked. */
  public boolean isRevoked() {
    return details.is(TaskRevokedException.class);
  }

  private static String describe(MessageRef ref, ExceptionDetails details) {
    return "Task "
        + ref
        + " failed"
        + (details == null ? "" : ": " + details.type() + ": " + details.message());
  }
}
