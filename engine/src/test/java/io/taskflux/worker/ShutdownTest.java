package io.taskflux.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskflux.engine.TaskDefinition;
import io.taskflux.engine.TaskEngine;
import io.taskflux.engine.TaskHandle;
import io.taskflux.engine.WorkerOptions;
import io.taskflux.spi.MessageState;
import io.taskflux.spi.StoredMessage;
import io.taskflux.task.StatusUpdate;
import io.taskflux.task.TaskStatus;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/** BEHAVIOUR.md 1.6 "Shutdown" and 1.9: graceful stop, then interruption as a failed attempt. */
class ShutdownTest {

  static final Duration WAIT = Duration.ofSeconds(10);

  final TaskEngine engine = TaskEngine.inMemory();

  @AfterEach
  void close() {
    engine.closeAsync().block(WAIT);
  }

  @Test
  void workThatFinishesWithinTheGracePeriodCompletes() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    Sinks.One<Integer> gate = Sinks.one();
    TaskDefinition<Integer, Integer> gated =
        TaskDefinition.of("gated", Integer.class, Integer.class);
    engine.register(gated, n -> gate.asMono().doOnSubscribe(s -> started.countDown()));
    Worker worker = engine.workers(WorkerOptions.defaults().gracePeriod(WAIT)).start();
    TaskHandle<Integer> h = engine.submit(gated, 1).block(WAIT);
    assertTrue(started.await(10, TimeUnit.SECONDS));
    Mono<Void> stopped = worker.stop();
    assertTrue(worker.isDisposed());
    TaskHandle<Integer> late = engine.submit(gated, 2).block(WAIT);
    gate.tryEmitValue(9);
    stopped.block(WAIT);
    assertEquals(9, h.result(WAIT).block(WAIT));
    assertEquals(0, worker.inFlight());
    // Nothing was claimed after the stop began.
    assertEquals(TaskStatus.SUBMITTED, late.status().block(WAIT).status());
    assertThrows(IllegalStateException.class, worker::start);
  }

  @Test
  void workLeftAfterTheGracePeriodIsInterruptedAndFailsWithoutRetries() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch disposed = new CountDownLatch(1);
    TaskDefinition<Integer, Integer> forever =
        TaskDefinition.of("forever", Integer.class, Integer.class).maxRetries(0);
    engine.register(
        forever,
        n ->
            Mono.<Integer>never()
                .doOnSubscribe(s -> started.countDown())
                .doOnCancel(disposed::countDown));
    Worker worker =
        engine.workers(WorkerOptions.defaults().gracePeriod(Duration.ofMillis(50))).start();
    TaskHandle<Integer> h = engine.submit(forever, 1).block(WAIT);
    assertTrue(started.await(10, TimeUnit.SECONDS));
    worker.stop().block(WAIT);
    assertTrue(disposed.await(10, TimeUnit.SECONDS));
    StatusUpdate status = h.status().block(WAIT);
    assertEquals(TaskStatus.FAILED, status.status());
    assertEquals(WorkerStoppedException.class.getName(), status.error().type());
  }

  @Test
  void workLeftAfterTheGracePeriodIsRetriedAtOnceWhenRetriesAreLeft() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    TaskDefinition<Integer, Integer> forever =
        TaskDefinition.of("forever-retry", Integer.class, Integer.class).maxRetries(2);
    engine.register(forever, n -> Mono.<Integer>never().doOnSubscribe(s -> started.countDown()));
    Worker worker = engine.workers(WorkerOptions.defaults().gracePeriod(Duration.ZERO)).start();
    TaskHandle<Integer> h = engine.submit(forever, 1).block(WAIT);
    assertTrue(started.await(10, TimeUnit.SECONDS));
    worker.stop().block(WAIT);
    assertEquals(TaskStatus.RETRYING, h.status().block(WAIT).status());
    StoredMessage stored = engine.backend().find(h.ref()).block(WAIT);
    assertEquals(1, stored.message().retries());
    assertEquals(MessageState.READY, stored.state(), "an interrupted attempt is ready at once");
  }

  @Test
  void anUnstartedWorkerStopsAtOnce() {
    engine.register(TaskDefinition.of("noop", Integer.class, Integer.class), n -> Mono.just(n));
    Worker worker = engine.workers(WorkerOptions.defaults());
    worker.stop().block(WAIT);
    assertTrue(worker.isDisposed());
  }
}
