package io.taskflux.caller;

import io.taskflux.TaskfluxException;
import java.util.List;

/**
 * Every source given to {@code any} failed, and there were two or more of them. The message is
 * {@code "N tasks failed"}; {@link #errors()} holds every error in declaration order (they are also
 * attached as suppressed exceptions, in the same order).
 */
public final class AllFailedException extends TaskfluxException {

  private final transient List<Throwable> errors;

  /** Creates the exception from the errors, in declaration order (at least one). */
  public AllFailedException(List<Throwable> errors) {
    super(errors.size() + " tasks failed");
    this.errors = List.copyOf(errors);
    for (Throwable e : this.errors) {
      addSuppressed(e);
    }
  }

  /** Every source's error, in declaration order. */
  public List<Throwable> errors() {
    return errors;
  }
}
