package io.taskflux.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskflux.CapacityExceededException;
import io.taskflux.spi.Backend;
import io.taskflux.spi.QueueStats;
import io.taskflux.task.MessageRef;
import io.taskflux.worker.Worker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A bounded backend seen through the engine (issue 9, "Load and bounds"): a producer that submits
 * more than the capacity gets one typed {@link CapacityExceededException} per message over the
 * bound and nothing else, loses none of the admitted messages, and gets its capacity back once
 * workers drain the queue. Each backend runs it through a short subclass.
 */
public abstract class EngineCapacityContract {

  /** The capacity every test gives its backend. */
  protected static final int CAPACITY = 20;

  private static final int OVER = 7;
  private static final Duration SOON = Duration.ofSeconds(30);
  private static final TaskDefinition<Integer, Integer> DOUBLE =
      TaskDefinition.of("double", Integer.class, Integer.class).queue("bounded");

  private Backend backend;
  private TaskEngine engine;

  /** A fresh backend admitting at most {@code capacity} live messages (in one queue). */
  protected abstract Backend createBackend(int capacity);

  @BeforeEach
  void setUp() {
    backend = createBackend(CAPACITY);
    engine = TaskEngine.builder().backend(backend).build();
    engine.register(DOUBLE, i -> Mono.just(2 * i));
  }

  @AfterEach
  void tearDown() {
    engine.closeAsync().block(SOON);
    backend.closeAsync().block(SOON);
  }

  @Test
  void submittingPastTheCapacityFailsTypedForTheExcessOnlyAndLosesNothing() {
    Map<Integer, Object> outcomes = submitAll(0, CAPACITY + OVER);

    List<Integer> admitted = new ArrayList<>();
    List<Integer> rejected = new ArrayList<>();
    outcomes.forEach(
        (i, outcome) -> {
          if (outcome instanceof TaskHandle<?>) {
            admitted.add(i);
          } else {
            Throwable e = (Throwable) outcome;
            assertTrue(e instanceof CapacityExceededException, "task " + i + ": " + e);
            assertTrue(
                e.getMessage().contains(Integer.toString(CAPACITY)),
                "the error names the capacity: " + e.getMessage());
            rejected.add(i);
          }
        });
    assertEquals(CAPACITY, admitted.size(), "admitted " + admitted);
    assertEquals(OVER, rejected.size(), "rejected " + rejected);
    assertEquals(new QueueStats(DOUBLE.queue(), CAPACITY, 0, 0, 0), stats());
    for (int i : rejected) {
      // A rejected submission stored nothing: no message, no status.
      assertNull(backend.find(ref(i)).block(SOON), "message of rejected task " + i);
      assertNull(engine.handle(DOUBLE, id(i)).status().block(SOON), "status of " + i);
    }

    Worker worker = engine.workers(WorkerOptions.queues(DOUBLE.queue()).concurrency(4)).start();
    try {
      for (int i : admitted) {
        assertEquals(2 * i, engine.handle(DOUBLE, id(i)).result(SOON).block(SOON), "task " + i);
      }
    } finally {
      worker.stop().block(SOON);
    }
    assertEquals(new QueueStats(DOUBLE.queue(), 0, 0, 0, 0), stats());
  }

  @Test
  void drainingTheQueueGivesTheCapacityBack() {
    assertTrue(submitAll(0, CAPACITY).values().stream().allMatch(TaskHandle.class::isInstance));
    Object over = submitAll(CAPACITY, 1).get(CAPACITY);
    assertTrue(over instanceof CapacityExceededException, String.valueOf(over));

    Worker worker = engine.workers(WorkerOptions.queues(DOUBLE.queue()).concurrency(4)).start();
    try {
      for (int i = 0; i < CAPACITY; i++) {
        assertEquals(2 * i, engine.handle(DOUBLE, id(i)).result(SOON).block(SOON), "task " + i);
      }
    } finally {
      worker.stop().block(SOON);
    }

    // The same number fits again, and exactly that number: the bound is not leaked or lost.
    Map<Integer, Object> again = submitAll(1000, CAPACITY + 1);
    long admitted = again.values().stream().filter(TaskHandle.class::isInstance).count();
    long rejected =
        again.values().stream().filter(CapacityExceededException.class::isInstance).count();
    assertEquals(CAPACITY, admitted, String.valueOf(again));
    assertEquals(1, rejected, String.valueOf(again));
  }

  /**
   * Submits tasks {@code from .. from + count - 1} concurrently; each maps to a handle or error.
   */
  private Map<Integer, Object> submitAll(int from, int count) {
    return Flux.range(from, count)
        .flatMap(
            i ->
                engine
                    .submit(DOUBLE, i, SubmitOptions.defaults().id(id(i)))
                    .<Object>map(h -> h)
                    .onErrorResume(e -> Mono.just(e))
                    .map(outcome -> Map.entry(i, outcome)),
            256)
        .collectMap(Map.Entry::getKey, Map.Entry::getValue, TreeMap::new)
        .block(SOON);
  }

  private QueueStats stats() {
    return backend.stats(DOUBLE.queue()).block(SOON);
  }

  private static String id(int i) {
    return "task-" + i;
  }

  private static MessageRef ref(int i) {
    return MessageRef.of(DOUBLE.queue(), id(i));
  }
}
