package io.taskflux.cli;

/**
 * A set of tasks the command line can run: a worker loads the modules named by {@code --tasks}
 * (classes with a public no-argument constructor), or, when none is named, every module listed in
 * {@code META-INF/services/io.taskflux.cli.TaskModule} ({@link java.util.ServiceLoader}).
 *
 * <pre>{@code
 * public final class ShopTasks implements TaskModule {
 *   public void register(TaskRegistry tasks) {
 *     tasks.register(CHARGE, order -> payments.charge(order));
 *     tasks.registerBlocking(REPORT, day -> legacyReport(day));
 *   }
 * }
 * }</pre>
 */
public interface TaskModule {

  /** Registers this module's tasks; called once per process, before any worker starts. */
  void register(TaskRegistry tasks);
}
