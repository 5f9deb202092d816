package io.taskflux.executor;

import java.nio.channels.ClosedByInterruptException;
import java.util.concurrent.CancellationException;

/** How one run of a task ended. {@code error} is null for {@link Kind#SUCCEEDED}. */
record Outcome(Kind kind, Throwable error) {

  enum Kind {
    /** The body returned or completed. */
    SUCCEEDED,
    /** The body ended with an error that is neither an interrupt nor a cancellation. */
    FAILED,
    /** The body ended because of an interrupt (upstream's KeyboardInterrupt): not a failure. */
    INTERRUPTED,
    /** The executor cancelled or killed the task while stopping it: not a failure. */
    CANCELLED
  }

  static final Outcome SUCCEEDED = new Outcome(Kind.SUCCEEDED, null);
  static final Outcome CANCELLED = new Outcome(Kind.CANCELLED, null);

  boolean failed() {
    return kind == Kind.FAILED;
  }

  /** Classifies an error a body ended with. */
  static Outcome of(Throwable error) {
    if (error instanceof CancellationException) {
      return new Outcome(Kind.CANCELLED, error);
    }
    return new Outcome(isInterrupt(error) ? Kind.INTERRUPTED : Kind.FAILED, error);
  }

  /**
   * True when {@code error} or one of its causes is an interrupt. Causes are followed because
   * bodies often wrap a checked {@link InterruptedException} in an unchecked one.
   */
  static boolean isInterrupt(Throwable error) {
    Throwable current = error;
    for (int depth = 0; current != null && depth < 32; depth++) {
      if (current instanceof InterruptedException
          || current instanceof ClosedByInterruptException) {
        return true;
      }
      current = current.getCause();
    }
    return false;
  }
}
