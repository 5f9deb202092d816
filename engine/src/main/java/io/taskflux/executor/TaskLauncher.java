package io.taskflux.executor;

/**
 * Starts tasks in one {@link ExecutorMode}: the one seam between the executor's policy and how a
 * mode runs a task. Called on the executor's bookkeeping thread, which may block briefly.
 */
interface TaskLauncher {

  /**
   * Starts {@code task}, which has the mode's task type.
   *
   * @throws RuntimeException if the task could not be started (counted as the task's failure)
   */
  TaskRun launch(ExecutorTask task);

  /** The launcher of {@code mode}. */
  static TaskLauncher forMode(ExecutorMode mode, ExecutorOptions options) {
    return switch (mode) {
      case ASYNC -> new AsyncLauncher(options.asyncScheduler());
      case THREAD -> new ThreadLauncher();
      case PROCESS -> new ProcessLauncher();
    };
  }
}
