package io.taskflux.benchmarks;

import io.taskflux.engine.TaskDefinition;
import io.taskflux.engine.TaskEngine;
import io.taskflux.engine.TaskHandle;
import io.taskflux.engine.WorkerOptions;
import io.taskflux.memory.InMemoryBackend;
import io.taskflux.redis.RedisBackend;
import io.taskflux.result.ResultStore;
import io.taskflux.spi.Backend;
import io.taskflux.status.StatusTracker;
import io.taskflux.task.MessageRef;
import io.taskflux.task.StatusUpdate;
import io.taskflux.task.TaskStatus;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * Write-to-wake latency of the waits the unit tests only check for correctness ({@code
 * WakeOnWriteTest}, {@code BackendContractTest}'s wake tests, {@code RevocationTest}): how long
 * after a write {@code waitFor}, {@code ResultStore.get} and {@code listenToUpdates} emit, and how
 * long after {@code revoke()} a running reactive task is cancelled and a blocking one interrupted.
 * Each round arms one waiter, notes {@link System#nanoTime()} just before the write (on a parallel
 * thread) and again where the waiter wakes; warm-up rounds are excluded. One line per case on
 * standard output: median, p99 and max in microseconds. The idle worker's submit-to-start is {@link
 * WakeBenchmark}.
 *
 * <pre>
 * java -cp benchmarks/target/taskflux-benchmarks.jar io.taskflux.benchmarks.WakeUpLatencyBenchmark
 *     [--redis URI] [--rounds 300] [--warmup 200]
 * </pre>
 *
 * Without {@code --redis} the in-memory backend is measured; with it, that server (give it one of
 * its own: the benchmark writes under namespace {@code wake-latency}).
 */
public final class WakeUpLatencyBenchmark {

  private static final Duration SOON = Duration.ofSeconds(30);

  private WakeUpLatencyBenchmark() {}

  public static void main(String[] args) throws Exception {
    String uri = null;
    int rounds = 300;
    int warmup = 200;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--redis" -> uri = args[i + 1];
        case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
        case "--warmup" -> warmup = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    Backend backend =
        uri == null
            ? InMemoryBackend.create()
            : RedisBackend.builder().uri(uri).namespace("wake-latency").build();
    String on = uri == null ? "in-memory" : "redis";
    StatusTracker tracker = StatusTracker.create(backend);
    ResultStore results = ResultStore.create(backend);
    try {
      report(
          on,
          "waitFor",
          measure(
              rounds,
              warmup,
              ref -> {
                tracker.set(ref, TaskStatus.RUNNING).block(SOON);
                return tracker.waitFor(ref, Set.of(TaskStatus.SUCCEEDED));
              },
              ref -> tracker.set(ref, TaskStatus.SUCCEEDED)));
      report(
          on,
          "result get",
          measure(
              rounds,
              warmup,
              ref -> results.get(ref),
              ref ->
                  results.set(
                      ref,
                      JsonNodeFactory.instance.stringNode("done"),
                      Duration.ofMinutes(1),
                      true)));
      report(
          on,
          "listenToUpdates",
          measure(
              rounds,
              warmup,
              ref -> {
                tracker.set(ref, TaskStatus.SUBMITTED).block(SOON);
                return tracker
                    .listenToUpdates(ref)
                    .map(StatusUpdate::status)
                    .filter(s -> s == TaskStatus.RUNNING)
                    .next();
              },
              ref -> tracker.set(ref, TaskStatus.RUNNING)));
      TaskEngine engine = TaskEngine.builder().backend(backend).build();
      try {
        report(on, "revoke->cancel", revocations(engine, rounds / 5, warmup / 5, false));
        report(on, "revoke->interrupt", revocations(engine, rounds / 5, warmup / 5, true));
      } finally {
        engine.closeAsync().block(SOON);
      }
    } finally {
      backend.closeAsync().block(SOON);
    }
  }

  private static long[] measure(
      int rounds,
      int warmup,
      Function<MessageRef, Mono<?>> arm,
      Function<MessageRef, Mono<Void>> write)
      throws InterruptedException {
    long[] nanos = new long[rounds];
    String queue = "latency-" + System.nanoTime();
    for (int round = 0; round < warmup + rounds; round++) {
      MessageRef ref = MessageRef.of(queue, "m" + round);
      BlockingQueue<Long> woke = new ArrayBlockingQueue<>(1);
      Disposable waiter = arm.apply(ref).subscribe(v -> woke.offer(System.nanoTime()));
      long[] wrote = new long[1];
      Mono.defer(
              () -> {
                wrote[0] = System.nanoTime();
                return write.apply(ref);
              })
          .subscribeOn(Schedulers.parallel())
          .subscribe();
      Long at = woke.poll(SOON.toMillis(), TimeUnit.MILLISECONDS);
      waiter.dispose();
      if (at == null) {
        throw new IllegalStateException("no wake-up in round " + round);
      }
      if (round >= warmup) {
        nanos[round - warmup] = at - wrote[0];
      }
    }
    return nanos;
  }

  /** Revokes a running task {@code rounds} times; nanos from before revoke() to the stop. */
  private static long[] revocations(TaskEngine engine, int rounds, int warmup, boolean blocking)
      throws InterruptedException {
    String name = blocking ? "revoked-blocking" : "revoked-reactive";
    TaskDefinition<Integer, Integer> task =
        TaskDefinition.of(name, Integer.class, Integer.class).queue(name);
    BlockingQueue<Long> stopped = new ArrayBlockingQueue<>(1);
    BlockingQueue<Integer> started = new ArrayBlockingQueue<>(1);
    if (blocking) {
      engine.registerBlocking(
          task,
          n -> {
            started.offer(n);
            try {
              new CountDownLatch(1).await();
            } catch (InterruptedException e) {
              stopped.offer(System.nanoTime());
            }
            return n;
          });
    } else {
      engine.register(
          task,
          n ->
              Mono.<Integer>never()
                  .doOnSubscribe(s -> started.offer(n))
                  .doOnCancel(() -> stopped.offer(System.nanoTime())));
    }
    Disposable workers = engine.workers(WorkerOptions.queues(name)).start();
    long[] nanos = new long[rounds];
    try {
      for (int round = 0; round < warmup + rounds; round++) {
        TaskHandle<Integer> h = engine.submit(task, round).block(SOON);
        if (started.poll(SOON.toMillis(), TimeUnit.MILLISECONDS) == null) {
          throw new IllegalStateException(name + ": round " + round + " never started");
        }
        long revokedAt = System.nanoTime();
        h.revoke().block(SOON);
        Long at = stopped.poll(SOON.toMillis(), TimeUnit.MILLISECONDS);
        if (at == null) {
          throw new IllegalStateException(name + ": round " + round + " was never stopped");
        }
        if (round >= warmup) {
          nanos[round - warmup] = at - revokedAt;
        }
      }
    } finally {
      workers.dispose();
    }
    return nanos;
  }

  private static void report(String on, String what, long[] nanos) {
    Arrays.sort(nanos);
    System.out.printf(
        "%-9s %-17s median %7d µs, p99 %7d µs, max %7d µs (%d rounds)%n",
        on,
        what,
        nanos[nanos.length / 2] / 1000,
        nanos[Math.max(0, nanos.length * 99 / 100 - 1)] / 1000,
        nanos[nanos.length - 1] / 1000,
        nanos.length);
  }
}
