package io.taskflux.cli;

import io.taskflux.NonRetryableException;
import io.taskflux.engine.TaskDefinition;
import reactor.core.publisher.Mono;

/** Task modules for the command-line tests. */
final class FakeTasks {

  static final TaskDefinition<Integer, Integer> SQUARE =
      TaskDefinition.of("square", Integer.class, Integer.class).queue("math");

  private FakeTasks() {}

  /** square (reactive) and boom (always fails, no retry). */
  public static final class Math implements TaskModule {
    @Override
    public void register(TaskRegistry tasks) {
      tasks.register(SQUARE, n -> Mono.just(n * n));
      tasks.register(
          TaskDefinition.of("boom", String.class, String.class).queue("math").maxRetries(0),
          why -> Mono.error(new NonRetryableException("boom: " + why)));
      tasks.registerBlocking(
          TaskDefinition.of("slow", Long.class, String.class).queue("math"),
          ms -> {
            try {
              Thread.sleep(ms);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            return "slept";
          });
    }
  }

  /** Registers another task named square. */
  public static final class AlsoSquare implements TaskModule {
    @Override
    public void register(TaskRegistry tasks) {
      tasks.register(TaskDefinition.of("square", Long.class, Long.class), n -> Mono.just(n * n));
    }
  }

  /** Registers nothing. */
  public static final class Empty implements TaskModule {
    @Override
    public void register(TaskRegistry tasks) {}
  }

  /** Not a task module. */
  public static final class NotAModule {}
}
