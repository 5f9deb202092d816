package io.taskflux.internal;

import io.taskflux.TaskfluxException;
import java.time.Duration;
import java.util.Objects;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The blocking {@code close()} of taskflux's {@link AutoCloseable} types: it subscribes to their
 * reactive {@code closeAsync()} and waits for it, for a bounded time, on the calling thread.
 */
public final class Closing {

  private Closing() {}

  /**
   * Waits for {@code closeAsync} to complete, at most {@code timeout}.
   *
   * @param what names the thing being closed, for the messages
   * @throws IllegalStateException if called on a Reactor non-blocking thread (use {@code
   *     closeAsync()} there), before anything is closed
   * @throws TaskfluxException if the close did not finish within {@code timeout} (it goes on in the
   *     background), or failed (the cause attached)
   */
  public static void await(Mono<Void> closeAsync, Duration timeout, String what) {
    Objects.requireNonNull(closeAsync, "closeAsync");
    requireBlockingAllowed(what);
    try {
      closeAsync.toFuture().get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new TaskfluxException(
          what + " did not close within " + timeout + "; it goes on closing in the background", e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new TaskfluxException(what + " failed to close: " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TaskfluxException("interrupted while " + what + " was closing", e);
    }
  }

  /**
   * Fails when the current thread is a Reactor non-blocking one, where a blocking {@code close()}
   * would stall an event loop (and could wait for work queued behind itself).
   *
   * @throws IllegalStateException naming {@code what} and the thread
   */
  public static void requireBlockingAllowed(String what) {
    if (Schedulers.isInNonBlockingThread()) {
      throw new IllegalStateException(
          "close() of "
              + what
              + " blocks and must not be called on the non-blocking thread "
              + Thread.currentThread().getName()
              + "; subscribe to closeAsync() instead");
    }
  }
}
