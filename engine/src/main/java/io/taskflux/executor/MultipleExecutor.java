package io.taskflux.executor;

import java.util.List;
import java.util.Optional;
import reactor.core.publisher.Mono;

/**
 * Runs a fixed set of long-lived tasks together in one {@link ExecutorMode} and applies an {@link
 * ExceptionPolicy} when one fails (a port of AEA's {@code multiple_executor}).
 *
 * <pre>{@code
 * MultipleExecutor executor = MultipleExecutor.create(ExecutorMode.THREAD, List.of(a, b),
 *     ExecutorOptions.defaults().withPolicy(ExceptionPolicy.STOP_ALL));
 * executor.start();                 // blocks until the run ends
 * // or, without blocking:
 * executor.run().subscribe();       // and later: executor.stop()
 * }</pre>
 *
 * <h2>Lifecycle</h2>
 *
 * An executor runs once. The run starts every task, then waits for them; it ends when every task
 * has ended, when {@link #stop()} is called, or per the policy when a task fails. A task ends by
 * succeeding, by failing (an error that is neither an interrupt nor a cancellation), by being
 * interrupted, or by being stopped; only a failure counts in {@link #failed()}. An empty task list
 * is allowed in every mode: the run ends at once.
 *
 * <h2>Stopping</h2>
 *
 * {@link #stop()} sets {@link #isRunning()} to false, calls {@link ExecutorTask#stop()} on every
 * task (finished ones included), then sends each live task the mode's graceful signal; a task still
 * alive after {@link ExecutorOptions#stopGracePeriod()} is forced, and after a second grace period
 * the executor stops waiting for it (and logs a warning):
 *
 * <table>
 *   <caption>Stop signals per mode</caption>
 *   <tr><th>mode</th><th>graceful signal</th><th>forced, after the grace period</th></tr>
 *   <tr><td>ASYNC</td><td>the subscription is cancelled (the task ends at once)</td><td>-</td></tr>
 *   <tr><td>THREAD</td><td>the thread is interrupted</td><td>interrupted again</td></tr>
 *   <tr><td>PROCESS</td><td>SIGTERM ({@code Process.destroy()})</td>
 *       <td>SIGKILL ({@code destroyForcibly()})</td></tr>
 * </table>
 *
 * <p>A failure after {@code stop()} was called is recorded and logged but triggers no policy.
 *
 * <h2>Threads and errors</h2>
 *
 * All methods are thread-safe. Only {@link #start()} blocks; it refuses to run on a Reactor
 * non-blocking thread. The executor's bookkeeping (recording ends, logging, applying the policy,
 * calling stop hooks, starting child JVMs) runs one action at a time on {@code
 * Schedulers.boundedElastic()}. Logging goes to the {@link System.Logger} named {@code
 * io.taskflux.executor}. Argument errors are thrown at once ({@link NullPointerException}, {@link
 * IllegalArgumentException}).
 */
public interface MultipleExecutor {

  /**
   * An executor of {@code tasks} in {@code mode} with {@link ExecutorOptions#defaults()}.
   *
   * @see #create(ExecutorMode, List, ExecutorOptions)
   */
  static MultipleExecutor create(ExecutorMode mode, List<? extends ExecutorTask> tasks) {
    return create(mode, tasks, ExecutorOptions.defaults());
  }

  /**
   * An executor of {@code tasks} in {@code mode}. Nothing starts until {@link #run()} is subscribed
   * or {@link #start()} is called.
   *
   * @throws NullPointerException if an argument, a task or a task id is null
   * @throws IllegalArgumentException if a task id is blank or used twice, or a task does not have
   *     the mode's type ({@link AsyncTask}, {@link ThreadTask} or {@link ProcessTask}); the message
   *     names the task's index and id
   */
  static MultipleExecutor create(
      ExecutorMode mode, List<? extends ExecutorTask> tasks, ExecutorOptions options) {
    return new DefaultMultipleExecutor(mode, tasks, options);
  }

  /** The mode. */
  ExecutorMode mode();

  /** The options. */
  ExecutorOptions options();

  /** The tasks, in the order given. Immutable. */
  List<ExecutorTask> tasks();

  /**
   * The run, reactively. Cold: subscribing starts every task; the returned {@code Mono} does not
   * block and may be subscribed from any thread. It completes when the run ends without a
   * propagated failure: every task ended, {@link #stop()} was called, or {@link
   * ExceptionPolicy#STOP_ALL} stopped the tasks. Under {@link ExceptionPolicy#PROPAGATE} it fails
   * with a {@link TaskFailedException} for the first failing task, and the other tasks keep
   * running. Cancelling the subscription stops every task, as {@link #stop()}.
   *
   * <p>Only one subscription may start the run: a later one fails with {@link
   * IllegalStateException}, as does one after {@link #stop()} was called on a never-started
   * executor.
   */
  Mono<Void> run();

  /**
   * <b>Blocking.</b> Runs the executor on the calling thread: starts every task and returns when
   * the run ends (see {@link #run()}). Interrupting the calling thread stops every task (not a
   * failure) and returns at once with the thread's interrupt flag set.
   *
   * @throws TaskFailedException under {@link ExceptionPolicy#PROPAGATE}, for the first task that
   *     fails; the other tasks keep running and {@link #isRunning()} stays true until {@link
   *     #stop()}
   * @throws IllegalStateException if the executor was already started or stopped, or when called on
   *     a Reactor non-blocking thread (use {@link #run()} there)
   */
  void start();

  /**
   * Stops every task (see "Stopping" above). Hot: stopping begins at this call, whether or not the
   * returned {@code Mono} is subscribed; it never blocks. The {@code Mono} completes when every
   * task has ended, or after the forced stop and a second grace period; it never fails. Calling it
   * again returns the same completion. Called before the executor started, it calls every task's
   * {@link ExecutorTask#stop()} and the executor can no longer be started.
   */
  Mono<Void> stop();

  /**
   * True from the moment the tasks are started until the run ends, {@link #stop()} is called or
   * {@link ExceptionPolicy#STOP_ALL} stops the run. After a propagated failure it stays true until
   * {@link #stop()}, as upstream.
   */
  boolean isRunning();

  /** The tasks that failed, in task order. A snapshot. */
  List<ExecutorTask> failed();

  /** The tasks that have not failed, running and never started ones included. A snapshot. */
  List<ExecutorTask> notFailed();

  /** The number of tasks that failed. */
  int numFailed();

  /**
   * The error the task {@code taskId} failed with; empty while it runs or when it ended without
   * failing. A {@link ProcessTask}'s error is a {@link ProcessExitException}.
   *
   * @throws IllegalArgumentException if no task has this id
   */
  Optional<Throwable> failure(String taskId);
}
