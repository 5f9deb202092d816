package io.taskflux.executor;

import java.util.Locale;
import java.util.Objects;

/** How a {@link MultipleExecutor} runs its tasks. */
public enum ExecutorMode {
  /**
   * Each task is an {@link AsyncTask}; its {@code Mono} is subscribed on the executor's async
   * scheduler.
   */
  ASYNC(AsyncTask.class, "async"),
  /** Each task is a {@link ThreadTask}, run on a platform thread of its own. */
  THREAD(ThreadTask.class, "thread", "threaded"),
  /** Each task is a {@link ProcessTask}, run as a child JVM. */
  PROCESS(ProcessTask.class, "process", "multiprocess");

  private final Class<? extends ExecutorTask> taskType;
  private final String[] names;

  ExecutorMode(Class<? extends ExecutorTask> taskType, String... names) {
    this.taskType = taskType;
    this.names = names;
  }

  /** The type a task must have to run in this mode. */
  Class<? extends ExecutorTask> taskType() {
    return taskType;
  }

  /**
   * The mode with this name, ignoring case: {@code async}; {@code thread} or {@code threaded};
   * {@code process} or {@code multiprocess} (upstream's names are accepted).
   *
   * @throws IllegalArgumentException for any other name, with the message {@code "Unsupported mode:
   *     <name>"} followed by the accepted names
   * @throws NullPointerException if {@code name} is null
   */
  public static ExecutorMode parse(String name) {
    Objects.requireNonNull(name, "mode");
    String wanted = name.trim().toLowerCase(Locale.ROOT);
    for (ExecutorMode mode : values()) {
      for (String candidate : mode.names) {
        if (candidate.equals(wanted)) {
          return mode;
        }
      }
    }
    throw new IllegalArgumentException(
        "Unsupported mode: "
            + name
            + " (expected async, thread, threaded, process or multiprocess)");
  }
}
