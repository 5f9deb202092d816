package io.taskflux.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskflux.engine.Result;
import io.taskflux.engine.TaskDefinition;
import io.taskflux.engine.TaskEngine;
import io.taskflux.engine.TaskHandle;
import io.taskflux.engine.TaskHooks;
import io.taskflux.engine.WorkerOptions;
import io.taskflux.task.ExceptionDetails;
import io.taskflux.task.Message;
import io.taskflux.task.TaskStatus;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Decision 3: a worker claims only its free slots, so it never runs more than its concurrency. */
class ConcurrencyTest {

  static final Duration WAIT = Duration.ofSeconds(60);
  static final int TASKS = 10_000;
  static final int CONCURRENCY = 64;

  final TaskEngine engine = TaskEngine.inMemory();

  @AfterEach
  void close() {
    engine.closeAsync().block(WAIT);
  }

  @Test
  void tenThousandNoOpTasksNeverRunMoreThan64AtOnceAndEachEndsOnce() throws Exception {
    AtomicInteger running = new AtomicInteger();
    AtomicInteger peak = new AtomicInteger();
    Map<String, Integer> terminalHooks = new ConcurrentHashMap<>();
    CountDownLatch allEnded = new CountDownLatch(TASKS);
    TaskHooks<Integer, Integer> countTerminal =
        new TaskHooks<>() {
          @Override
          public void onSuccess(Message message, Integer result) {
            terminalHooks.merge(message.id(), 1, Integer::sum);
            allEnded.countDown();
          }

          @Override
          public void onFailure(Message message, ExceptionDetails error) {
            terminalHooks.merge(message.id(), 1, Integer::sum);
            allEnded.countDown();
          }
        };
    TaskDefinition<Integer, Integer> noop =
        TaskDefinition.of("noop", Integer.class, Integer.class).hooks(countTerminal);
    // "No-op": returns its input; it stays in flight until the next tick of the parallel
    // scheduler, so that attempts overlap and the bound is really exercised.
    engine.register(
        noop,
        n ->
            Mono.fromCallable(
                    () -> {
                      int now = running.incrementAndGet();
                      peak.accumulateAndGet(now, Math::max);
                      return n;
                    })
                .delayElement(Duration.ofMillis(1))
                .doFinally(s -> running.decrementAndGet()));

    List<TaskHandle<Integer>> handles =
        Flux.range(0, TASKS).concatMap(i -> engine.submit(noop, i)).collectList().block(WAIT);
    long start = System.nanoTime();
    engine.workers(WorkerOptions.defaults().concurrency(CONCURRENCY)).start();
    List<Result<Integer>> results = engine.resultsInOrder(handles).collectList().block(WAIT);
    long elapsed = System.nanoTime() - start;

    System.out.printf(
        "%d no-op tasks, concurrency %d: peak %d running at once, %.0f ms%n",
        TASKS, CONCURRENCY, peak.get(), elapsed / 1e6);
    assertTrue(peak.get() <= CONCURRENCY, "peak " + peak.get());
    assertTrue(peak.get() > 1, "attempts never overlapped: the bound was not exercised");
    for (int i = 0; i < TASKS; i++) {
      assertEquals(Result.success(handles.get(i).id(), i), results.get(i));
    }
    // Every task ended in exactly one terminal status: SUCCEEDED, reached once.
    List<TaskStatus> statuses =
        Flux.fromIterable(handles)
            .flatMap(h -> h.status().map(u -> u.status()))
            .collectList()
            .block(WAIT);
    assertEquals(TASKS, statuses.size());
    assertTrue(statuses.stream().allMatch(s -> s == TaskStatus.SUCCEEDED), "not all SUCCEEDED");
    // Hooks run just after the atomic completion: wait until every one was counted.
    assertTrue(allEnded.await(WAIT.toSeconds(), TimeUnit.SECONDS), "terminal hooks missing");
    assertEquals(TASKS, terminalHooks.size());
    assertTrue(terminalHooks.values().stream().allMatch(c -> c == 1), "a task ended twice");
  }
}
