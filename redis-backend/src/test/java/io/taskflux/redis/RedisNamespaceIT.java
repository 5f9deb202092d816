package io.taskflux.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskflux.BackendUnavailableException;
import io.taskflux.engine.SubmitOptions;
import io.taskflux.engine.TaskDefinition;
import io.taskflux.engine.TaskEngine;
import io.taskflux.engine.TaskHandle;
import io.taskflux.engine.WorkerOptions;
import io.taskflux.spi.Backend;
import io.taskflux.spi.Retention;
import io.taskflux.task.MessageRef;
import io.taskflux.testing.redis.RedisExtension;
import io.taskflux.time.ManualClock;
import io.taskflux.trigger.Trigger;
import io.taskflux.trigger.TriggerTask;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.test.StepVerifier;

/** One namespace per engine on a real redis-server: set on the engine or the backend alike. */
class RedisNamespaceIT {

  @RegisterExtension static final RedisExtension redis = RedisExtension.withServer();

  static final Duration SOON = Duration.ofSeconds(20);
  static final TaskDefinition<String, String> ECHO =
      TaskDefinition.of("echo", String.class, String.class);

  private static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static void assertClosed(Backend backend) {
    StepVerifier.create(backend.stats("default"))
        .expectError(BackendUnavailableException.class)
        .verify(SOON);
  }

  @Test
  void aNamespaceSetOnTheEngineIsolatesTwoEnginesOnOneRedis() {
    String nsA = unique("eng-a");
    String nsB = unique("eng-b");
    AtomicInteger ranInB = new AtomicInteger();
    // One backend (namespace "taskflux") lent to two engines that each set their own namespace,
    // and a third engine whose backend was built with A's namespace: it is A's peer.
    try (RedisBackend shared = RedisBackend.connect(redis.uri());
        TaskEngine a = TaskEngine.builder().backend(shared).namespace(nsA).build();
        TaskEngine b = TaskEngine.builder().backend(shared).namespace(nsB).build();
        TaskEngine peerOfA =
            TaskEngine.builder()
                .ownedBackend(RedisBackend.builder().uri(redis.uri()).namespace(nsA).build())
                .build()) {
      assertEquals(nsA, a.namespace());
      assertEquals(nsA, a.backend().namespace());
      assertEquals(nsA, peerOfA.namespace());
      assertEquals("taskflux", shared.namespace());
      b.register(ECHO, s -> Mono.fromRunnable(ranInB::incrementAndGet).thenReturn(s + "?"));
      peerOfA.register(ECHO, s -> Mono.just(s + "!"));
      Disposable workersB = b.workers(WorkerOptions.defaults()).start();
      try {
        TaskHandle<String> h =
            a.submit(ECHO, "mine", SubmitOptions.defaults().id("same-id")).block(SOON);
        // Nothing of A's namespace is visible to B nor to the lent backend's own namespace.
        assertEquals(0, b.backend().stats("default").block(SOON).live());
        assertEquals(0, shared.stats("default").block(SOON).live());
        assertNull(b.backend().find(h.ref()).block(SOON));
        assertEquals(1, peerOfA.backend().stats("default").block(SOON).live());
        // The same id in B does not clash.
        b.submit(ECHO, "theirs", SubmitOptions.defaults().id("same-id")).block(SOON);
        assertEquals("theirs?", b.handle(ECHO, "same-id").result(SOON).block(SOON));

        Disposable workersA = peerOfA.workers(WorkerOptions.defaults()).start();
        try {
          assertEquals("mine!", h.result(SOON).block(SOON));
        } finally {
          workersA.dispose();
        }
        assertEquals(1, ranInB.get(), "B's worker ran B's task only");
      } finally {
        workersB.dispose();
      }
    }
  }

