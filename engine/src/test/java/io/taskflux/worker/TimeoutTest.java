package io.taskflux.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskflux.TaskTimeoutException;
import io.taskflux.backoff.Backoff;
import io.taskflux.engine.TaskDefinition;
import io.taskflux.engine.TaskEngine;
import io.taskflux.engine.TaskFailedException;
import io.taskflux.engine.TaskHandle;
import io.taskflux.engine.WorkerOptions;
import io.taskflux.task.TaskStatus;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/** BEHAVIOUR.md 1.6 "Timeout": a task past its timeout is stopped and uses up an attempt. */
class TimeoutTest {

  static final Duration WAIT = Duration.ofSeconds(10);

  final TaskEngine engine = TaskEngine.inMemory();

  @AfterEach
  void close() {
    engine.closeAsync().block(WAIT);
  }

  @Test
  void aReactiveTaskPastItsTimeoutIsDisposedAndEndsFailedWithoutRetries() throws Exception {
    CountDownLatch disposed = new CountDownLatch(1);
    TaskDefinition<Integer, Integer> hangs =
        TaskDefinition.of("hangs", Integer.class, Integer.class)
            .timeout(Duration.ofMillis(50))
            .maxRetries(0);
    engine.register(hangs, n -> Mono.<Integer>never().doOnCancel(disposed::countDown));
    engine.workers(WorkerOptions.defaults()).start();
    TaskHandle<Integer> h = engine.submit(hangs, 1).block(WAIT);
    TaskFailedException e =
        (TaskFailedException) engine.results(List.of(h)).blockLast(WAIT).error();
    assertEquals(TaskTimeoutException.class.getName(), e.details().type());
    assertTrue(disposed.await(10, TimeUnit.SECONDS), "the task's subscription was not disposed");
  }

  @Test
  void aTimeoutUsesUpARetry() {
    AtomicInteger executions = new AtomicInteger();
    TaskDefinition<Integer, Integer> hangs =
        TaskDefinition.of("hangs-twice", Integer.class, Integer.class)
            .timeout(Duration.ofMillis(50))
            .maxRetries(1)
            .backoff(Backoff.none());
    engine.register(
        hangs,
        n ->
            Mono.defer(() -> Mono.<Integer>never())
                .doOnSubscribe(s -> executions.incrementAndGet()));
    engine.workers(WorkerOptions.defaults()).start();
    TaskHandle<Integer> h = engine.submit(hangs, 1).block(WAIT);
    engine.results(List.of(h)).blockLast(WAIT);
    assertEquals(2, executions.get());
    assertEquals(TaskStatus.FAILED, h.status().block(WAIT).status());
  }

  @Test
  void aBlockingTaskPastItsTimeoutIsInterrupted() throws Exception {
    CountDownLatch interrupted = new CountDownLatch(1);
    TaskDefinition<Integer, Integer> sleeps =
        TaskDefinition.of("sleeps", Integer.class, Integer.class)
            .timeout(Duration.ofMillis(100))
            .maxRetries(0);
    engine.registerBlocking(
        sleeps,
        n -> {
          try {
            Thread.sleep(60_000);
            return n;
          } catch (InterruptedException e) {
            interrupted.countDown();
            throw new IllegalStateException("interrupted", e);
          }
        });
    engine.workers(WorkerOptions.defaults().completeOnlyOnThreadExit(true)).start();
    TaskHandle<Integer> h = engine.submit(sleeps, 1).block(WAIT);
    TaskFailedException e =
        (TaskFailedException) engine.results(List.of(h)).blockLast(WAIT).error();
    assertEquals(TaskTimeoutException.class.getName(), e.details().type());
    assertTrue(interrupted.await(10, TimeUnit.SECONDS), "the thread was not interrupted");
  }
}
