package io.taskflux.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskflux.backoff.Backoff;
import io.taskflux.engine.TaskDefinition;
import io.taskflux.engine.TaskEngine;
import io.taskflux.engine.TaskHandle;
import io.taskflux.engine.WorkerOptions;
import io.taskflux.task.Message;
import io.taskflux.task.TaskStatus;
import io.taskflux.time.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/** An explicit backoff below the default 60 s floor is honoured, on a clock moved by hand. */
class ShortBackoffTest {

  static final Duration WAIT = Duration.ofSeconds(10);
  static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

  final ManualClock clock = ManualClock.startingAt(START);
  final TaskEngine engine = TaskEngine.builder().clock(clock.clock()).build();

  @AfterEach
  void close() {
    engine.close();
  }

  @Test
  void aTenMillisecondConstantBackoffRetriesTenMillisecondsAfterTheFailure() {
    Backoff tenMs = Backoff.constant(Duration.ofMillis(10));
    assertEquals(Duration.ofMillis(10), tenMs.delay(1)); // not raised to the 60 s default floor
    AtomicInteger attempts = new AtomicInteger();
    TaskDefinition<Integer, Integer> flaky =
        TaskDefinition.of("flaky", Integer.class, Integer.class).maxRetries(1).backoff(tenMs);
    engine.register(
        flaky,
        n ->
            attempts.incrementAndGet() == 1
                ? Mono.error(new IllegalStateException("first attempt fails"))
                : Mono.just(n * 2));
    TaskHandle<Integer> h = engine.submit(flaky, 21).block(WAIT);
    engine.workers(WorkerOptions.defaults()).start();

    h.statusUpdates().filter(u -> u.status() == TaskStatus.RETRYING).blockFirst(WAIT);
    // The clock has not moved: the attempt failed at START, so the retry is due 10 ms later.
    Message retried = engine.backend().find(h.ref()).block(WAIT).message();
    assertEquals(START.plusMillis(10), retried.readyAt());
    assertEquals(1, retried.retries());

    clock.advance(Duration.ofMillis(10));
    assertEquals(42, h.result(WAIT).block(WAIT));
    assertEquals(2, attempts.get());
    assertTrue(engine.backend().find(h.ref()).blockOptional().isEmpty());
  }
}
