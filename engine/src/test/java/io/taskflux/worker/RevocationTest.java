package io.taskflux.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskflux.TaskRevokedException;
import io.taskflux.engine.TaskDefinition;
import io.taskflux.engine.TaskEngine;
import io.taskflux.engine.TaskFailedException;
import io.taskflux.engine.TaskHandle;
import io.taskflux.engine.WorkerOptions;
import io.taskflux.spi.RevokeResult;
import io.taskflux.task.StatusUpdate;
import io.taskflux.task.TaskStatus;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * BEHAVIOUR.md 1.7: revocation of waiting and running tasks. A running attempt is stopped by the
 * revocation's notification ({@code Backend.awaitRevocation}, which has no poll): no other timer
 * can stop it within the test (the task timeout is an hour, the lease is kept), and the status says
 * {@code TaskRevokedException}. How soon it stops is measured by {@code
 * io.taskflux.benchmarks.WakeUpLatencyBenchmark}, not asserted here.
 */
class RevocationTest {

  /** Only against a hang, not a bound on speed. */
  static final Duration WAIT = Duration.ofSeconds(30);

  final TaskEngine engine = TaskEngine.inMemory();

  @AfterEach
  void close() {
    engine.closeAsync().block(WAIT);
  }

  private static void await(CountDownLatch latch, String what) throws InterruptedException {
    assertTrue(latch.await(WAIT.toSeconds(), TimeUnit.SECONDS), what);
  }

  @Test
  void aRunningReactiveTaskIsCancelledByItsRevocation() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch cancelled = new CountDownLatch(1);
    RecordingHooks<Integer, Integer> hooks = new RecordingHooks<>(false);
    TaskDefinition<Integer, Integer> forever =
        TaskDefinition.of("forever", Integer.class, Integer.class).hooks(hooks);
    engine.register(
        forever,
        n ->
            Mono.<Integer>never()
                .doOnSubscribe(s -> started.countDown())
                .doOnCancel(cancelled::countDown));
    engine.workers(WorkerOptions.defaults()).start();
    TaskHandle<Integer> h = engine.submit(forever, 1).block(WAIT);
    await(started, "the task did not start");
    assertEquals(1, cancelled.getCount(), "nothing cancelled the task before its revocation");

    assertEquals(RevokeResult.REVOKED_RUNNING, h.revoke().block(WAIT));
    await(cancelled, "the task was not cancelled");

    StatusUpdate status = h.status().block(WAIT);
    assertEquals(TaskStatus.FAILED, status.status());
    assertEquals(TaskRevokedException.class.getName(), status.error().type());
    TaskFailedException e =
        (TaskFailedException) engine.results(List.of(h)).blockLast(WAIT).error();
    assertTrue(e.isRevoked());
    assertEquals("onRevocation", hooks.awaitTerminal(h.id(), WAIT));
    assertNull(engine.backend().getResult(h.ref()).block(WAIT));
  }

  @Test
  void aRunningBlockingTaskIsInterruptedByItsRevocation() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    TaskDefinition<Integer, Integer> sleeps =
        TaskDefinition.of("sleeps", Integer.class, Integer.class);
    engine.registerBlocking(
        sleeps,
        n -> {
          started.countDown();
          try {
            Thread.sleep(60_000);
            return n;
          } catch (InterruptedException e) {
            interrupted.countDown();
            throw new IllegalStateException(e);
          }
        });
    engine.workers(WorkerOptions.defaults()).start();
    TaskHandle<Integer> h = engine.submit(sleeps, 1).block(WAIT);
    await(started, "the task did not start");
    assertEquals(1, interrupted.getCount(), "nothing interrupted the task before its revocation");
    assertEquals(RevokeResult.REVOKED_RUNNING, h.revoke().block(WAIT));
    await(interrupted, "the thread was not interrupted");
    StatusUpdate status = h.status().block(WAIT);
    assertEquals(TaskStatus.FAILED, status.status());
    assertEquals(TaskRevokedException.class.getName(), status.error().type());
  }

  @Test
  void aResultThatArrivesAfterTheRevocationIsDiscarded() throws Exception {
    // The task ignores interruption and returns a value after it was revoked.
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch returned = new CountDownLatch(1);
    TaskDefinition<Integer, Integer> stubborn =
        TaskDefinition.of("stubborn", Integer.class, Integer.class);
    engine.registerBlocking(
        stubborn,
        n -> {
          started.countDown();
          boolean done = false;
          while (!done) {
            try {
              done = release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException ignored) {
              // keeps going, as badly behaved code does
            }
          }
          returned.countDown();
          return n;
        });
    engine.workers(WorkerOptions.defaults()).start();
    TaskHandle<Integer> h = engine.submit(stubborn, 7).block(WAIT);
    await(started, "the task did not start");
    h.revoke().block(WAIT);
    release.countDown();
    await(returned, "the task did not return");
    engine.results(List.of(h)).blockLast(WAIT);
    assertNull(engine.backend().getResult(h.ref()).block(WAIT), "the late result was stored");
    assertEquals(TaskStatus.FAILED, h.status().block(WAIT).status());
  }

  @Test
  void skipIfRunningLeavesARunningTaskAlone() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    Sinks.One<Integer> gate = Sinks.one();
    TaskDefinition<Integer, Integer> gated =
        TaskDefinition.of("gated", Integer.class, Integer.class);
    engine.register(gated, n -> gate.asMono().doOnSubscribe(s -> started.countDown()));
    engine.workers(WorkerOptions.defaults()).start();
    TaskHandle<Integer> h = engine.submit(gated, 1).block(WAIT);
    await(started, "the task did not start");
    assertEquals(RevokeResult.SKIPPED_RUNNING, h.revoke(true).block(WAIT));
    gate.tryEmitValue(5);
    assertEquals(5, h.result(WAIT).block(WAIT));
  }

  @Test
  void aRevokedWaitingMessageNeverStarts() {
    AtomicInteger executions = new AtomicInteger();
    TaskDefinition<Integer, Integer> never =
        TaskDefinition.of("never-runs", Integer.class, Integer.class);
    engine.register(never, n -> Mono.fromCallable(executions::incrementAndGet));
    TaskHandle<Integer> revoked = engine.submit(never, 1).block(WAIT);
    assertEquals(RevokeResult.REVOKED, revoked.revoke().block(WAIT));
    engine.workers(WorkerOptions.defaults()).start();
    TaskHandle<Integer> after = engine.submit(never, 2).block(WAIT);
    assertEquals(1, after.result(WAIT).block(WAIT)); // the only execution is the second message's
    assertEquals(1, executions.get());
    assertFalse(engine.results(List.of(revoked)).blockLast(WAIT).isSuccess());
  }
}
