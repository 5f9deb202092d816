package io.taskflux.cli;

import io.taskflux.NonRetryableException;
import io.taskflux.backoff.Backoff;
import io.taskflux.engine.TaskDefinition;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import reactor.core.publisher.Mono;

/** Task modules for the command-line tests. */
final class FakeTasks {

  static final TaskDefinition<Integer, Integer> SQUARE =
      TaskDefinition.of("square", Integer.class, Integer.class).queue("math");

  /** Sleeps its input in milliseconds (blocking, interruptible), then returns "slept". */
  static final TaskDefinition<Long, String> SLOW =
      TaskDefinition.of("slow", Long.class, String.class).queue("math");

  /**
   * Its first attempt (no marker file at the input path yet) creates the marker and then never
   * returns, swallowing every interrupt; later attempts return "done". Timeout 1 s, quick retries.
   */
  static final TaskDefinition<String, String> STUBBORN =
      TaskDefinition.of("stubborn", String.class, String.class)
          .queue("stubborn")
          .timeout(Duration.ofSeconds(1))
          .maxRetries(3)
          .backoff(Backoff.constant(Duration.ofMillis(100)).withFloor(Duration.ZERO));

  /** {@link #SLOW} on the stubborn queue. */
  static final TaskDefinition<Long, String> HOLD =
      TaskDefinition.of("hold", Long.class, String.class).queue("stubborn");

  private FakeTasks() {}

  /** square (reactive) and boom (always fails, no retry). */
  public static final class Math implements TaskModule {
    @Override
    public void register(TaskRegistry tasks) {
      tasks.register(SQUARE, n -> Mono.just(n * n));
      tasks.register(
          TaskDefinition.of("boom", String.class, String.class).queue("math").maxRetries(0),
          why -> Mono.error(new NonRetryableException("boom: " + why)));
      tasks.registerBlocking(SLOW, FakeTasks::sleep);
    }
  }

  static String sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return "slept";
  }

  /** stubborn and hold, on the queue "stubborn". */
  public static final class Stubborn implements TaskModule {
    @Override
    public void register(TaskRegistry tasks) {
      tasks.registerBlocking(HOLD, FakeTasks::sleep);
      tasks.registerBlocking(
          STUBBORN,
          marker -> {
            try {
              Files.createFile(Path.of(marker));
            } catch (FileAlreadyExistsException e) {
              return "done";
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
            while (true) { // ignores the timeout's interrupt: only killing the process stops it
              try {
                Thread.sleep(60_000);
              } catch (InterruptedException e) {
                // swallowed on purpose
              }
            }
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
