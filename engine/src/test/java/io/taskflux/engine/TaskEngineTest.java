package io.taskflux.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskflux.MessageAlreadyExistsException;
import io.taskflux.NotFoundException;
import io.taskflux.caller.Pending;
import io.taskflux.task.Message;
import io.taskflux.task.StatusUpdate;
import io.taskflux.task.TaskStatus;
import io.taskflux.worker.Worker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/** Submission, handles, results, callbacks and validation on the in-memory backend. */
class TaskEngineTest {

  static final Duration WAIT = Duration.ofSeconds(10);
  static final TaskDefinition<Integer, Integer> SQUARE =
      TaskDefinition.of("square", Integer.class, Integer.class);

  final TaskEngine engine = TaskEngine.inMemory();

  @AfterEach
  void close() {
    engine.closeAsync().block(WAIT);
  }

  private Worker startWorker() {
    return engine.workers(WorkerOptions.defaults().concurrency(4)).start();
  }

  private TaskHandle<Integer> submit(int n) {
    return engine.submit(SQUARE, n).block(WAIT);
  }

  @Test
  void aSubmittedTaskRunsAndItsResultArrives() {
    engine.register(SQUARE, n -> Mono.just(n * n));
    startWorker();
    StepVerifier.create(engine.submit(SQUARE, 7).flatMap(h -> h.result(WAIT)))
        .expectNext(49)
        .verifyComplete();
  }

  @Test
  void statusUpdatesReplayTheCurrentStatusThenLiveOnesAndCompleteAfterTheTerminalOne() {
    engine.register(SQUARE, n -> Mono.just(n * n));
    TaskHandle<Integer> h = submit(3);
    List<TaskStatus> seen = new ArrayList<>();
    Mono<List<StatusUpdate>> updates = h.statusUpdates().collectList().cache();
    updates.subscribe();
    startWorker();
    updates.block(WAIT).forEach(u -> seen.add(u.status()));
    assertEquals(List.of(TaskStatus.SUBMITTED, TaskStatus.RUNNING, TaskStatus.SUCCEEDED), seen);
    assertEquals(TaskStatus.SUCCEEDED, h.status().block(WAIT).status());
  }

  @Test
  void waitingForAResultThatDoesNotComeFailsWithTimeoutException() {
    engine.register(SQUARE, n -> Mono.just(n * n));
    TaskHandle<Integer> h = submit(2); // no worker
    StepVerifier.create(h.result(Duration.ofMillis(50)))
        .expectError(TimeoutException.class)
        .verify(WAIT);
  }

  @Test
  void durationZeroLooksOnceAndFailsWithNotFoundWhenThereIsNoResult() {
    engine.register(SQUARE, n -> Mono.just(n * n));
    TaskHandle<Integer> h = submit(2);
    StepVerifier.create(h.result(Duration.ZERO)).expectError(NotFoundException.class).verify(WAIT);
    startWorker();
    assertEquals(4, h.result(WAIT).block(WAIT));
    assertEquals(4, h.result(Duration.ZERO).block(WAIT));
  }

  @Test
  void resultsComeInCompletionOrderOrInSubmissionOrder() throws InterruptedException {
    // Each task waits for its own gate; the test opens them last-submitted first, each only once
    // the previous result was emitted, so the completion order is set by the test, not by timers.
    Map<Integer, Sinks.One<Integer>> gates = new java.util.concurrent.ConcurrentHashMap<>();
    java.util.concurrent.CountDownLatch running = new java.util.concurrent.CountDownLatch(4);
    engine.register(
        SQUARE,
        n -> {
          running.countDown();
          return gates.computeIfAbsent(n, k -> Sinks.one()).asMono().map(x -> x * x);
        });
    List<TaskHandle<Integer>> handles = new ArrayList<>();
    for (int n = 1; n <= 4; n++) {
      handles.add(submit(n));
    }
    engine.workers(WorkerOptions.defaults().concurrency(4)).start();
    java.util.concurrent.BlockingQueue<Integer> emitted =
        new java.util.concurrent.LinkedBlockingQueue<>();
    engine.results(handles).map(Result::value).subscribe(emitted::add);
    assertTrue(running.await(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS));
    List<Integer> inCompletionOrder = new ArrayList<>();
    for (int n = 4; n >= 1; n--) {
      gates.computeIfAbsent(n, k -> Sinks.one()).tryEmitValue(n);
      inCompletionOrder.add(emitted.poll(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS));
    }
    assertEquals(List.of(16, 9, 4, 1), inCompletionOrder);
    List<Integer> inOrder =
        engine.resultsInOrder(handles).map(Result::value).collectList().block(WAIT);
    assertEquals(List.of(1, 4, 9, 16), inOrder);
  }

  @Test
  void aFailedTaskIsAResultWithItsRemoteErrorAndAFailedResultMono() {
    TaskDefinition<Integer, Integer> bad =
        TaskDefinition.of("bad", Integer.class, Integer.class).maxRetries(0);
    engine.register(bad, n -> Mono.error(new IllegalStateException("boom " + n)));
    startWorker();
    TaskHandle<Integer> h = engine.submit(bad, 5).block(WAIT);
    Result<Integer> r = engine.results(List.of(h)).blockLast(WAIT);
    assertFalse(r.isSuccess());
    TaskFailedException e = assertInstanceOf(TaskFailedException.class, r.error());
    assertEquals(IllegalStateException.class.getName(), e.details().type());
    assertEquals("boom 5", e.details().message());
    assertTrue(e.details().stack().contains("IllegalStateException"), e.details().stack());
    StepVerifier.create(h.result(WAIT)).expectError(TaskFailedException.class).verify(WAIT);
  }

