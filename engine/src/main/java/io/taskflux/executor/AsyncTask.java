package io.taskflux.executor;

import java.util.function.Supplier;
import reactor.core.publisher.Mono;

/**
 * A task with a reactive body, run in {@link ExecutorMode#ASYNC} mode.
 *
 * <p>The executor calls {@link #runAsync()} and subscribes to the returned {@code Mono} on its
 * async scheduler ({@link ExecutorOptions#asyncScheduler()}, {@code Schedulers.parallel()} by
 * default), both on a thread of that scheduler. The body must not block: on a non-blocking
 * scheduler a blocking call fails the task (and BlockHound, where installed, says so).
 *
 * <ul>
 *   <li>The {@code Mono} completing ends the task successfully.
 *   <li>An error fails the task, except a {@link java.util.concurrent.CancellationException} or an
 *       error caused by an {@link InterruptedException}, which end it without failure.
 *   <li>Stopping the executor calls {@link #stop()} and then cancels the subscription; a cancelled
 *       task has not failed.
 * </ul>
 */
public interface AsyncTask extends ExecutorTask {

  /**
   * Returns the body. Called once per run on a thread of the async scheduler; throwing here is the
   * same as returning a failed {@code Mono}. Must not return null.
   */
  Mono<Void> runAsync();

  /**
   * A task with the given id whose body is supplied by {@code body}, called once per run.
   *
   * @throws IllegalArgumentException if {@code id} is blank
   * @throws NullPointerException if an argument is null
   */
  static AsyncTask of(String id, Supplier<? extends Mono<Void>> body) {
    return of(id, body, () -> {});
  }

  /**
   * As {@link #of(String, Supplier)}, with {@code onStop} as the task's {@link #stop()} hook.
   *
   * @throws IllegalArgumentException if {@code id} is blank
   * @throws NullPointerException if an argument is null
   */
  static AsyncTask of(String id, Supplier<? extends Mono<Void>> body, Runnable onStop) {
    return new SimpleTasks.Async(id, body, onStop);
  }
}
