package io.taskflux.cli;

import io.taskflux.backoff.Backoff;
import io.taskflux.engine.TaskDefinition;
import io.taskflux.engine.TaskHooks;
import io.taskflux.task.Message;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import reactor.core.publisher.Mono;

/**
 * The tasks of {@link ChaosIT}, loaded by {@code taskflux worker thread-pool --tasks} in each child
 * JVM. Everything about task {@code n} (length, planned failures, priority, delay, result) is a
 * pure function of {@code n} and the attempt number, so the test can check every outcome without
 * shared state. Even inputs run as a blocking task, odd ones as a reactive task, both on queue
 * {@value #QUEUE}.
 *
 * <p>With the system property {@value #LOG_PROPERTY} set to a directory, every attempt appends
 * lines to {@code attempts-<pid>.log} there: {@code S} when it starts, {@code F ok|err} when its
 * function ends, {@code X} when it is cancelled or interrupted, and {@code A} from the {@code
 * onSuccess} hook, which runs only after the backend accepted the completion (the ack). Each line
 * is one {@code write} on a file opened for append, so it is in the page cache, and survives a
 * SIGKILL, as soon as the call returns.
 */
public final class ChaosTasks implements TaskModule {

  static final String QUEUE = "chaos";
  static final String LOG_PROPERTY = "taskflux.chaos.log";

  /** Lease losses count as attempts: leave room for many of them before a task could fail. */
  static final int MAX_RETRIES = 40;

  static final TaskDefinition<Long, Long> BLOCKING = define("chaos-blocking");
  static final TaskDefinition<Long, Long> REACTIVE = define("chaos-reactive");

  private static final AttemptLog LOG = AttemptLog.open();

  private static TaskDefinition<Long, Long> define(String name) {
    return TaskDefinition.of(name, Long.class, Long.class)
        .queue(QUEUE)
        .maxRetries(MAX_RETRIES)
        .timeout(Duration.ofSeconds(60))
        .backoff(Backoff.constant(Duration.ofMillis(100)).withFloor(Duration.ZERO))
        .hooks(
            new TaskHooks<>() {
              @Override
              public void onSuccess(Message message, Long result) {
                LOG.line("A", message, "");
              }
            });
  }

  @Override
  public void register(TaskRegistry tasks) {
    tasks.registerBlocking(BLOCKING, ChaosTasks::runBlocking);
    tasks.register(REACTIVE, ChaosTasks::runReactive);
  }

  // ------------------------------------------------------------------ the plan, a function of n

  /** The definition task {@code n} is submitted with. */
  static TaskDefinition<Long, Long> definition(long n) {
    return n % 2 == 0 ? BLOCKING : REACTIVE;
  }

  /** The result task {@code n} must end with. */
  static long expected(long n) {
    return n * 31 + 7;
  }

  /** 0.5 % of the tasks run 3 to 5 s (longer than the 2 s lease); the rest 0 to 5 ms. */
  static long sleepMillis(long n) {
    long h = mix(n);
    return Math.floorMod(h, 200) == 0
        ? 3_000 + Math.floorMod(h >>> 20, 2_001)
        : Math.floorMod(h, 6);
  }

  /** 10 % of the tasks fail their first attempt, half of those their second as well. */
  static int plannedFailures(long n) {
    long h = mix(n + 1_000_003);
    return Math.floorMod(h, 10) == 0 ? 1 + (int) Math.floorMod(h >>> 8, 2) : 0;
  }

  /** Priorities 0 to 9. */
  static int priority(long n) {
    return (int) Math.floorMod(mix(n + 7) >>> 4, 10);
  }

  /** 5 % are submitted with a delay of 0.5 to 5 s. */
  static Duration delay(long n) {
    long h = mix(n + 13);
    return Math.floorMod(h, 20) == 0
        ? Duration.ofMillis(500 + Math.floorMod(h >>> 12, 4_501))
        : Duration.ZERO;
  }

  private static long mix(long z) { // SplitMix64's finalizer
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  // ------------------------------------------------------------------ the work

  private static Long runBlocking(Long n, Message message) {
    LOG.line("S", message, "");
    try {
      Thread.sleep(sleepMillis(n));
    } catch (InterruptedException e) {
      LOG.line("X", message, "");
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
    return finish(n, message);
  }

  private static Mono<Long> runReactive(Long n, Message message) {
    return Mono.defer(
        () -> {
          LOG.line("S", message, "");
          return Mono.delay(Duration.ofMillis(sleepMillis(n)))
              .map(tick -> finish(n, message))
              .doOnCancel(() -> LOG.line("X", message, ""));
        });
  }

  private static Long finish(long n, Message message) {
    if (message.retries() < plannedFailures(n)) {
      LOG.line("F", message, "err");
      throw new IllegalStateException(
          "planned failure of task " + n + " on attempt " + message.retries());
    }
    LOG.line("F", message, "ok");
    return expected(n);
  }

  /** The per-process attempt log (a no-op without {@value #LOG_PROPERTY}). */
  static final class AttemptLog {
    private final OutputStream out;
    private final long pid = ProcessHandle.current().pid();

    private AttemptLog(OutputStream out) {
      this.out = out;
    }

    static AttemptLog open() {
      String dir = System.getProperty(LOG_PROPERTY);
      if (dir == null) {
        return new AttemptLog(null);
      }
      Path file = Path.of(dir, "attempts-" + ProcessHandle.current().pid() + ".log");
      try {
        return new AttemptLog(new FileOutputStream(file.toFile(), true));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** {@code KIND id retries pid epochMicros [extra]}, one write per line. */
    void line(String kind, Message message, String extra) {
      if (out == null) {
        return;
      }
      long micros = ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
      String line =
          kind
              + ' '
              + message.id()
              + ' '
              + message.retries()
              + ' '
              + pid
              + ' '
              + micros
              + (extra.isEmpty() ? "" : " " + extra)
              + '\n';
      synchronized (this) {
        try {
          out.write(line.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
  }
}