  @Test
  void pendingCombinatorsWorkOnHandles() {
    engine.register(SQUARE, n -> Mono.just(n * n));
    startWorker();
    Pending<List<Integer>> all = Pending.all(submit(2).toPending(), submit(3).toPending());
    assertEquals(List.of(4, 9), all.asMono().block(WAIT));
    Pending<Integer> any = Pending.any(submit(4).toPending(), submit(5).toPending());
    assertTrue(List.of(16, 25).contains(any.asMono().block(WAIT)));
  }

  @Test
  void aHandleReattachesById() {
    engine.register(SQUARE, n -> Mono.just(n * n));
    String id = submit(6).id();
    startWorker();
    assertEquals(36, engine.handle(SQUARE, id).result(WAIT).block(WAIT));
  }

  @Test
  void submitByNameWithJsonInput() {
    engine.register(SQUARE, n -> Mono.just(n * n));
    startWorker();
    JsonNode result =
        engine
            .submit("square", JsonNodeFactory.instance.numberNode(9), SubmitOptions.defaults())
            .flatMap(h -> h.result(WAIT))
            .block(WAIT);
    assertEquals(81, result.asInt());
  }

  @Test
  void aSecondLiveMessageWithTheSameIdIsRefused() {
    engine.register(SQUARE, n -> Mono.just(n * n));
    SubmitOptions withId = SubmitOptions.defaults().id("same");
    engine.submit(SQUARE, 1, withId).block(WAIT);
    StepVerifier.create(engine.submit(SQUARE, 2, withId))
        .expectError(MessageAlreadyExistsException.class)
        .verify(WAIT);
  }

  @Test
  void callbacksGetThePreviousResultAndTheProgenitorInTheSameCompletion() {
    TaskDefinition<Integer, String> describe =
        TaskDefinition.of("describe", Integer.class, String.class);
    engine.register(SQUARE, n -> Mono.just(n * n));
    engine.register(
        describe,
        (Integer ignored, Message m) ->
            Mono.just(
                "got "
                    + m.previousResult()
                    + " after "
                    + m.previousMessageId()
                    + " of "
                    + m.progenitorId()));
    TaskHandle<String> second =
        engine.submit(describe, null, SubmitOptions.defaults().deferred(true)).block(WAIT);
    TaskHandle<String> third =
        engine.submit(describe, null, SubmitOptions.defaults().deferred(true)).block(WAIT);
    assertTrue(second.message().isPresent());
    assertNull(second.status().block(WAIT), "a deferred message is not stored");
    TaskHandle<Integer> first =
        engine
            .submit(
                SQUARE,
                5,
                SubmitOptions.defaults()
                    .callbacks(second.message().orElseThrow(), third.message().orElseThrow()))
            .block(WAIT);
    startWorker();
    assertEquals(25, first.result(WAIT).block(WAIT));
    assertEquals(
        "got 25 after " + first.id() + " of " + first.id(), second.result(WAIT).block(WAIT));
    // The third got the second's result (a string) and keeps the chain's first message as
    // progenitor.
    String last = third.result(WAIT).block(WAIT);
    assertTrue(last.startsWith("got \"got 25 after "), last);
    assertTrue(last.endsWith(" after " + second.id() + " of " + first.id()), last);
  }

  @Test
  void invalidArgumentsFailAtOnceNamingTheParameter() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> SubmitOptions.defaults().priority(-1));
    assertTrue(e.getMessage().contains("priority"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> SubmitOptions.defaults().delay(Duration.ofMillis(-1)));
    assertThrows(IllegalArgumentException.class, () -> SQUARE.maxRetries(-1));
    assertThrows(IllegalArgumentException.class, () -> SQUARE.timeout(Duration.ZERO));
    engine.register(SQUARE, n -> Mono.just(n));
    assertThrows(IllegalArgumentException.class, () -> engine.register(SQUARE, n -> Mono.just(n)));
    TaskDefinition<Integer, Integer> blocking =
        TaskDefinition.of("b", Integer.class, Integer.class).mechanism(Mechanism.BLOCKING);
    assertThrows(IllegalArgumentException.class, () -> engine.register(blocking, Mono::just));
    Message cb =
        engine
            .submit(SQUARE, 1, SubmitOptions.defaults().deferred(true))
            .block(WAIT)
            .message()
            .orElseThrow();
    Message chained = cb.toBuilder().callback(cb).build();
    assertThrows(
        IllegalArgumentException.class, () -> SubmitOptions.defaults().callbacks(chained, cb));
    assertThrows(
        IllegalStateException.class, () -> TaskEngine.inMemory().workers(WorkerOptions.defaults()));
  }

  @Test
  void metadataAndPriorityAreStoredOnTheMessage() {
    engine.register(SQUARE, n -> Mono.just(n * n));
    TaskHandle<Integer> h =
        engine
            .submit(SQUARE, 1, SubmitOptions.defaults().priority(3).metadata(Map.of("k", "v")))
            .block(WAIT);
    Message stored = engine.backend().find(h.ref()).block(WAIT).message();
    assertEquals(3, stored.priority());
    assertEquals("v", stored.metadata().get("k").asString());
  }

  @Test
  void blockingTasksRunOffTheReactorThreads() {
    TaskDefinition<Integer, String> where = TaskDefinition.of("where", Integer.class, String.class);
    engine.registerBlocking(
        where,
        n -> {
          try {
            Thread.sleep(1); // blocking is allowed here: BlockHound would fail it on parallel
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return Thread.currentThread().getName();
        });
    startWorker();
    String thread = engine.submit(where, 1).flatMap(h -> h.result(WAIT)).block(WAIT);
    assertFalse(thread.startsWith("parallel"), thread);
    Flux.range(0, 20)
        .flatMap(i -> engine.submit(where, i).flatMap(h -> h.result(WAIT)))
        .collectList()
        .block(WAIT);
  }
}
