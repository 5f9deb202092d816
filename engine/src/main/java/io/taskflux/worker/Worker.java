package io.taskflux.worker;

import io.taskflux.engine.WorkerOptions;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * A worker: claims messages of its queues while it has free slots, runs them, and settles each
 * attempt (complete, retry or dead-letter). Created by {@link
 * io.taskflux.engine.TaskEngine#workers(WorkerOptions)}; nothing happens before {@link #start()}.
 *
 * <p>Thread-safe; no method blocks. {@link #dispose()} is {@link #stop()} without waiting for it.
 */
public interface Worker extends Disposable {

  /**
   * A worker over {@code context} draining {@code options.queues()} (which must not be empty here:
   * the engine resolves the default). Not started.
   *
   * @throws IllegalArgumentException if {@code options.queues()} is empty
   */
  static Worker create(WorkerContext context, WorkerOptions options) {
    return new WorkerPipeline(context, options);
  }

  /**
   * Starts claiming. Returns this worker, so {@code Disposable d = engine.workers(o).start()} reads
   * naturally.
   *
   * @throws IllegalStateException if it was started or stopped before
   */
  Worker start();

  /**
   * Stops gracefully: claims nothing more, lets running tasks finish within the grace period, then
   * interrupts the rest, which are handled as failed attempts ({@link WorkerStoppedException}:
   * retried at once if they have retries left, else {@code FAILED}). The returned {@code Mono}
   * (hot: the stop begins at this call) completes when nothing runs any more. Idempotent.
   */
  Mono<Void> stop();

  /** How many tasks run right now (including slots reserved by a claim in progress). */
  int inFlight();

  /** The owner id this worker claims under (unique per worker). */
  String id();

  @Override
  default void dispose() {
    stop().subscribe();
  }
}
