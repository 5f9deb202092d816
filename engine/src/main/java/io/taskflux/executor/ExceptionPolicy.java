package io.taskflux.executor;

import java.util.Locale;
import java.util.Objects;

/**
 * What a {@link MultipleExecutor} does when a task fails (ends with an error that is not an
 * interrupt or a cancellation) while the executor is running. Every failure is first logged at
 * {@code ERROR} as {@code "Exception raised during <id> running."} with the error. A failure that
 * happens after {@link MultipleExecutor#stop()} was called is recorded and logged but triggers no
 * policy.
 */
public enum ExceptionPolicy {
  /**
   * The run fails with a {@link TaskFailedException} for the first failing task: {@link
   * MultipleExecutor#start()} throws it and {@link MultipleExecutor#run()} emits it. The other
   * tasks are not stopped and {@link MultipleExecutor#isRunning()} stays true until {@link
   * MultipleExecutor#stop()} (as upstream). The default.
   */
  PROPAGATE,
  /**
   * The executor stops every task (as {@link MultipleExecutor#stop()}), waits for them, and the run
   * ends without error; {@link MultipleExecutor#isRunning()} becomes false.
   */
  STOP_ALL,
  /** The failure is only logged; the other tasks keep running and the executor stays running. */
  LOG_ONLY;

  /**
   * The policy with this name, ignoring case, with {@code _} or {@code -}: {@code propagate},
   * {@code stop_all}, {@code log_only}.
   *
   * @throws IllegalArgumentException for any other name
   * @throws NullPointerException if {@code name} is null
   */
  public static ExceptionPolicy parse(String name) {
    Objects.requireNonNull(name, "policy");
    String wanted = name.trim().toUpperCase(Locale.ROOT).replace('-', '_');
    for (ExceptionPolicy policy : values()) {
      if (policy.name().equals(wanted)) {
        return policy;
      }
    }
    throw new IllegalArgumentException(
        "Unknown fail policy: " + name + " (expected propagate, stop_all or log_only)");
  }
}
