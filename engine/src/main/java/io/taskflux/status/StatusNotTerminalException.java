package io.taskflux.status;

import io.taskflux.TaskfluxException;
import io.taskflux.task.MessageRef;
import io.taskflux.task.TaskStatus;
import java.util.Objects;

/**
 * {@link StatusTracker#delete(MessageRef, boolean)} with the check on found a status that is not
 * terminal: the task may still be waiting or running, so deleting its status is refused (the seed's
 * {@code ValidationError}). Nothing was deleted.
 */
public class StatusNotTerminalException extends TaskfluxException {

  private final MessageRef ref;
  private final TaskStatus status;

  /** Creates the exception for a message and the non-terminal status it has. */
  public StatusNotTerminalException(MessageRef ref, TaskStatus status) {
    super(
        "Status of "
            + Objects.requireNonNull(ref, "ref")
            + " is "
            + Objects.requireNonNull(status, "status")
            + ", not terminal; refusing to delete it");
    this.ref = ref;
    this.status = status;
  }

  /** The message whose status was kept. */
  public MessageRef ref() {
    return ref;
  }

  /** The non-terminal status found. */
  public TaskStatus status() {
    return status;
  }
}
