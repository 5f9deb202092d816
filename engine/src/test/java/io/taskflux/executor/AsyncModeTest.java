package io.taskflux.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.blockhound.BlockingOperationError;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/** BEHAVIOUR.md section 3 in {@link ExecutorMode#ASYNC}, with BlockHound installed. */
@Timeout(20)
class AsyncModeTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  private final RecordingAsyncTask a = new RecordingAsyncTask("a");
  private final AtomicInteger bStopCalls = new AtomicInteger();
  // Fails once "a" runs, so a policy acting on it finds "a" running.
  private final AsyncTask b =
      AsyncTask.of(
          "b",
          () -> Mono.fromFuture(a.started).then(Mono.error(new IllegalStateException("expected!"))),
          bStopCalls::incrementAndGet);

  private RecordingLog log;
  private MultipleExecutor executor;

  @BeforeEach
  void recordLog() {
    log = RecordingLog.start();
  }

  @AfterEach
  void cleanUp() {
    if (executor != null) {
      executor.stop().block(WAIT);
    }
    log.close();
  }

  private MultipleExecutor executor(ExceptionPolicy policy, List<? extends ExecutorTask> tasks) {
    executor =
        MultipleExecutor.create(
            ExecutorMode.ASYNC, tasks, ExecutorOptions.defaults().withPolicy(policy));
    return executor;
  }

  @Test
  void propagateFailsTheRunAndLeavesTheOtherTasksRunningUntilStop() {
    executor(ExceptionPolicy.PROPAGATE, List.of(a, b));

    StepVerifier.create(executor.run())
        .expectErrorSatisfies(
            e -> {
              TaskFailedException failed = assertInstanceOf(TaskFailedException.class, e);
              assertEquals("b", failed.taskId());
              assertEquals("expected!", failed.getCause().getMessage());
            })
        .verify(WAIT);

    assertTrue(executor.isRunning());
    assertFalse(a.cancelled.isDone(), "the other task is not stopped");
    assertEquals(List.of(b), executor.failed());

    StepVerifier.create(executor.stop()).expectComplete().verify(WAIT);

    assertFalse(executor.isRunning());
    assertTrue(a.cancelled.isDone());
    assertEquals(1, a.stopCalls.get());
    assertEquals(1, bStopCalls.get());
    assertEquals(1, executor.numFailed());
  }

  @Test
  void logOnlyLogsTheFailingTaskIdAndKeepsRunning() throws Exception {
    executor(ExceptionPolicy.LOG_ONLY, List.of(a, b));
    CompletableFuture<Void> run = executor.run().toFuture();

    var failure = log.awaitText("Exception raised during b running.");
    assertEquals("expected!", failure.getThrown().getMessage());
    log.awaitText("Policy LOG_ONLY applied to the failure of task b");

    assertTrue(executor.isRunning());
    assertFalse(run.isDone());
    assertFalse(a.cancelled.isDone());
    assertEquals(0, a.stopCalls.get());
    assertEquals(List.of(b), executor.failed());
    assertEquals(List.of(a), executor.notFailed());

    executor.stop().block(WAIT);

    run.get(10, TimeUnit.SECONDS); // completes without error
    assertFalse(executor.isRunning());
    // The cancel signal reaches a's body on its own thread, possibly just after stop completed.
    a.cancelled.get(10, TimeUnit.SECONDS);
  }

  @Test
  void stopAllStopsEveryTaskAndTheRunCompletes() throws Exception {
    executor(ExceptionPolicy.STOP_ALL, List.of(a, b));

    StepVerifier.create(executor.run()).expectComplete().verify(WAIT);

    assertFalse(executor.isRunning());
    // b fails only once a's body was subscribed, so a was running: STOP_ALL cancels it. The
    // cancel may reach a's body just after the run completes (a's subscription can still be on
    // its way to the executor when b's failure disposes it), so wait for it rather than look.
    assertTrue(a.started.isDone());
    a.cancelled.get(10, TimeUnit.SECONDS);
    assertEquals(1, a.stopCalls.get());
    assertEquals(1, bStopCalls.get());
    assertEquals(List.of(b), executor.failed());
    assertTrue(executor.failure("a").isEmpty(), "a cancelled task has not failed");
  }

  @Test
  void startThenStopLeavesNotRunningAndNoFailures() throws Exception {
    RecordingAsyncTask c = new RecordingAsyncTask("c");
    MultipleRunner runner =
        MultipleRunner.create("async", List.of(a, c), ExecutorOptions.defaults());
    executor = runner.executor();
    runner.start(true);
    a.started.get(10, TimeUnit.SECONDS);
    c.started.get(10, TimeUnit.SECONDS);
    assertTrue(runner.isRunning());

    assertTrue(runner.stop(WAIT));

    assertFalse(runner.isRunning());
    assertEquals(0, runner.numFailed());
    assertTrue(a.cancelled.isDone() && c.cancelled.isDone());
    runner.tryJoinThread();
  }

  @Test
  void bodiesAreSubscribedOnTheGivenScheduler() throws Exception {
    executor(ExceptionPolicy.PROPAGATE, List.of(a));
    executor.run().subscribe();
    assertTrue(a.started.get(10, TimeUnit.SECONDS).startsWith("parallel-"));

    Scheduler custom = Schedulers.newSingle("custom-async");
    try {
      RecordingAsyncTask c = new RecordingAsyncTask("c");
      MultipleExecutor onCustom =
          MultipleExecutor.create(
              ExecutorMode.ASYNC,
              List.of(c),
              ExecutorOptions.defaults().withAsyncScheduler(custom));
      onCustom.run().subscribe();
      assertTrue(c.started.get(10, TimeUnit.SECONDS).startsWith("custom-async"));
      onCustom.stop().block(WAIT);
    } finally {
      custom.dispose();
    }
  }

  @Test
  void aBodyThatBlocksOnTheParallelSchedulerFails() {
    AsyncTask blocking =
        AsyncTask.of(
            "sleepy",
            () ->
                Mono.fromRunnable(
                    () -> {
                      try {
                        Thread.sleep(1);
                      } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                      }
                    }));
    executor(ExceptionPolicy.PROPAGATE, List.of(blocking));

    StepVerifier.create(executor.run())
        .expectErrorSatisfies(
            e -> {
              assertInstanceOf(TaskFailedException.class, e);
              assertInstanceOf(BlockingOperationError.class, e.getCause());
            })
        .verify(WAIT);
  }

  @Test
  void aBodyThatThrowsInsteadOfReturningAMonoFails() {
    AsyncTask throwing =
        AsyncTask.of(
            "throwing",
            () -> {
              throw new IllegalArgumentException("no body");
            });
    executor(ExceptionPolicy.LOG_ONLY, List.of(throwing));

    StepVerifier.create(executor.run()).expectComplete().verify(WAIT);

    assertEquals("no body", executor.failure("throwing").orElseThrow().getMessage());
    assertFalse(executor.isRunning());
  }

  @Test
  void anInterruptOrACancellationIsNotAFailure() {
    AsyncTask interrupted =
        AsyncTask.of("i", () -> Mono.error(new RuntimeException(new InterruptedException())));
    AsyncTask cancelled =
        AsyncTask.of("c", () -> Mono.error(new java.util.concurrent.CancellationException()));
    executor(ExceptionPolicy.PROPAGATE, List.of(interrupted, cancelled));

    StepVerifier.create(executor.run()).expectComplete().verify(WAIT);

    assertEquals(0, executor.numFailed());
    assertFalse(executor.isRunning());
  }

  @Test
  void cancellingTheRunStopsEveryTask() throws Exception {
    executor(ExceptionPolicy.PROPAGATE, List.of(a));
    Disposable run = executor.run().subscribe();
    a.started.get(10, TimeUnit.SECONDS);

    run.dispose();

    a.cancelled.get(10, TimeUnit.SECONDS);
    assertEquals(1, a.stopCalls.get());
    executor.stop().block(WAIT);
    assertFalse(executor.isRunning());
    assertEquals(0, executor.numFailed());
  }

  @Test
  void aSecondRunIsRefused() {
    executor(ExceptionPolicy.PROPAGATE, List.of(a));
    executor.run().subscribe();

    StepVerifier.create(executor.run()).expectError(IllegalStateException.class).verify(WAIT);
  }

  @Test
  void theRunCompletesWhenEveryBodyCompletes() {
    executor(ExceptionPolicy.PROPAGATE, List.of(AsyncTask.of("one", Mono::empty)));

    StepVerifier.create(executor.run()).expectComplete().verify(WAIT);

    assertFalse(executor.isRunning());
    assertEquals(0, executor.numFailed());
  }

  @Test
  void anEmptyTaskListCompletesAtOnce() {
    executor(ExceptionPolicy.PROPAGATE, List.of());

    StepVerifier.create(executor.run()).expectComplete().verify(WAIT);
    assertFalse(executor.isRunning());
  }

  @Test
  void aProcessTaskCannotRunInAsyncMode() {
    ProcessTask child = ProcessTask.of("child", ChildMain.class);
    IllegalArgumentException error =
        assertThrows(
            IllegalArgumentException.class,
            () -> MultipleExecutor.create(ExecutorMode.ASYNC, List.of(child)));
    assertEquals(
        "tasks[0] (child) cannot run in mode ASYNC: it is not an instance of AsyncTask",
        error.getMessage());
  }
}
