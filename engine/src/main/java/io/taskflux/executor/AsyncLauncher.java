package io.taskflux.executor;

import java.util.concurrent.CompletableFuture;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * {@link ExecutorMode#ASYNC}: subscribes each body on one scheduler. The scheduler is the only
 * thing this mode needs from outside, so a {@code Caller} can supply it later.
 */
final class AsyncLauncher implements TaskLauncher {

  private final Scheduler scheduler;

  AsyncLauncher(Scheduler scheduler) {
    this.scheduler = scheduler;
  }

  @Override
  public TaskRun launch(ExecutorTask task) {
    AsyncTask asyncTask = (AsyncTask) task;
    CompletableFuture<Outcome> ended = new CompletableFuture<>();
    Disposable subscription =
        Mono.defer(asyncTask::runAsync)
            .subscribeOn(scheduler)
            .subscribe(
                ignored -> {},
                error -> ended.complete(Outcome.of(error)),
                () -> ended.complete(Outcome.SUCCEEDED));
    return new Run(ended, subscription);
  }

  private record Run(CompletableFuture<Outcome> ended, Disposable subscription) implements TaskRun {

    @Override
    public void signalStop() {
      // Cancellation is Reactor's stop signal; a cancelled body has not failed.
      subscription.dispose();
      ended.complete(Outcome.CANCELLED);
    }

    @Override
    public void forceStop() {
      signalStop();
    }
  }
}
