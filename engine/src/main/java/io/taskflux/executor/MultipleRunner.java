package io.taskflux.executor;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs a {@link MultipleExecutor} selected by mode name, either on the calling thread or on a
 * daemon thread of its own (a port of AEA's {@code AbstractMultipleRunner}), and reports the failed
 * tasks by id.
 *
 * <pre>{@code
 * MultipleRunner runner = MultipleRunner.create("threaded", tasks, ExecutorOptions.defaults());
 * runner.start(true);                      // returns at once
 * ...
 * runner.stop(Duration.ofSeconds(30));     // blocks until the tasks and the thread ended
 * }</pre>
 *
 * <p>Thread-safe. {@link #start(boolean) start(false)}, {@link #stop(Duration)} and {@link
 * #tryJoinThread()} block and refuse to run on a Reactor non-blocking thread; the other methods
 * never block.
 */
public final class MultipleRunner {

  private final MultipleExecutor executor;
  private final Object lock = new Object();
  private Thread thread; // guarded by lock
  private volatile Throwable threadFailure;

  private MultipleRunner(MultipleExecutor executor) {
    this.executor = executor;
  }

  /**
   * A runner of {@code tasks} in the mode named {@code mode} (see {@link ExecutorMode#parse}).
   *
   * @throws IllegalArgumentException {@code "Unsupported mode: <mode>"} for an unknown mode, or as
   *     {@link MultipleExecutor#create(ExecutorMode, List, ExecutorOptions)}
   * @throws NullPointerException if an argument is null
   */
  public static MultipleRunner create(
      String mode, List<? extends ExecutorTask> tasks, ExecutorOptions options) {
    return create(ExecutorMode.parse(mode), tasks, options);
  }

  /**
   * A runner of {@code tasks} in {@code mode}.
   *
   * @throws IllegalArgumentException as {@link MultipleExecutor#create(ExecutorMode, List,
   *     ExecutorOptions)}
   * @throws NullPointerException if an argument is null
   */
  public static MultipleRunner create(
      ExecutorMode mode, List<? extends ExecutorTask> tasks, ExecutorOptions options) {
    return new MultipleRunner(MultipleExecutor.create(mode, tasks, options));
  }

  /** The executor this runner drives. */
  public MultipleExecutor executor() {
    return executor;
  }

  /** Whether the executor is running (see {@link MultipleExecutor#isRunning()}). */
  public boolean isRunning() {
    return executor.isRunning();
  }

  /**
   * Starts the executor. With {@code threaded} false this <b>blocks</b>, exactly as {@link
   * MultipleExecutor#start()}. With {@code threaded} true it returns at once and the executor runs
   * on a daemon thread named {@code taskflux-runner}; an error of that run (a propagated task
   * failure) is kept and thrown by {@link #tryJoinThread()}.
   *
   * @throws IllegalStateException if the executor was already started or stopped
   * @throws TaskFailedException when not threaded, as {@link MultipleExecutor#start()}
   */
  public void start(boolean threaded) {
    if (!threaded) {
      executor.start();
      return;
    }
    synchronized (lock) {
      if (thread != null) {
        throw new IllegalStateException("The runner was already started in thread mode");
      }
      thread = new Thread(this::runInThread, "taskflux-runner");
      thread.setDaemon(true);
      thread.start();
    }
  }

  /**
   * <b>Blocking.</b> Stops the executor (see {@link MultipleExecutor#stop()}) and waits up to
   * {@code timeout} in total for every task to end and, if started threaded, for the runner thread
   * to end. If the calling thread is interrupted it stops waiting, keeps its interrupt flag set and
   * returns false.
   *
   * @return true if everything ended within {@code timeout}
   * @throws IllegalArgumentException if {@code timeout} is negative
   * @throws IllegalStateException if called on a Reactor non-blocking thread
   */
  public boolean stop(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("timeout must not be negative: " + timeout);
    }
    DefaultMultipleExecutor.requireBlockingAllowed("stop(Duration)");
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      executor.stop().toFuture().get(timeout.toNanos(), TimeUnit.NANOSECONDS);
      Thread runnerThread = runnerThread().orElse(null);
      if (runnerThread != null) {
        long left = deadline - System.nanoTime();
        if (left > 0) {
          runnerThread.join(left / 1_000_000, (int) (left % 1_000_000));
        }
        return !runnerThread.isAlive();
      }
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (ExecutionException e) {
      throw DefaultMultipleExecutor.rethrowable(e.getCause());
    }
  }

  /**
   * <b>Blocking.</b> Waits until the runner thread ends, then throws the error its run ended with,
   * if any.
   *
   * @throws IllegalStateException {@code "Not started in thread mode."} if {@link #start(boolean)
   *     start(true)} was not called, or when called on a Reactor non-blocking thread
   * @throws TaskFailedException if the run ended with a propagated task failure
   * @throws InterruptedException if the calling thread is interrupted while waiting
   */
  public void tryJoinThread() throws InterruptedException {
    Thread runnerThread =
        runnerThread().orElseThrow(() -> new IllegalStateException("Not started in thread mode."));
    DefaultMultipleExecutor.requireBlockingAllowed("tryJoinThread()");
    runnerThread.join();
    Throwable failure = threadFailure;
    if (failure != null) {
      throw DefaultMultipleExecutor.rethrowable(failure);
    }
  }

  /** The ids of the failed tasks, in task order. */
  public List<String> failed() {
    return executor.failed().stream().map(ExecutorTask::id).toList();
  }

  /** The ids of the tasks that have not failed, running ones included, in task order. */
  public List<String> notFailed() {
    return executor.notFailed().stream().map(ExecutorTask::id).toList();
  }

  /** The number of failed tasks. */
  public int numFailed() {
    return executor.numFailed();
  }

  private Optional<Thread> runnerThread() {
    synchronized (lock) {
      return Optional.ofNullable(thread);
    }
  }

  private void runInThread() {
    try {
      executor.start();
    } catch (Throwable error) {
      // Already logged by the executor; kept for tryJoinThread().
      threadFailure = error;
    }
  }
}