  @Test
  void twoTriggerSchedulersOnOneNamespaceSubmitEachTickOnceWithSkewedClocks() throws Exception {
    String ns = unique("trig");
    Instant start = Instant.parse("2030-06-01T00:00:00.500Z");
    ManualClock clockA = ManualClock.startingAt(start);
    ManualClock clockB = ManualClock.startingAt(start.minusMillis(150)); // 150 ms behind
    TaskDefinition<Void, String> tick = TaskDefinition.of("tick", Void.class, String.class);
    // Everything differs but the namespace: the backends, their clocks, how the namespace was
    // set (on the backend, on the engine over a backend of another namespace), the retention.
    try (TaskEngine a =
            TaskEngine.builder()
                .ownedBackend(
                    RedisBackend.builder()
                        .uri(redis.uri())
                        .namespace(ns)
                        .clock(clockA.clock())
                        .build())
                .build();
        TaskEngine b =
            TaskEngine.builder()
                .ownedBackend(RedisBackend.builder().uri(redis.uri()).clock(clockB.clock()).build())
                .namespace(ns)
                .retention(Retention.defaults().withMessage(Duration.ofHours(2)))
                .resultTtl(Duration.ofMinutes(5))
                .build()) {
      assertEquals(a.namespace(), b.namespace());
      CountingScheduler scheduledA = new CountingScheduler(clockA.scheduler());
      CountingScheduler scheduledB = new CountingScheduler(clockB.scheduler());
      List<TaskHandle<String>> byA = new CopyOnWriteArrayList<>();
      List<TaskHandle<String>> byB = new CopyOnWriteArrayList<>();
      Trigger everySecond = Trigger.interval(Duration.ofSeconds(1));
      TriggerTask<String> ta =
          TriggerTask.create(a, tick, everySecond, SubmitOptions.defaults(), scheduledA);
      TriggerTask<String> tb =
          TriggerTask.create(b, tick, everySecond, SubmitOptions.defaults(), scheduledB);
      ta.submissions().subscribe(byA::add);
      tb.submissions().subscribe(byB::add);
      ta.start();
      tb.start();
      scheduledA.awaitWaits(1);
      scheduledB.awaitWaits(1);
      for (int k = 1; k <= 15; k++) {
        Instant tickTime = start.minusMillis(500).plusSeconds(k);
        MessageRef ref = MessageRef.of(tick.queue(), ta.tickId(tickTime));
        clockA.advance(Duration.ofSeconds(1)); // A reaches the tick first
        scheduledA.awaitWaits(1); // its tick is done: the next one is scheduled
        assertEquals(k, byA.size() + byB.size(), "tick " + k);
        // The tick "ran and finished": a second submission would be stored again.
        assertTrue(a.backend().remove(ref).block(SOON));
        clockB.advance(Duration.ofSeconds(1)); // B reaches the same tick 150 ms later
        scheduledB.awaitWaits(1);
        assertEquals(k, byA.size() + byB.size(), "tick " + k + " submitted twice");
        assertNull(a.backend().find(ref).block(SOON), "tick " + k + " stored again");
      }
      assertEquals(15, byA.size(), "A, ahead, claimed every tick");
      assertEquals(List.of(), byB);
      ta.shutdown();
      tb.shutdown();
    }
  }

  @Test
  void tryWithResourcesClosesARedisBackendAndItsNamespaceViews() {
    Backend view;
    try (RedisBackend backend = RedisBackend.connect(redis.uri())) {
      assertSame(backend, backend.withNamespace("taskflux"));
      view = backend.withNamespace(unique("view"));
      assertEquals(0, view.stats("default").block(SOON).live());
      // Closing a view ends the view only; the connections it shares stay open.
      Backend other = backend.withNamespace(unique("other"));
      other.close();
      assertClosed(other);
      assertEquals(0, backend.stats("default").block(SOON).live());
      assertEquals(0, view.stats("default").block(SOON).live());
    }
    assertClosed(view);
  }

  /**
   * A scheduler that counts the timed waits a trigger schedules: a trigger schedules its next wait
   * only after its current tick is fully handled, so the count is a barrier for "tick done". A wait
   * is counted only once it is queued on the virtual-time scheduler, so the test never advances the
   * clock past a wait that is still on its way there.
   */
  static final class CountingScheduler implements Scheduler {
    private final Scheduler delegate;
    private final Semaphore waits = new Semaphore(0);

    CountingScheduler(Scheduler delegate) {
      this.delegate = delegate;
    }

    void awaitWaits(int n) throws InterruptedException {
      assertTrue(waits.tryAcquire(n, SOON.toSeconds(), TimeUnit.SECONDS), "no tick handled");
    }

    @Override
    public Disposable schedule(Runnable task) {
      return delegate.schedule(task);
    }

    @Override
    public Disposable schedule(Runnable task, long delay, TimeUnit unit) {
      // Count only once the wait is on the virtual-time scheduler: a trigger schedules its next
      // wait from a Redis (Lettuce) thread, and counting first let the test thread wake and advance
      // the clock before the wait was queued; the wait then landed after that advance, relative to
      // the advanced time, so it never fell due and the next awaitWaits timed out.
      Disposable scheduled = delegate.schedule(task, delay, unit);
      waits.release();
      return scheduled;
    }

    @Override
    public long now(TimeUnit unit) {
      return delegate.now(unit);
    }

    @Override
    public Worker createWorker() {
      return delegate.createWorker();
    }
  }
}
