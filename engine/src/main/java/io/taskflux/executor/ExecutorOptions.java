package io.taskflux.executor;

import java.time.Duration;
import java.util.Objects;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Settings of a {@link MultipleExecutor}. Immutable; the {@code with*} methods return copies.
 *
 * @param policy what a task failure does; {@link ExceptionPolicy#PROPAGATE} by default
 * @param stopGracePeriod how long a stop waits for tasks to end after the graceful signal before
 *     forcing them (SIGKILL for a child JVM, a second interrupt for a thread), and again after
 *     forcing before giving up on them; 10 seconds by default
 * @param asyncScheduler where {@link AsyncTask} bodies are subscribed in {@link ExecutorMode#ASYNC}
 *     mode; {@code Schedulers.parallel()} by default
 * @param timer the scheduler that measures the grace period; {@code Schedulers.parallel()} by
 *     default (a {@code VirtualTimeScheduler} in tests)
 */
public record ExecutorOptions(
    ExceptionPolicy policy, Duration stopGracePeriod, Scheduler asyncScheduler, Scheduler timer) {

  /** The default grace period: 10 seconds. */
  public static final Duration DEFAULT_STOP_GRACE_PERIOD = Duration.ofSeconds(10);

  /**
   * Validates the settings.
   *
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code stopGracePeriod} is negative
   */
  public ExecutorOptions {
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(stopGracePeriod, "stopGracePeriod");
    Objects.requireNonNull(asyncScheduler, "asyncScheduler");
    Objects.requireNonNull(timer, "timer");
    if (stopGracePeriod.isNegative()) {
      throw new IllegalArgumentException(
          "stopGracePeriod must not be negative: " + stopGracePeriod);
    }
  }

  /** Propagate failures, 10 s grace period, bodies and timer on {@code Schedulers.parallel()}. */
  public static ExecutorOptions defaults() {
    return new ExecutorOptions(
        ExceptionPolicy.PROPAGATE,
        DEFAULT_STOP_GRACE_PERIOD,
        Schedulers.parallel(),
        Schedulers.parallel());
  }

  /** A copy with this failure policy. */
  public ExecutorOptions withPolicy(ExceptionPolicy policy) {
    return new ExecutorOptions(policy, stopGracePeriod, asyncScheduler, timer);
  }

  /** A copy with this grace period. */
  public ExecutorOptions withStopGracePeriod(Duration stopGracePeriod) {
    return new ExecutorOptions(policy, stopGracePeriod, asyncScheduler, timer);
  }

  /** A copy subscribing {@link AsyncTask} bodies on {@code asyncScheduler}. */
  public ExecutorOptions withAsyncScheduler(Scheduler asyncScheduler) {
    return new ExecutorOptions(policy, stopGracePeriod, asyncScheduler, timer);
  }

  /** A copy measuring the grace period on {@code timer}. */
  public ExecutorOptions withTimer(Scheduler timer) {
    return new ExecutorOptions(policy, stopGracePeriod, asyncScheduler, timer);
  }
}
