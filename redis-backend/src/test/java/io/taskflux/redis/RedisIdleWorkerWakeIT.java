package io.taskflux.redis;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskflux.engine.TaskDefinition;
import io.taskflux.engine.TaskEngine;
import io.taskflux.engine.TaskHandle;
import io.taskflux.engine.WorkerOptions;
import io.taskflux.testing.redis.RedisExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * An idle worker (no polling interval configured anywhere: it blocks on the queue's wake list)
 * starts each of 1,000 submissions, one at a time, so it is idle every time; the submit-to-start
 * percentiles are printed. The bound (p99 within 5 ms) is not asserted: on a shared 2-core
 * machine at load 6-9 even the in-memory engine measures p99 ~29 ms here, so the bound belongs to
 * the benchmarks module ({@code io.taskflux.benchmarks.WakeBenchmark}, the same measurement with
 * the worker seen blocked before each submission) on a quiet machine. What is asserted is that no
 * wake-up is lost (this test caught a completion lost to a BlockHound false positive in Lettuce,
 * which stalled the worker).
 */
class RedisIdleWorkerWakeIT {

  @RegisterExtension final RedisExtension redis = RedisExtension.withServer();

  private static final Duration SOON = Duration.ofSeconds(20);
  private static final int ROUNDS = 1_000;
  private static final int WARM_UP = 300;

  @Test
  void anIdleWorkerStartsEverySubmissionWithoutPolling() throws Exception {
    RedisBackend backend = RedisBackend.builder().uri(redis.uri()).build();
    TaskEngine engine = TaskEngine.builder().backend(backend).build();
    TaskDefinition<Long, Long> probe =
        TaskDefinition.of("probe", Long.class, Long.class).queue("idle");
    BlockingQueue<Long> started = new ArrayBlockingQueue<>(1);
    engine.register(
        probe,
        submittedAt -> {
          started.offer(System.nanoTime() - submittedAt);
          return Mono.just(submittedAt);
        });
    Disposable workers = engine.workers(WorkerOptions.queues("idle").concurrency(1)).start();
    try {
      List<Long> nanos = new ArrayList<>();
      for (int i = 0; i < WARM_UP + ROUNDS; i++) {
        TaskHandle<Long> handle = engine.submit(probe, System.nanoTime()).block(SOON);
        Long took = started.poll(SOON.toMillis(), TimeUnit.MILLISECONDS);
        assertTrue(took != null, "task " + i + " never started");
        // Wait for the completion, so that the worker is idle again (its slot free, blocked on
        // the wake list) before the next submission.
        handle.result(SOON).block(SOON);
        if (i >= WARM_UP) {
          nanos.add(took);
        }
      }
      nanos.sort(null);
      double p50 = nanos.get(ROUNDS / 2) / 1e6;
      double p99 = nanos.get(ROUNDS * 99 / 100 - 1) / 1e6;
      double max = nanos.get(ROUNDS - 1) / 1e6;
      System.out.printf(
          "idle worker submit-to-start over %d: p50 %.2f ms, p99 %.2f ms, max %.2f ms%n",
          ROUNDS, p50, p99, max);
    } finally {
      workers.dispose();
      backend.closeAsync().block(SOON);
    }
  }
}
