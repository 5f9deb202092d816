package io.taskflux.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.taskflux.engine.TaskDefinition;
import io.taskflux.engine.TaskEngine;
import io.taskflux.engine.TaskHandle;
import io.taskflux.engine.WorkerOptions;
import io.taskflux.spi.ClaimRequest;
import io.taskflux.spi.Delivery;
import io.taskflux.spi.QueueSelector;
import io.taskflux.spi.Retention;
import io.taskflux.task.ExceptionDetails;
import io.taskflux.task.TaskStatus;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/** Guarantees, "Delivery": leases are extended while a task runs; a dead worker's lease expires. */
class LeaseTest {

  static final Duration WAIT = Duration.ofSeconds(10);

  final TaskEngine engine = TaskEngine.inMemory();

  @AfterEach
  void close() {
    engine.closeAsync().block(WAIT);
  }

  @Test
  void aTaskRunningLongerThanItsLeaseKeepsItAndRunsOnce() {
    AtomicInteger executions = new AtomicInteger();
    TaskDefinition<Integer, Integer> slow = TaskDefinition.of("slow", Integer.class, Integer.class);
    engine.register(
        slow,
        n ->
            Mono.delay(Duration.ofMillis(1500))
                .doOnSubscribe(s -> executions.incrementAndGet())
                .thenReturn(n));
    // Lease 600 ms, extended every 200 ms: an extension may come up to 400 ms late (a loaded
    // 2-core machine delays timers by 100 ms and more) and the task, 2.5 leases long, keeps it.
    engine.workers(WorkerOptions.defaults().lease(Duration.ofMillis(600))).start();
    TaskHandle<Integer> h = engine.submit(slow, 3).block(WAIT);
    assertEquals(3, h.result(WAIT).block(WAIT));
    assertEquals(1, executions.get());
    assertEquals(0, engine.backend().find(h.ref()).blockOptional().map(m -> 1).orElse(0));
  }

  @Test
  void aMessageWhoseWorkerDiedIsTakenBackAndRunAgainCountingAnAttempt() {
    TaskDefinition<Integer, Integer> echo = TaskDefinition.of("echo", Integer.class, Integer.class);
    engine.register(
        echo, (Integer n, io.taskflux.task.Message m) -> Mono.just(n * 100 + m.retries()));
    TaskHandle<Integer> h = engine.submit(echo, 5).block(WAIT);
    // A "worker" claims the message and dies: it never settles nor extends its lease.
    List<Delivery> claimed =
        engine
            .backend()
            .claim(
                new ClaimRequest(
                    List.of(QueueSelector.of("default")),
                    1,
                    "dead-worker",
                    Duration.ofMillis(100),
                    Retention.defaults()))
            .block(WAIT);
    assertEquals(1, claimed.size());
    engine.workers(WorkerOptions.defaults()).start();
    assertEquals(501, h.result(WAIT).block(WAIT)); // ran once more, with one retry counted
    ExceptionDetails lost = h.statusUpdates().blockLast(WAIT).error();
    assertEquals(null, lost);
  }

  @Test
  void aWorkerGoingIdleTakesBackALeaseThatExpiredWhileItWasBusy() {
    // The worker's own lease is 30 s, so only its idle path (reap before the wait, or the wait
    // waking for the expiring lease) can take the dead worker's message back within WAIT; a
    // version that skipped that reap hung here whenever the lease had expired before the wait.
    Sinks.Empty<Void> release = Sinks.empty();
    TaskDefinition<Integer, Integer> hold = TaskDefinition.of("hold", Integer.class, Integer.class);
    TaskDefinition<Integer, Integer> echo = TaskDefinition.of("echo", Integer.class, Integer.class);
    engine.register(hold, n -> release.asMono().thenReturn(n));
    engine.register(
        echo, (Integer n, io.taskflux.task.Message m) -> Mono.just(n * 100 + m.retries()));
    engine.workers(WorkerOptions.defaults().concurrency(1).lease(Duration.ofSeconds(30))).start();
    TaskHandle<Integer> held = engine.submit(hold, 1).block(WAIT);
    held.statusUpdates().filter(u -> u.status() == TaskStatus.RUNNING).blockFirst(WAIT);
    // The worker's only slot is busy, so the "dead worker" gets the next message.
    TaskHandle<Integer> h = engine.submit(echo, 5).block(WAIT);
    List<Delivery> claimed =
        engine
            .backend()
            .claim(
                new ClaimRequest(
                    List.of(QueueSelector.of("default")),
                    1,
                    "dead-worker",
                    Duration.ofMillis(100),
                    Retention.defaults()))
            .block(WAIT);
    assertEquals(List.of(h.ref()), claimed.stream().map(d -> d.lease().ref()).toList());
    release.tryEmitEmpty();
    assertEquals(1, held.result(WAIT).block(WAIT));
    assertEquals(501, h.result(WAIT).block(WAIT)); // taken back, ran again with one retry counted
  }
}
