package io.taskflux.executor;

/**
 * A long-lived unit of work run by a {@link MultipleExecutor}: an agent, a consumer loop, a server.
 * A task says how it runs by implementing the interface of a mode: {@link AsyncTask} (a reactive
 * body), {@link ThreadTask} (a blocking body on a thread of its own), or by being a {@link
 * ProcessTask} (a child JVM). One class may implement several of them and then runs in each of
 * those modes.
 *
 * <p>A task does not record its own outcome: the executor does, and answers {@link
 * MultipleExecutor#failed()}, {@link MultipleExecutor#notFailed()} and {@link
 * MultipleExecutor#failure(String)}.
 */
public interface ExecutorTask {

  /**
   * The task's id, used in logs, in errors and by {@link MultipleRunner#failed()}. Never null or
   * blank, and unique among the tasks of one executor.
   */
  String id();

  /**
   * Asks the task to end. {@link MultipleExecutor#stop()} calls it once on every task, finished or
   * never started ones included (as upstream does), just before it sends the mode's own stop signal
   * (see {@link MultipleExecutor}). It runs on the executor's bookkeeping thread, so it should
   * return quickly; it may be called while the body is still running, from another thread. An
   * exception thrown here is logged and ignored, and the other tasks are still stopped. The default
   * does nothing.
   */
  default void stop() {}
}
