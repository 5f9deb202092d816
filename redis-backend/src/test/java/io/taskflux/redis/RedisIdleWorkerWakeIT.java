package io.taskflux.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.taskflux.engine.TaskDefinition;
import io.taskflux.engine.TaskEngine;
import io.taskflux.engine.TaskHandle;
import io.taskflux.engine.WorkerOptions;
import io.taskflux.testing.redis.RedisExtension;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * An idle worker (no polling interval: it blocks on the queue's wake list) starts each of 500
 * submissions, sent one at a time, so it is idle every time. Its idle wait is an hour, so no timer
 * can wake it within the hang guard: only the enqueue's wake-up can, and a lost one fails the test
 * (this test caught a completion lost to a BlockHound false positive in Lettuce, which stalled the
 * worker). How fast it wakes is not asserted: on a shared 2-core machine at load 6-9 even the
 * in-memory engine measured p99 ~29 ms; {@code io.taskflux.benchmarks.WakeBenchmark} (the same
 * measurement, with the worker seen blocked before each submission) and {@code
 * WakeUpLatencyBenchmark} measure it on a quiet machine.
 */
class RedisIdleWorkerWakeIT {

  @RegisterExtension final RedisExtension redis = RedisExtension.withServer();

  /** Only against a hang: a wake-up that never comes. Not a bound on how fast it comes. */
  private static final Duration HANG_GUARD = Duration.ofSeconds(30);

  private static final int ROUNDS = 500;

  @Test
  void anIdleWorkerStartsEverySubmissionWithoutPolling() throws Exception {
    RedisBackend backend = RedisBackend.builder().uri(redis.uri()).build();
    TaskEngine engine = TaskEngine.builder().backend(backend).build();
    TaskDefinition<Integer, Integer> probe =
        TaskDefinition.of("probe", Integer.class, Integer.class).queue("idle");
    BlockingQueue<Integer> started = new ArrayBlockingQueue<>(1);
    engine.register(
        probe,
        n -> {
          started.offer(n);
          return Mono.just(n);
        });
    Disposable workers =
        engine
            .workers(WorkerOptions.queues("idle").concurrency(1).idleWait(Duration.ofHours(1)))
            .start();
    try {
      for (int i = 0; i < ROUNDS; i++) {
        TaskHandle<Integer> handle = engine.submit(probe, i).block(HANG_GUARD);
        Integer ran = started.poll(HANG_GUARD.toMillis(), TimeUnit.MILLISECONDS);
        assertNotNull(ran, "task " + i + " never started");
        assertEquals(i, ran);
        // Wait for the completion, so that the worker is idle again (its slot free, blocked on
        // the wake list) before the next submission.
        assertEquals(i, handle.result(HANG_GUARD).block(HANG_GUARD));
      }
    } finally {
      workers.dispose();
      engine.closeAsync().block(HANG_GUARD);
      backend.closeAsync().block(HANG_GUARD);
    }
  }
}
