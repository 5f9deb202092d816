package io.taskflux.internal;

import io.taskflux.BackendRejectedException;
import io.taskflux.BackendUnavailableException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * The one retry decision for backend errors, called by the engine (the worker loop) and by the
 * backends (their waits). A backend translates its own failures once into {@link
 * BackendUnavailableException} (transient: an outage, safe to repeat and worth repeating) or {@link
 * BackendRejectedException} (permanent: a configuration or data error no repetition fixes); this
 * reads that decision and nothing else.
 */
public final class BackendErrors {

  private BackendErrors() {}

  /**
   * Whether repeating the operation may succeed: true only for {@link BackendUnavailableException}
   * (looked for through {@link CompletionException} and {@link ExecutionException} wrappers). A
   * {@link BackendRejectedException}, any other taskflux exception and any untranslated error are
   * not transient: a wait fails with them at once.
   */
  public static boolean isTransient(Throwable error) {
    return unwrap(error) instanceof BackendUnavailableException;
  }

  /** Whether {@code error} is a permanent refusal by the backend ({@link #isTransient} false). */
  public static boolean isRejection(Throwable error) {
    return unwrap(error) instanceof BackendRejectedException;
  }

  /**
   * {@code error} without the {@link CompletionException} and {@link ExecutionException} wrappers
   * that futures and blocking calls put around it.
   */
  public static Throwable unwrap(Throwable error) {
    Throwable e = error;
    while ((e instanceof CompletionException || e instanceof ExecutionException)
        && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }
}
