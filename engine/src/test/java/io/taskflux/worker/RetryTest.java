package io.taskflux.worker;

import static io.taskflux.task.TaskStatus.FAILED;
import static io.taskflux.task.TaskStatus.RETRYING;
import static io.taskflux.task.TaskStatus.RUNNING;
import static io.taskflux.task.TaskStatus.SUBMITTED;
import static io.taskflux.task.TaskStatus.SUCCEEDED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskflux.NonRetryableException;
import io.taskflux.backoff.Backoff;
import io.taskflux.engine.Result;
import io.taskflux.engine.TaskDefinition;
import io.taskflux.engine.TaskEngine;
import io.taskflux.engine.TaskFailedException;
import io.taskflux.engine.TaskHandle;
import io.taskflux.engine.WorkerOptions;
import io.taskflux.spi.StoredMessage;
import io.taskflux.task.ExceptionDetails;
import io.taskflux.task.Message;
import io.taskflux.task.StatusUpdate;
import io.taskflux.task.TaskStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/** BEHAVIOUR.md 1.5/1.6: retries, backoff from the failure, statuses, hooks, the DLQ. */
class RetryTest {

  static final Duration WAIT = Duration.ofSeconds(10);
  static final Backoff NO_WAIT = Backoff.none();

  final TaskEngine engine = TaskEngine.inMemory();

  @AfterEach
  void close() {
    engine.closeAsync().block(WAIT);
  }

  private void startWorker() {
    engine.workers(WorkerOptions.defaults().concurrency(4)).start();
  }

  @Test
  void maxRetriesThreeMeansAtMostFourExecutionsThenTheDeadLetterQueueWithTheDetails() {
    AtomicInteger executions = new AtomicInteger();
    RecordingHooks<Integer, Integer> hooks = new RecordingHooks<>(false);
    TaskDefinition<Integer, Integer> flaky =
        TaskDefinition.of("always-fails", Integer.class, Integer.class)
            .maxRetries(3)
            .backoff(NO_WAIT)
            .hooks(hooks);
    engine.register(
        flaky,
        n ->
            Mono.error(
                new IllegalStateException("attempt " + executions.incrementAndGet() + " failed")));
    TaskHandle<Integer> h = engine.submit(flaky, 1).block(WAIT);
    Mono<List<TaskStatus>> statuses = h.statusUpdates().map(StatusUpdate::status).collectList();
    statuses = statuses.cache();
    statuses.subscribe();
    startWorker();

    assertEquals(
        List.of(
            SUBMITTED, RUNNING, RETRYING, RUNNING, RETRYING, RUNNING, RETRYING, RUNNING, FAILED),
        statuses.block(WAIT));
    assertEquals(4, executions.get());
    Result<Integer> r = engine.results(List.of(h)).blockLast(WAIT);
    TaskFailedException e = assertInstanceOf(TaskFailedException.class, r.error());
    assertEquals("attempt 4 failed", e.details().message());

    StoredMessage dead = engine.backend().findDeadLetter(h.ref()).block(WAIT);
    ExceptionDetails details = dead.message().exceptionDetails();
    assertEquals(IllegalStateException.class.getName(), details.type());
    assertEquals("attempt 4 failed", details.message());
    assertTrue(details.stack().contains("at "), details.stack());
    assertEquals(3, dead.message().retries());
    assertEquals("onFailure", hooks.awaitTerminal(h.id(), WAIT));
    assertEquals(
        List.of("onSubmit", "onRetry", "onRetry", "onRetry", "onFailure"), hooks.of(h.id()));
  }

  @Test
  void aNonRetryableErrorGoesToTheDeadLetterQueueAtOnce() {
    AtomicInteger executions = new AtomicInteger();
    TaskDefinition<Integer, Integer> refused =
        TaskDefinition.of("refused", Integer.class, Integer.class).maxRetries(5).backoff(NO_WAIT);
    engine.register(
        refused,
        n -> {
          executions.incrementAndGet();
          return Mono.error(new NonRetryableException("payment refused"));
        });
    startWorker();
    TaskHandle<Integer> h = engine.submit(refused, 1).block(WAIT);
    assertFalse(engine.results(List.of(h)).blockLast(WAIT).isSuccess());
    assertEquals(1, executions.get());
    assertEquals(FAILED, h.status().block(WAIT).status());
  }

