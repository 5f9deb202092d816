package io.taskflux.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskflux.memory.InMemoryBackend;
import io.taskflux.result.ResultStore;
import io.taskflux.task.MessageRef;
import io.taskflux.task.StatusUpdate;
import io.taskflux.task.TaskStatus;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * The wake-up bar: {@code waitFor}, {@code ResultStore.get(timeout)} and {@code
 * listenToUpdates} emit within a millisecond of the write that satisfies them. Each round registers
 * the waiter (checked: it is waiting, not yet satisfied), then a writer on a parallel thread notes
 * {@code System.nanoTime()} just before it writes; the waiter notes it when it emits. Nothing
 * sleeps: the test thread awaits a latch the emission releases. After warm-up rounds, the median
 * must be under 1 ms and every round under a generous 50 ms; the measured microseconds are printed.
 */
class WakeUpLatencyTest {

  private static final int WARM_UP = 200;
  private static final int ROUNDS = 300;
  private static final long BOUND_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
  private static final long MEDIAN_BOUND_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

  private final InMemoryBackend backend = InMemoryBackend.create();
  private final StatusTracker tracker = StatusTracker.create(backend);
  private final ResultStore results = ResultStore.create(backend);

  @AfterEach
  void noWaiterLeft() {
    try {
      assertEquals(0, backend.waiterCount());
    } finally {
      backend.closeAsync().block(Duration.ofSeconds(5));
    }
  }

  /** One kind of wait: how to arm it for a ref, and the write that satisfies it. */
  private interface Scenario {
    /** Prepares the ref, then returns the wait to subscribe to. */
    Mono<?> arm(MessageRef ref);

    Mono<Void> write(MessageRef ref);
  }

  private long[] measure(String name, Scenario scenario) throws InterruptedException {
    long[] latencies = new long[ROUNDS];
    for (int round = 0; round < WARM_UP + ROUNDS; round++) {
      MessageRef ref = MessageRef.of("latency-" + name, "m" + round);
      AtomicLong woke = new AtomicLong();
      AtomicLong wrote = new AtomicLong();
      CountDownLatch emitted = new CountDownLatch(1);
      Disposable waiter =
          scenario
              .arm(ref)
              .subscribe(
                  v -> {
                    woke.set(System.nanoTime());
                    emitted.countDown();
                  });
      assertEquals(1, emitted.getCount(), "the wait must not be satisfied before the write");
      assertEquals(1, backend.waiterCount(), "the wait is registered in the backend");
      Mono.defer(
              () -> {
                wrote.set(System.nanoTime());
                return scenario.write(ref);
              })
          .subscribeOn(Schedulers.parallel())
          .subscribe();
      assertTrue(emitted.await(5, TimeUnit.SECONDS), name + ": no wake-up in round " + round);
      waiter.dispose();
      long latency = woke.get() - wrote.get();
      assertTrue(
          latency < BOUND_NANOS, name + " round " + round + " took " + latency / 1000 + " µs");
      if (round >= WARM_UP) {
        latencies[round - WARM_UP] = latency;
      }
    }
    Arrays.sort(latencies);
    long median = latencies[ROUNDS / 2];
    System.out.printf(
        "wake-up latency %-16s median %5d µs, p99 %5d µs, max %5d µs (%d rounds)%n",
        name,
        median / 1000,
        latencies[ROUNDS * 99 / 100] / 1000,
        latencies[ROUNDS - 1] / 1000,
        ROUNDS);
    assertTrue(median < MEDIAN_BOUND_NANOS, name + " median " + median / 1000 + " µs");
    return latencies;
  }

  private static Scenario of(
      Function<MessageRef, Mono<?>> arm, Function<MessageRef, Mono<Void>> write) {
    return new Scenario() {
      @Override
      public Mono<?> arm(MessageRef ref) {
        return arm.apply(ref);
      }

      @Override
      public Mono<Void> write(MessageRef ref) {
        return write.apply(ref);
      }
    };
  }

  @Test
  void waitForWakesWithinAMillisecondOfTheWrite() throws Exception {
    measure(
        "waitFor",
        of(
            ref -> {
              tracker.set(ref, TaskStatus.RUNNING).block();
              return tracker.waitFor(ref, TaskStatus.SUCCEEDED, Duration.ofSeconds(30));
            },
            ref -> tracker.set(ref, TaskStatus.SUCCEEDED)));
  }

  @Test
  void resultGetWakesWithinAMillisecondOfTheWrite() throws Exception {
    measure(
        "result get",
        of(
            ref -> results.get(ref, Duration.ofSeconds(30)),
            ref ->
                results.set(
                    ref,
                    JsonNodeFactory.instance.stringNode("done"),
                    Duration.ofMinutes(1),
                    true)));
  }

  @Test
  void listenToUpdatesWakesWithinAMillisecondOfTheWrite() throws Exception {
    measure(
        "listenToUpdates",
        of(
            ref -> {
              tracker.set(ref, TaskStatus.SUBMITTED).block();
              // The current status comes first; the measured emission is the one after the write.
              return tracker
                  .listenToUpdates(ref)
                  .map(StatusUpdate::status)
                  .filter(s -> s == TaskStatus.RUNNING)
                  .next();
            },
            ref -> tracker.set(ref, TaskStatus.RUNNING)));
  }
}
