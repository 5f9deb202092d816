package io.taskflux.caller;

import io.taskflux.TaskfluxException;
import java.util.List;

/**
 * One or more members of a {@link PendingGroup} failed with an exception. The first error (in the
 * order they happened) is the cause; the others are suppressed exceptions; {@link #errors()} lists
 * them all. A group fails with this exception in every {@link GroupMode}.
 */
public final class PendingGroupException extends TaskfluxException {

  private final transient List<Throwable> errors;

  /** Creates the exception from the member errors (at least one), first one first. */
  public PendingGroupException(String groupName, List<Throwable> errors) {
    super("One or more exceptions occurred in group '" + groupName + "': " + errors, errors.get(0));
    this.errors = List.copyOf(errors);
    for (Throwable e : this.errors.subList(1, this.errors.size())) {
      addSuppressed(e);
    }
  }

  /** Every member error, in the order they happened. */
  public List<Throwable> errors() {
    return errors;
  }
}
