package io.taskflux.executor;

/**
 * A task with a blocking body, run in {@link ExecutorMode#THREAD} mode on a platform thread of its
 * own (a daemon thread named {@code taskflux-task-<id>}).
 *
 * <ul>
 *   <li>{@link #runInThread()} returning ends the task successfully.
 *   <li>Throwing fails the task, except an {@link InterruptedException} (or an exception caused by
 *       one, or a {@link java.nio.channels.ClosedByInterruptException}): Java's interrupt is
 *       upstream's KeyboardInterrupt and is not a failure.
 *   <li>Stopping the executor calls {@link #stop()} and then interrupts the thread; if the thread
 *       is still alive after the grace period it is interrupted once more, and after a second grace
 *       period the executor stops waiting for it (a thread cannot be killed).
 * </ul>
 */
public interface ThreadTask extends ExecutorTask {

  /**
   * The body: blocks for as long as the task runs. Called once per run on the task's own thread.
   *
   * @throws Exception to fail the task ({@link InterruptedException} does not fail it)
   */
  void runInThread() throws Exception;

  /** A blocking body for {@link #of(String, Body)}. */
  @FunctionalInterface
  interface Body {
    /**
     * Runs the task; blocks for as long as the task runs.
     *
     * @throws Exception to fail the task
     */
    void run() throws Exception;
  }

  /**
   * A task with the given id and body.
   *
   * @throws IllegalArgumentException if {@code id} is blank
   * @throws NullPointerException if an argument is null
   */
  static ThreadTask of(String id, Body body) {
    return of(id, body, () -> {});
  }

  /**
   * As {@link #of(String, Body)}, with {@code onStop} as the task's {@link #stop()} hook.
   *
   * @throws IllegalArgumentException if {@code id} is blank
   * @throws NullPointerException if an argument is null
   */
  static ThreadTask of(String id, Body body, Runnable onStop) {
    return new SimpleTasks.Threaded(id, body, onStop);
  }
}
