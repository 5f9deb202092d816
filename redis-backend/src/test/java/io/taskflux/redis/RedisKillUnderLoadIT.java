package io.taskflux.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskflux.BackendUnavailableException;
import io.taskflux.MessageAlreadyExistsException;
import io.taskflux.engine.SubmitOptions;
import io.taskflux.engine.TaskDefinition;
import io.taskflux.engine.TaskEngine;
import io.taskflux.engine.TaskHandle;
import io.taskflux.engine.WorkerOptions;
import io.taskflux.spi.QueueStats;
import io.taskflux.task.StatusUpdate;
import io.taskflux.task.TaskStatus;
import io.taskflux.testing.redis.RedisExtension;
import io.taskflux.testing.redis.RedisServerOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * Issue 6: 10,000 tasks are submitted while 64 workers run; after ~3,000 results Redis (AOF, fsync
 * always) is SIGKILLed and restarted a second later. The engine reconnects by itself; every task
 * whose submission was acknowledged ends SUCCEEDED exactly once with its input as its result; no
 * task whose result was observed before the kill runs again; nothing is left ready or leased.
 * Submissions that fail during the outage are retried with the same id (idempotent: a retry that
 * finds the message already stored counts as acknowledged).
 */
class RedisKillUnderLoadIT {

  @RegisterExtension
  final RedisExtension redis =
      RedisExtension.withServer(RedisServerOptions.defaults().withFsyncAlways());

  private static final int N = 10_000;
  private static final int KILL_AFTER = 3_000;
  private static final String QUEUE = "q";
  private static final Duration OUTAGE = Duration.ofSeconds(1);
  private static final Duration BOUND = Duration.ofSeconds(120);