  @Test
  void aTaskThatSucceedsOnItsThirdAttemptSucceeds() {
    AtomicInteger executions = new AtomicInteger();
    TaskDefinition<Integer, Integer> flaky =
        TaskDefinition.of("third-time-lucky", Integer.class, Integer.class).backoff(NO_WAIT);
    engine.register(
        flaky,
        n ->
            executions.incrementAndGet() < 3
                ? Mono.error(new IllegalStateException("not yet"))
                : Mono.just(n + 1));
    TaskHandle<Integer> h = engine.submit(flaky, 41).block(WAIT);
    Mono<List<TaskStatus>> statuses = h.statusUpdates().map(StatusUpdate::status).collectList();
    statuses = statuses.cache();
    statuses.subscribe();
    startWorker();
    assertEquals(42, h.result(WAIT).block(WAIT));
    assertEquals(
        List.of(SUBMITTED, RUNNING, RETRYING, RUNNING, RETRYING, RUNNING, SUCCEEDED),
        statuses.block(WAIT));
  }

  @Test
  void theBackoffCountsFromTheFailureNotFromTheCreation() {
    // The attempt runs 300 ms, then fails; the backoff is 200 ms. Counted from creation the retry
    // would be ready 200 ms after creation; counted from the failure, at least 500 ms after.
    Duration backoff = Duration.ofMillis(200);
    TaskDefinition<Integer, Integer> slow =
        TaskDefinition.of("slow-fail", Integer.class, Integer.class)
            .maxRetries(1)
            .backoff(Backoff.constant(backoff).withFloor(Duration.ZERO));
    RecordingHooks<Integer, Integer> hooks = new RecordingHooks<>(false);
    engine.register(
        slow.hooks(hooks),
        n -> Mono.delay(Duration.ofMillis(300)).then(Mono.error(new IllegalStateException("x"))));
    TaskHandle<Integer> h = engine.submit(slow.hooks(hooks), 1).block(WAIT);
    Message created = h.message().orElseThrow();
    startWorker();
    h.statusUpdates().filter(u -> u.status() == RETRYING).blockFirst(WAIT);
    Message retried = engine.backend().find(h.ref()).block(WAIT).message();
    Instant earliestFromFailure = created.createdAt().plusMillis(300).plus(backoff);
    assertFalse(
        retried.readyAt().isBefore(earliestFromFailure),
        "readyAt " + retried.readyAt() + " is before " + earliestFromFailure);
    assertEquals(1, retried.retries());
    assertEquals("onFailure", hooks.awaitTerminal(h.id(), WAIT));
    assertEquals(List.of("onSubmit", "onRetry", "onFailure"), hooks.of(h.id()));
  }

  @Test
  void hooksThatThrowAreLoggedAndChangeNothing() {
    RecordingHooks<Integer, Integer> throwing = new RecordingHooks<>(true);
    AtomicInteger executions = new AtomicInteger();
    TaskDefinition<Integer, Integer> def =
        TaskDefinition.of("throwing-hooks", Integer.class, Integer.class)
            .backoff(NO_WAIT)
            .hooks(throwing);
    engine.register(
        def,
        n ->
            executions.incrementAndGet() == 1
                ? Mono.error(new IllegalStateException("first fails"))
                : Mono.just(n * 10));
    // onSubmit runs after the enqueue, so a worker already running could beat it: start after.
    TaskHandle<Integer> h = engine.submit(def, 4).block(WAIT);
    startWorker();
    assertEquals(40, h.result(WAIT).block(WAIT));
    assertEquals("onSuccess", throwing.awaitTerminal(h.id(), WAIT));
    assertEquals(List.of("onSubmit", "onRetry", "onSuccess"), throwing.of(h.id()));
    assertEquals(SUCCEEDED, h.status().block(WAIT).status());
  }
}
