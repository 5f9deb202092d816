package io.taskflux.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/** BEHAVIOUR.md section 3 in {@link ExecutorMode#THREAD}. */
@Timeout(20)
class ThreadModeTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  private final RecordingThreadTask a = new RecordingThreadTask("a");
  private final AtomicInteger bStopCalls = new AtomicInteger();
  // Fails once "a" runs, so a policy acting on it finds "a" running.
  private final ThreadTask b =
      ThreadTask.of(
          "b",
          () -> {
            a.awaitStarted();
            throw new IllegalStateException("expected!");
          },
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
            ExecutorMode.THREAD, tasks, ExecutorOptions.defaults().withPolicy(policy));
    return executor;
  }

  @Test
  void propagateThrowsFromStartAndLeavesTheOtherTasksRunningUntilStop() throws Exception {
    executor(ExceptionPolicy.PROPAGATE, List.of(a, b));

    TaskFailedException thrown = assertThrows(TaskFailedException.class, executor::start);

    assertEquals("b", thrown.taskId());
    assertEquals("expected!", thrown.getCause().getMessage());
    assertTrue(executor.isRunning(), "upstream: is_running stays true until stop()");
    assertFalse(a.ended.isDone(), "the other task is not stopped");
    assertEquals(0, a.stopCalls.get());
    assertEquals(List.of(b), executor.failed());
    assertEquals(List.of(a), executor.notFailed());

    executor.stop().block(WAIT);

    assertFalse(executor.isRunning());
    assertEquals("interrupted", a.ended.getNow(null));
    assertEquals(1, a.stopCalls.get());
    assertEquals(1, bStopCalls.get(), "stop() calls stop on finished tasks too");
    assertEquals(1, executor.numFailed());
    assertEquals(List.of(b), executor.failed(), "the interrupted task has not failed");
    assertInstanceOf(IllegalStateException.class, executor.failure("b").orElseThrow());
    assertTrue(executor.failure("a").isEmpty());
  }

  @Test
  void logOnlyLogsTheFailingTaskIdAndKeepsRunning() throws Exception {
    MultipleRunner runner =
        MultipleRunner.create(
            "threaded",
            List.of(a, b),
            ExecutorOptions.defaults().withPolicy(ExceptionPolicy.LOG_ONLY));
    executor = runner.executor();
    runner.start(true);

    var failure = log.awaitText("Exception raised during b running.");
    assertEquals("expected!", failure.getThrown().getMessage());
    assertEquals(java.util.logging.Level.SEVERE, failure.getLevel());
    log.awaitText("Policy LOG_ONLY applied to the failure of task b");

    assertTrue(runner.isRunning());
    assertFalse(a.ended.isDone());
    assertEquals(0, a.stopCalls.get());
    assertEquals(List.of("b"), runner.failed());
    assertEquals(List.of("a"), runner.notFailed());

    assertTrue(runner.stop(WAIT));
    assertFalse(runner.isRunning());
    runner.tryJoinThread();
    assertEquals(1, runner.numFailed());
  }

  @Test
  void stopAllStopsEveryTaskAndEndsNotRunning() {
    executor(ExceptionPolicy.STOP_ALL, List.of(a, b));

    executor.start(); // returns without error

    assertFalse(executor.isRunning());
    assertEquals("interrupted", a.ended.getNow(null));
    assertEquals(1, a.stopCalls.get());
    assertEquals(1, bStopCalls.get());
    assertEquals(List.of(b), executor.failed());
    assertEquals(1, executor.numFailed());
  }

  @Test
  void startThenStopLeavesNotRunningAndNoFailures() throws Exception {
    RecordingThreadTask c = new RecordingThreadTask("c");
    MultipleRunner runner =
        MultipleRunner.create(ExecutorMode.THREAD, List.of(a, c), ExecutorOptions.defaults());
    executor = runner.executor();
    runner.start(true);
    a.awaitStarted();
    c.awaitStarted();
    assertTrue(runner.isRunning());

    assertTrue(runner.stop(WAIT));

    assertFalse(runner.isRunning());
    assertEquals(0, runner.numFailed());
    assertEquals(List.of("a", "c"), runner.notFailed());
    runner.tryJoinThread();
  }

  @Test
  void anInterruptIsNotAFailure() {
    ThreadTask interrupted =
        ThreadTask.of(
            "i",
            () -> {
              throw new RuntimeException("wrapped", new InterruptedException("^C"));
            });
    executor(ExceptionPolicy.PROPAGATE, List.of(interrupted));

    executor.start(); // PROPAGATE would throw if it were a failure

    assertEquals(0, executor.numFailed());
    assertFalse(executor.isRunning());
  }

  @Test
  void interruptingTheThreadInStartStopsEveryTask() throws Exception {
    executor(ExceptionPolicy.PROPAGATE, List.of(a));
    CompletableFuture<Boolean> interruptFlag = new CompletableFuture<>();
    Thread caller =
        new Thread(
            () -> {
              executor.start();
              interruptFlag.complete(Thread.currentThread().isInterrupted());
            });
    caller.start();
    a.awaitStarted();

    caller.interrupt();

    assertTrue(interruptFlag.get(10, TimeUnit.SECONDS), "start() keeps the interrupt flag");
    assertEquals("interrupted", a.ended.get(10, TimeUnit.SECONDS));
    executor.stop().block(WAIT);
    assertFalse(executor.isRunning());
    assertEquals(1, a.stopCalls.get());
    assertEquals(0, executor.numFailed());
  }

  @Test
  void theRunEndsWhenEveryTaskHasEnded() {
    ThreadTask quick = ThreadTask.of("quick", () -> {});
    executor(ExceptionPolicy.PROPAGATE, List.of(quick, a));
    a.release.countDown();

    executor.start();

    assertFalse(executor.isRunning());
    assertEquals("released", a.ended.getNow(null));
    assertEquals(0, executor.numFailed());
    assertEquals(0, a.stopCalls.get(), "nobody called stop()");
  }

  @Test
  void aThreadIgnoringInterruptsIsForcedThenGivenUpOnAfterTheGracePeriods() throws Exception {
    VirtualTimeScheduler time = VirtualTimeScheduler.create();
    // One permit per interrupt the task has seen. Each stage waits for its interrupt to be seen
    // before the next one is sent: two interrupts sent before the thread wakes would fold into
    // one pending interrupt flag.
    Semaphore interrupts = new Semaphore(0);
    CompletableFuture<Void> started = new CompletableFuture<>();
    CompletableFuture<Void> release = new CompletableFuture<>();
    ThreadTask stubborn =
        ThreadTask.of(
            "stubborn",
            () -> {
              started.complete(null);
              while (!release.isDone()) {
                try {
                  release.get();
                } catch (InterruptedException e) {
                  interrupts.release();
                }
              }
            });
    executor =
        MultipleExecutor.create(
            ExecutorMode.THREAD,
            List.of(stubborn),
            ExecutorOptions.defaults().withStopGracePeriod(Duration.ofSeconds(5)).withTimer(time));
    executor.run().subscribe();
    started.get(10, TimeUnit.SECONDS);

    CompletableFuture<Void> stopped = executor.stop().toFuture();
    log.awaitText("Stop signal sent to [stubborn]");
    assertTrue(interrupts.tryAcquire(10, TimeUnit.SECONDS), "the graceful interrupt");
    assertFalse(stopped.isDone());

    time.advanceTimeBy(Duration.ofSeconds(5));
    log.awaitText("Tasks [stubborn] did not stop within PT5S: forced them");
    assertTrue(interrupts.tryAcquire(10, TimeUnit.SECONDS), "the forced interrupt");
    assertFalse(stopped.isDone());

    time.advanceTimeBy(Duration.ofSeconds(5));
    stopped.get(10, TimeUnit.SECONDS);
    assertEquals(0, interrupts.availablePermits(), "no interrupt after the forced one");
    log.awaitText("Tasks [stubborn] are still alive after being forced to stop");
    assertFalse(executor.isRunning());
    release.complete(null);
  }

  @Test
  void anEmptyTaskListEndsAtOnce() {
    executor(ExceptionPolicy.PROPAGATE, List.of());

    executor.start();

    assertFalse(executor.isRunning());
    assertEquals(0, executor.numFailed());
    StepVerifier.create(executor.stop()).expectComplete().verify(WAIT);
  }

  @Test
  void anExecutorRunsOnce() {
    executor(ExceptionPolicy.PROPAGATE, List.of(ThreadTask.of("quick", () -> {})));
    executor.start();

    IllegalStateException again = assertThrows(IllegalStateException.class, executor::start);
    assertTrue(again.getMessage().contains("already started"), again.getMessage());
  }

  @Test
  void stopBeforeStartCallsEveryStopHookAndForbidsStarting() {
    executor(ExceptionPolicy.PROPAGATE, List.of(a, b));

    executor.stop().block(WAIT);

    assertEquals(1, a.stopCalls.get());
    assertEquals(1, bStopCalls.get());
    assertFalse(a.started.getCount() == 0, "nothing was started");
    IllegalStateException error = assertThrows(IllegalStateException.class, executor::start);
    assertTrue(error.getMessage().contains("stopped before"), error.getMessage());
  }

  @Test
  void aStopHookThatThrowsIsLoggedAndTheOthersAreStillStopped() throws Exception {
    ThreadTask badHook =
        ThreadTask.of(
            "bad-hook",
            () -> {},
            () -> {
              throw new IllegalStateException("hook broke");
            });
    executor(ExceptionPolicy.PROPAGATE, List.of(badHook, a));
    executor.run().subscribe();
    a.awaitStarted();

    executor.stop().block(WAIT);

    assertEquals("interrupted", a.ended.getNow(null));
    assertEquals(1, a.stopCalls.get());
    assertEquals(
        "hook broke", log.awaitText("stop() of task bad-hook failed").getThrown().getMessage());
  }

  @Test
  void tryJoinThreadNeedsAThreadedStartAndRethrowsAPropagatedFailure() throws Exception {
    MultipleRunner notThreaded =
        MultipleRunner.create(ExecutorMode.THREAD, List.of(), ExecutorOptions.defaults());
    IllegalStateException error =
        assertThrows(IllegalStateException.class, notThreaded::tryJoinThread);
    assertEquals("Not started in thread mode.", error.getMessage());

    MultipleRunner runner =
        MultipleRunner.create(ExecutorMode.THREAD, List.of(a, b), ExecutorOptions.defaults());
    executor = runner.executor();
    runner.start(true);
    TaskFailedException failure = assertThrows(TaskFailedException.class, runner::tryJoinThread);
    assertEquals("b", failure.taskId());
    assertTrue(runner.isRunning());
    assertTrue(runner.stop(WAIT));
    assertFalse(runner.isRunning());
  }

  @Test
  void blockingMethodsRefuseANonBlockingThread() {
    executor(ExceptionPolicy.PROPAGATE, List.of(a));
    MultipleRunner runner =
        MultipleRunner.create(ExecutorMode.THREAD, List.of(), ExecutorOptions.defaults());

    StepVerifier.create(Mono.fromRunnable(executor::start).subscribeOn(Schedulers.parallel()))
        .expectErrorSatisfies(
            e -> {
              assertInstanceOf(IllegalStateException.class, e);
              assertTrue(e.getMessage().contains("start() blocks"), e.getMessage());
            })
        .verify(WAIT);
    StepVerifier.create(
            Mono.fromCallable(() -> runner.stop(WAIT)).subscribeOn(Schedulers.parallel()))
        .expectError(IllegalStateException.class)
        .verify(WAIT);
    assertEquals(1, a.started.getCount(), "the refused start() started nothing");
  }
}
