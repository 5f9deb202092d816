package io.taskflux.executor;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.ERROR;
import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

import io.taskflux.TaskfluxException;
import io.taskflux.executor.TaskSlots.Slot;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.Exceptions;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The executor of every mode; the mode only changes the {@link TaskLauncher}.
 *
 * <p>State and concurrency: the run's bookkeeping (launching, recording each task's end, applying
 * the policy, stopping, the grace-period steps) happens as actions on one {@link SerialQueue}, so
 * the fields marked "queue only" need no lock. Public methods only enqueue actions or read volatile
 * fields, and never block, except {@link #start()}. {@code phase} decides once, at the call,
 * whether {@code run()} or {@code stop()} came first. {@code finished} completes the run and {@code
 * stopped} completes a stop; both only ever complete once.
 */
final class DefaultMultipleExecutor implements MultipleExecutor {

  static final System.Logger LOG = System.getLogger("io.taskflux.executor");

  private enum Phase {
    NEW,
    STARTED,
    STOPPED_BEFORE_START
  }

  private final ExecutorMode mode;
  private final ExecutorOptions options;
  private final TaskSlots slots;
  private final TaskLauncher launcher;
  private final SerialQueue queue = new SerialQueue(Schedulers.boundedElastic(), LOG);
  private final AtomicReference<Phase> phase = new AtomicReference<>(Phase.NEW);
  private final CompletableFuture<Void> finished = new CompletableFuture<>();
  private final CompletableFuture<Void> stopped = new CompletableFuture<>();
  private volatile boolean running;

  // queue only
  private boolean launched;
  private boolean stopRequested;
  private boolean propagated;
  private int remaining;
  private Disposable graceTimer = Disposables.disposed();

  DefaultMultipleExecutor(
      ExecutorMode mode, List<? extends ExecutorTask> tasks, ExecutorOptions options) {
    this.mode = Objects.requireNonNull(mode, "mode");
    this.options = Objects.requireNonNull(options, "options");
    this.slots = new TaskSlots(mode, tasks);
    this.launcher = TaskLauncher.forMode(mode, options);
  }

  // ---------------------------------------------------------------- public API

  @Override
  public ExecutorMode mode() {
    return mode;
  }

  @Override
  public ExecutorOptions options() {
    return options;
  }

  @Override
  public List<ExecutorTask> tasks() {
    return slots.tasks();
  }

  @Override
  public Mono<Void> run() {
    return Mono.defer(
            () -> {
              Phase was = phase.compareAndExchange(Phase.NEW, Phase.STARTED);
              if (was != Phase.NEW) {
                return Mono.error(
                    new IllegalStateException(
                        was == Phase.STARTED
                            ? "The executor was already started; it runs once"
                            : "The executor was stopped before it was started"));
              }
              queue.execute(this::launchAll);
              return Mono.fromFuture(finished, true);
            })
        .doOnCancel(() -> queue.execute(this::requestStop));
  }

  @Override
  public void start() {
    requireBlockingAllowed("start()");
    CompletableFuture<Void> done = run().toFuture();
    try {
      done.get();
    } catch (InterruptedException e) {
      // Java's KeyboardInterrupt: stop every task, and it is not a failure.
      LOG.log(INFO, "Interrupted while running: stopping every task");
      queue.execute(this::requestStop);
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      throw rethrowable(e.getCause());
    }
  }

  @Override
  public Mono<Void> stop() {
    phase.compareAndSet(Phase.NEW, Phase.STOPPED_BEFORE_START);
    queue.execute(this::requestStop);
    return Mono.fromFuture(stopped, true);
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  @Override
  public List<ExecutorTask> failed() {
    return slots.failed(true);
  }

  @Override
  public List<ExecutorTask> notFailed() {
    return slots.failed(false);
  }

  @Override
  public int numFailed() {
    return slots.failed(true).size();
  }

  @Override
  public Optional<Throwable> failure(String taskId) {
    return slots.failure(taskId);
  }

  @Override
  public String toString() {
    return "MultipleExecutor[" + mode + ", " + slots.size() + " tasks, " + options.policy() + "]";
  }

  // ---------------------------------------------------------------- queue actions

  private void launchAll() {
    launched = true;
    if (stopRequested) {
      // stop() won the race with run(): nothing is started.
      finish();
      return;
    }
    running = true;
    remaining = slots.size();
    if (remaining == 0) {
      LOG.log(DEBUG, "No tasks to run");
      allEnded();
      return;
    }
    for (Slot slot : slots.all()) {
      try {
        TaskRun run = launcher.launch(slot.task);
        slot.run = run;
        run.ended()
            .whenComplete(
                (outcome, error) ->
                    queue.execute(
                        () -> taskEnded(slot, error == null ? outcome : Outcome.of(error))));
      } catch (Throwable error) {
        Exceptions.throwIfJvmFatal(error);
        // Recorded after the loop, so a policy reacting to it sees every task launched.
        queue.execute(() -> taskEnded(slot, Outcome.of(error)));
      }
    }
  }

  private void taskEnded(Slot slot, Outcome outcome) {
    if (slot.outcome != null) {
      return;
    }
    slot.outcome = outcome;
    remaining--;
    String id = slot.task.id();
    switch (outcome.kind()) {
      case FAILED -> LOG.log(ERROR, "Exception raised during " + id + " running.", outcome.error());
      case INTERRUPTED -> LOG.log(INFO, "Task " + id + " was interrupted", outcome.error());
      case CANCELLED -> LOG.log(DEBUG, "Task {0} was stopped", id);
      case SUCCEEDED -> LOG.log(DEBUG, "Task {0} completed", id);
    }
    if (outcome.failed() && !stopRequested) {
      applyPolicy(id, outcome.error());
    }
    if (remaining == 0) {
      allEnded();
    }
  }

  private void applyPolicy(String id, Throwable error) {
    switch (options.policy()) {
      case PROPAGATE -> {
        if (!propagated) {
          propagated = true;
          finished.completeExceptionally(new TaskFailedException(id, error));
        }
      }
      case STOP_ALL -> {
        LOG.log(INFO, "Stopping executor according to fail policy: task {0} failed", id);
        requestStop();
      }
      case LOG_ONLY -> {}
    }
    LOG.log(DEBUG, "Policy {0} applied to the failure of task {1}", options.policy(), id);
  }

  private void allEnded() {
    if (!propagated) {
      // Upstream keeps is_running true after a propagated failure until stop() is called.
      running = false;
    }
    finished.complete(null);
    if (stopRequested) {
      finish();
    }
  }

  private void requestStop() {
    running = false;
    if (stopRequested) {
      return;
    }
    stopRequested = true;
    for (Slot slot : slots.all()) {
      try {
        slot.task.stop();
      } catch (Throwable error) {
        Exceptions.throwIfJvmFatal(error);
        LOG.log(WARNING, "stop() of task " + slot.task.id() + " failed", error);
      }
    }
    if (!launched) {
      if (phase.get() == Phase.STOPPED_BEFORE_START) {
        finish();
      } // else run() was called and launchAll, queued next, ends the run unstarted
      return;
    }
    if (remaining == 0) {
      finish();
      return;
    }
    List<Slot> alive = slots.alive();
    for (Slot slot : alive) {
      slot.run.signalStop();
    }
    afterGracePeriod(this::forceStop);
    LOG.log(
        DEBUG,
        "Stop signal sent to {0}; forcing after {1}",
        TaskSlots.ids(alive),
        options.stopGracePeriod());
  }

  private void forceStop() {
    List<Slot> alive = slots.alive();
    if (stopped.isDone() || alive.isEmpty()) {
      return;
    }
    for (Slot slot : alive) {
      slot.run.forceStop();
    }
    afterGracePeriod(this::giveUp);
    LOG.log(
        WARNING,
        "Tasks {0} did not stop within {1}: forced them",
        TaskSlots.ids(alive),
        options.stopGracePeriod());
  }

  private void giveUp() {
    List<Slot> alive = slots.alive();
    if (stopped.isDone() || alive.isEmpty()) {
      return;
    }
    LOG.log(
        WARNING,
        "Tasks {0} are still alive after being forced to stop: no longer waiting",
        TaskSlots.ids(alive));
    finish();
  }

  private void finish() {
    running = false;
    graceTimer.dispose();
    finished.complete(null);
    stopped.complete(null);
  }

  // ---------------------------------------------------------------- helpers

  private void afterGracePeriod(Runnable action) {
    long nanos = options.stopGracePeriod().toNanos();
    try {
      graceTimer =
          options.timer().schedule(() -> queue.execute(action), nanos, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      LOG.log(WARNING, "The timer rejected the grace period: acting now", e);
      queue.execute(action);
    }
  }

  /** Fails fast instead of blocking a Reactor non-blocking thread. */
  static void requireBlockingAllowed(String method) {
    if (Schedulers.isInNonBlockingThread()) {
      throw new IllegalStateException(
          method
              + " blocks the calling thread and must not run on the non-blocking thread "
              + Thread.currentThread().getName()
              + "; use the reactive form instead");
    }
  }

  static RuntimeException rethrowable(Throwable error) {
    if (error instanceof RuntimeException runtime) {
      return runtime;
    }
    if (error instanceof Error fatal) {
      throw fatal;
    }
    return new TaskfluxException(String.valueOf(error), error);
  }
}
