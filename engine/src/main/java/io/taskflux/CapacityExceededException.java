package io.taskflux;

/**
 * A bounded store or queue is full and rejected new work rather than grow without limit. Nothing
 * was stored; the caller may retry later or shed the work.
 *
 * <p>This is the engine's backpressure signal to a producer that outruns its workers (bounds:
 * {@link io.taskflux.memory.InMemoryOptions#capacity()}, {@code
 * RedisBackend.Builder.maxQueueLength}). Because a rejected submission stored nothing, submitting
 * again is safe, also with a chosen id. A producer that should wait for room rather than shed keeps
 * a bounded number of submissions in flight and retries this error only, with a backoff:
 *
 * <pre>{@code
 * Flux.fromIterable(inputs)
 *     .flatMap(
 *         in -> engine.submit(task, in)
 *             .retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(1))
 *                 .maxBackoff(Duration.ofMillis(100))
 *                 .filter(CapacityExceededException.class::isInstance)),
 *         256) // submissions in flight: the producer's own memory stays bounded
 *     .subscribe(handle -> ...);
 * }</pre>
 *
 * Add {@code .timeout(..)} (or a bounded number of retries) where a caller must give up after a
 * while.
 */
public class CapacityExceededException extends TaskfluxException {

  /** Creates the exception with a message. */
  public CapacityExceededException(String message) {
    super(message);
  }

  /** Creates the exception with a message and a cause. */
  public CapacityExceededException(String message, Throwable cause) {
    super(message, cause);
  }
}