  private static Retry whileUnavailable() {
    return Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(50))
        .maxBackoff(Duration.ofMillis(500))
        .filter(e -> e instanceof BackendUnavailableException);
  }

  @Test
  void everyAcknowledgedTaskEndsExactlyOnceAcrossAKillAndRestart() throws Exception {
    RedisBackend backend =
        RedisBackend.builder().uri(redis.uri()).commandTimeout(Duration.ofSeconds(2)).build();
    TaskEngine engine = TaskEngine.builder().backend(backend).build();
    TaskDefinition<Integer, Integer> echo =
        TaskDefinition.of("echo", Integer.class, Integer.class).queue(QUEUE);
    Map<Integer, AtomicInteger> executions = new ConcurrentHashMap<>();
    engine.register(
        echo,
        in -> {
          executions.computeIfAbsent(in, k -> new AtomicInteger()).incrementAndGet();
          return Mono.just(in);
        });

    AtomicBoolean killed = new AtomicBoolean();
    AtomicLong restartedAt = new AtomicLong();
    AtomicLong firstResultAfterRestart = new AtomicLong();
    Set<Integer> observedBeforeKill = ConcurrentHashMap.newKeySet();
    Set<Integer> observed = ConcurrentHashMap.newKeySet();
    Set<Integer> acknowledged = ConcurrentHashMap.newKeySet();
    Set<Integer> retriedSubmissions = ConcurrentHashMap.newKeySet();
    Map<Integer, TaskHandle<Integer>> handles = new ConcurrentHashMap<>();
    CountDownLatch enoughResults = new CountDownLatch(KILL_AFTER);
    List<Throwable> errors = new ArrayList<>();

    var workers =
        engine
            .workers(WorkerOptions.queues(QUEUE).concurrency(64).lease(Duration.ofSeconds(5)))
            .start();
    long start = System.nanoTime();
    try {
      // Submit (each with a fixed id, retried while Redis is away) and wait for each result.
      Mono<Long> all =
          Flux.range(0, N)
              .flatMap(
                  i ->
                      Mono.defer(
                              () -> engine.submit(echo, i, SubmitOptions.defaults().id("t-" + i)))
                          .doOnError(
                              e -> {
                                if (e instanceof BackendUnavailableException) {
                                  retriedSubmissions.add(i);
                                }
                              })
                          .retryWhen(whileUnavailable())
                          // A retry whose first attempt was stored before the reply was lost.
                          .onErrorResume(
                              MessageAlreadyExistsException.class,
                              e -> Mono.just(engine.handle(echo, "t-" + i)))
                          .doOnNext(
                              h -> {
                                acknowledged.add(i);
                                handles.put(i, h);
                              })
                          .flatMap(
                              h ->
                                  Mono.defer(() -> h.result(BOUND))
                                      .retryWhen(whileUnavailable())
                                      .doOnNext(
                                          r -> {
                                            if (!killed.get()) {
                                              observedBeforeKill.add(i);
                                            } else if (restartedAt.get() != 0) {
                                              firstResultAfterRestart.compareAndSet(
                                                  0, System.nanoTime());
                                            }
                                            if (observed.add(i)) {
                                              enoughResults.countDown();
                                            }
                                          })),
                  512)
              .count();
      CountDownLatch done = new CountDownLatch(1);
      AtomicLong finished = new AtomicLong();
      all.subscribe(
          c -> {},
          e -> {
            synchronized (errors) {
              errors.add(e);
            }
            done.countDown();
          },
          () -> {
            finished.set(System.nanoTime());
            done.countDown();
          });

      assertTrue(
          enoughResults.await(BOUND.toSeconds(), TimeUnit.SECONDS), "never saw " + KILL_AFTER);
      // The kill: results seen up to here were read from Redis, so they were fsynced.
      killed.set(true);
      redis.server().kill();
      long killedAt = System.nanoTime();
      int seenAtKill = observedBeforeKill.size();
      int ackedAtKill = acknowledged.size();
      Mono.delay(OUTAGE).block(); // the outage itself, not a wait for an event
      redis.server().restart();
      restartedAt.set(System.nanoTime());

      assertTrue(done.await(BOUND.toSeconds(), TimeUnit.SECONDS), "results not all in");
      assertTrue(errors.isEmpty(), () -> "submit/result pipeline failed: " + errors);

      // Every acknowledged task: SUCCEEDED, stored result == input.
      assertEquals(N, acknowledged.size());
      List<String> bad =
          Flux.fromIterable(handles.entrySet())
              .flatMap(
                  e ->
                      Mono.zip(e.getValue().status(), e.getValue().result(Duration.ZERO))
                          .filter(
                              t ->
                                  t.getT1().status() != TaskStatus.SUCCEEDED
                                      || !t.getT2().equals(e.getKey()))
                          .map(t -> e.getKey() + ": " + describe(t.getT1()) + " -> " + t.getT2()),
                  64)
              .collectList()
              .block(BOUND);
      assertTrue(bad.isEmpty(), () -> bad.size() + " tasks not SUCCEEDED(input): " + bad);

      // Each ran at least once; those observed complete before the kill ran exactly once.
      List<Integer> neverRan =
          acknowledged.stream().filter(i -> !executions.containsKey(i)).sorted().toList();
      assertTrue(neverRan.isEmpty(), () -> "never ran: " + neverRan);
      Map<Integer, Integer> duplicates =
          executions.entrySet().stream()
              .filter(e -> e.getValue().get() > 1)
              .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().get()));
      List<Integer> rerunAfterAck =
          duplicates.keySet().stream().filter(observedBeforeKill::contains).sorted().toList();
      assertTrue(
          rerunAfterAck.isEmpty(),
          () -> "completed (acknowledged) before the kill yet ran again: " + rerunAfterAck);

      QueueStats stats = backend.stats(QUEUE).block(BOUND);
      assertEquals(new QueueStats(QUEUE, 0, 0, 0, 0), stats);

      System.out.printf(
          "kill under load: %d tasks; at the kill %d submissions acknowledged, %d results seen;"
              + " %d submissions retried over the outage; %d tasks ran more than once (max %d);"
              + " outage %d ms; first result %d ms after restart; all done %d ms after restart;"
              + " total %d ms%n",
          N,
          ackedAtKill,
          seenAtKill,
          retriedSubmissions.size(),
          duplicates.size(),
          duplicates.values().stream().mapToInt(x -> x).max().orElse(1),
          TimeUnit.NANOSECONDS.toMillis(restartedAt.get() - killedAt),
          firstResultAfterRestart.get() == 0
              ? -1
              : TimeUnit.NANOSECONDS.toMillis(firstResultAfterRestart.get() - restartedAt.get()),
          TimeUnit.NANOSECONDS.toMillis(finished.get() - restartedAt.get()),
          TimeUnit.NANOSECONDS.toMillis(finished.get() - start));
    } finally {
      workers.dispose();
      backend.closeAsync().block(Duration.ofSeconds(20));
    }
  }

  private static String describe(StatusUpdate s) {
    return String.valueOf(s.status());
  }
}
