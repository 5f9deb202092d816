package io.taskflux.caller;

import java.time.Duration;
import java.util.Objects;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Immutable settings of a {@link Caller}. Start from {@link #named(String)} and change a field with
 * the method of the same name, which returns a copy: {@code
 * CallerOptions.named("io").maxThreads(32).queueCapacity(10_000)}.
 *
 * @param name the caller's name, used in thread names and messages
 * @param maxThreads the most worker threads {@link Caller#toThread} runs at once (default: ten per
 *     core, as Reactor's bounded-elastic scheduler)
 * @param queueCapacity the most {@code toThread} calls waiting for a thread; one more is rejected
 *     with {@link CallerRejectedException} (default 100 000)
 * @param idleWorkerShutdown how long an idle worker thread lives; {@link Duration#ZERO} keeps them
 *     (default 60 s)
 * @param scheduler the Reactor scheduler one of whose workers runs the caller's serial queue
 *     ({@code callSoon}, {@code callLater}, {@code callDirect}, {@code queueCall}); calls on it
 *     must not block (default {@link Schedulers#parallel()})
 */
public record CallerOptions(
    String name,
    int maxThreads,
    int queueCapacity,
    Duration idleWorkerShutdown,
    Scheduler scheduler) {

  /** Validates every field; each error names the parameter. */
  public CallerOptions {
    Objects.requireNonNull(name, "name");
    if (name.isBlank()) {
      throw new IllegalArgumentException("name must not be blank");
    }
    if (maxThreads < 1) {
      throw new IllegalArgumentException("maxThreads must be at least 1, was " + maxThreads);
    }
    if (queueCapacity < 0) {
      throw new IllegalArgumentException("queueCapacity must be >= 0, was " + queueCapacity);
    }
    Objects.requireNonNull(idleWorkerShutdown, "idleWorkerShutdown");
    if (idleWorkerShutdown.isNegative()) {
      throw new IllegalArgumentException("idleWorkerShutdown must not be negative");
    }
    Objects.requireNonNull(scheduler, "scheduler");
  }

  /** The defaults, with {@code name}. */
  public static CallerOptions named(String name) {
    return new CallerOptions(
        name,
        10 * Runtime.getRuntime().availableProcessors(),
        100_000,
        Duration.ofSeconds(60),
        Schedulers.parallel());
  }

  /** A copy with another name. */
  public CallerOptions name(String name) {
    return new CallerOptions(name, maxThreads, queueCapacity, idleWorkerShutdown, scheduler);
  }

  /** A copy with another thread cap. */
  public CallerOptions maxThreads(int maxThreads) {
    return new CallerOptions(name, maxThreads, queueCapacity, idleWorkerShutdown, scheduler);
  }

  /** A copy with another wait-queue capacity. */
  public CallerOptions queueCapacity(int queueCapacity) {
    return new CallerOptions(name, maxThreads, queueCapacity, idleWorkerShutdown, scheduler);
  }

  /** A copy with another idle-worker lifetime. */
  public CallerOptions idleWorkerShutdown(Duration idleWorkerShutdown) {
    return new CallerOptions(name, maxThreads, queueCapacity, idleWorkerShutdown, scheduler);
  }

  /** A copy with another scheduler for the serial queue. */
  public CallerOptions scheduler(Scheduler scheduler) {
    return new CallerOptions(name, maxThreads, queueCapacity, idleWorkerShutdown, scheduler);
  }
}
