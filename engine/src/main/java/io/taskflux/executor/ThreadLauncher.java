package io.taskflux.executor;

import java.util.concurrent.CompletableFuture;
import reactor.core.Exceptions;

/** {@link ExecutorMode#THREAD}: one daemon platform thread per task. */
final class ThreadLauncher implements TaskLauncher {

  @Override
  public TaskRun launch(ExecutorTask task) {
    ThreadTask threadTask = (ThreadTask) task;
    CompletableFuture<Outcome> ended = new CompletableFuture<>();
    Thread thread =
        new Thread(
            () -> {
              try {
                threadTask.runInThread();
                ended.complete(Outcome.SUCCEEDED);
              } catch (Throwable error) {
                ended.complete(Outcome.of(error));
                Exceptions.throwIfJvmFatal(error);
              }
            },
            "taskflux-task-" + task.id());
    // Like the runner thread: a task left running never keeps the JVM alive.
    thread.setDaemon(true);
    thread.start();
    return new Run(ended, thread);
  }

  private record Run(CompletableFuture<Outcome> ended, Thread thread) implements TaskRun {

    @Override
    public void signalStop() {
      thread.interrupt();
    }

    @Override
    public void forceStop() {
      // A thread cannot be killed; interrupt again in case the body cleared the first one.
      thread.interrupt();
    }
  }
}
