package io.taskflux.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.taskflux.memory.InMemoryBackend;
import io.taskflux.result.ResultStore;
import io.taskflux.task.MessageRef;
import io.taskflux.task.StatusUpdate;
import io.taskflux.task.TaskStatus;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * {@code waitFor}, {@code ResultStore.get} and {@code listenToUpdates} are woken by the write that
 * satisfies them, round after round. Each wait is the variant without a timeout, and the in-memory
 * backend's waits have no poll or retry timer, so nothing but the write's notification can end one:
 * a lost notification fails the round (after the hang guard). How fast they wake is measured by
 * {@code io.taskflux.benchmarks.WakeUpLatencyBenchmark}, not here: a unit test never asserts speed.
 */
class WakeOnWriteTest {

  private static final int ROUNDS = 50;

  /** Only against a hang: a wake-up that never comes. Not a bound on how fast it comes. */
  private static final Duration HANG_GUARD = Duration.ofSeconds(30);

  private final InMemoryBackend backend = InMemoryBackend.create();
  private final StatusTracker tracker = StatusTracker.create(backend);
  private final ResultStore results = ResultStore.create(backend);

  @AfterEach
  void noWaiterLeft() {
    try {
      assertEquals(0, backend.waiterCount());
    } finally {
      backend.closeAsync().block(HANG_GUARD);
    }
  }

  /** One kind of wait: how to arm it for a ref, and the write that satisfies it. */
  private interface Scenario {
    /** Prepares the ref, then returns the wait to subscribe to. */
    Mono<?> arm(MessageRef ref);

    Mono<Void> write(MessageRef ref);
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

  /** Runs the rounds; returns what the last wait emitted. */
  private Object wakeEachRound(String name, Scenario scenario) throws Exception {
    Object last = null;
    for (int round = 0; round < ROUNDS; round++) {
      MessageRef ref = MessageRef.of("wake-" + name, "m" + round);
      CompletableFuture<Object> emitted = new CompletableFuture<>();
      Disposable waiter =
          scenario.arm(ref).subscribe(emitted::complete, emitted::completeExceptionally);
      try {
        assertFalse(emitted.isDone(), name + ": the wait must not end before the write");
        assertEquals(1, backend.waiterCount(), name + ": the wait is registered in the backend");
        // From another thread, as a worker would write.
        scenario.write(ref).subscribeOn(Schedulers.parallel()).subscribe();
        last = emitted.get(HANG_GUARD.toMillis(), TimeUnit.MILLISECONDS);
      } finally {
        waiter.dispose();
      }
    }
    return last;
  }

  @Test
  void waitForIsWokenByTheWriteOfTheAwaitedStatus() throws Exception {
    Object last =
        wakeEachRound(
            "waitFor",
            of(
                ref -> {
                  tracker.set(ref, TaskStatus.RUNNING).block();
                  return tracker.waitFor(ref, Set.of(TaskStatus.SUCCEEDED));
                },
                ref -> tracker.set(ref, TaskStatus.SUCCEEDED)));
    assertEquals(TaskStatus.SUCCEEDED, ((StatusUpdate) last).status());
  }

  @Test
  void resultGetIsWokenByTheWriteOfTheResult() throws Exception {
    Object last =
        wakeEachRound(
            "result get",
            of(
                ref -> results.get(ref),
                ref ->
                    results.set(
                        ref,
                        JsonNodeFactory.instance.stringNode("done"),
                        Duration.ofMinutes(1),
                        true)));
    assertEquals("done", ((JsonNode) last).asString());
  }

  @Test
  void listenToUpdatesIsWokenByTheNextWrite() throws Exception {
    Object last =
        wakeEachRound(
            "listenToUpdates",
            of(
                ref -> {
                  tracker.set(ref, TaskStatus.SUBMITTED).block();
                  // The current status comes first; the awaited emission is the one after the
                  // write.
                  return tracker
                      .listenToUpdates(ref)
                      .map(StatusUpdate::status)
                      .filter(s -> s == TaskStatus.RUNNING)
                      .next();
                },
                ref -> tracker.set(ref, TaskStatus.RUNNING)));
    assertEquals(TaskStatus.RUNNING, last);
  }
}
