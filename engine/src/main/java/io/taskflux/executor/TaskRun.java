package io.taskflux.executor;

import java.util.concurrent.CompletableFuture;

/** One started task, as a mode's {@link TaskLauncher} runs it. Thread-safe. */
interface TaskRun {

  /** Completes once, with how the task ended; never completes exceptionally. */
  CompletableFuture<Outcome> ended();

  /** Sends the mode's graceful stop signal. Non-blocking; safe to call more than once. */
  void signalStop();

  /** Forces the task to end after the grace period. Non-blocking; safe to call more than once. */
  void forceStop();
}
