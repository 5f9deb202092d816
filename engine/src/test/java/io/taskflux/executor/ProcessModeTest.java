package io.taskflux.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/** BEHAVIOUR.md section 3 in {@link ExecutorMode#PROCESS}, with real child JVMs. */
@Timeout(60)
class ProcessModeTest {

  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir Path logs;
  private ChildChannel channel;
  private RecordingLog log;
  private MultipleExecutor executor;

  @BeforeEach
  void open() throws Exception {
    channel = new ChildChannel(logs);
    log = RecordingLog.start();
  }

  @AfterEach
  void close() throws Exception {
    try {
      if (executor != null) {
        executor.stop().block(WAIT);
      }
    } finally {
      channel.close();
      log.close();
    }
  }

  private MultipleExecutor executor(ExecutorOptions options, ProcessTask... tasks) {
    executor = MultipleExecutor.create(ExecutorMode.PROCESS, List.of(tasks), options);
    return executor;
  }

  private static ExecutorOptions policy(ExceptionPolicy policy) {
    return ExecutorOptions.defaults().withPolicy(policy);
  }

  @Test
  void stopSendsSigtermAndAChildEndingOnItHasNotFailed() throws Exception {
    MultipleRunner runner =
        MultipleRunner.create(
            "multiprocess",
            List.of(channel.task("calm", "until-signalled")),
            ExecutorOptions.defaults());
    executor = runner.executor();
    runner.start(true);
    ChildChannel.Child calm = channel.awaitReady("calm");
    assertTrue(runner.isRunning());

    assertTrue(runner.stop(WAIT));

    assertEquals("term calm", calm.readLine(), "the child ran its shutdown hooks");
    assertFalse(calm.process.isAlive());
    assertFalse(runner.isRunning());
    assertEquals(0, runner.numFailed(), "exit code 143 (SIGTERM) is not a failure");
    runner.tryJoinThread();
  }

  @Test
  void aChildIgnoringSigtermIsKilledOnlyAfterTheGracePeriod() throws Exception {
    VirtualTimeScheduler time = VirtualTimeScheduler.create();
    executor(
        ExecutorOptions.defaults().withStopGracePeriod(Duration.ofSeconds(5)).withTimer(time),
        channel.task("stubborn", "ignore-term"));
    CompletableFuture<Void> run = executor.run().toFuture();
    ChildChannel.Child stubborn = channel.awaitReady("stubborn");

    CompletableFuture<Void> stopped = executor.stop().toFuture();
    assertEquals("term stubborn", stubborn.readLine(), "SIGTERM arrived");
    log.awaitText("Stop signal sent to [stubborn]; forcing after PT5S");
    assertTrue(stubborn.process.isAlive(), "SIGTERM alone does not end it");
    assertFalse(stopped.isDone());

    time.advanceTimeBy(Duration.ofSeconds(5));

    stubborn.process.onExit().get(20, TimeUnit.SECONDS);
    stopped.get(20, TimeUnit.SECONDS);
    run.get(20, TimeUnit.SECONDS);
    assertFalse(executor.isRunning());
    assertEquals(0, executor.numFailed(), "a child killed by the executor's stop has not failed");
  }

  @Test
  void propagateFailsTheRunWithTheExitCodeAndLeavesTheOtherChildRunning() throws Exception {
    executor(
        policy(ExceptionPolicy.PROPAGATE),
        channel.task("bad", "fail-on-go", 3),
        channel.task("good", "until-signalled"));
    CompletableFuture<Void> run = executor.run().toFuture();
    ChildChannel.Child good = channel.awaitReady("good");
    channel.awaitReady("bad").send("go");

    Throwable error =
        assertInstanceOf(
                java.util.concurrent.ExecutionException.class,
                org.junit.jupiter.api.Assertions.assertThrows(
                    Exception.class, () -> run.get(20, TimeUnit.SECONDS)))
            .getCause();
    TaskFailedException failed = assertInstanceOf(TaskFailedException.class, error);
    assertEquals("bad", failed.taskId());
    assertEquals(3, assertInstanceOf(ProcessExitException.class, failed.getCause()).exitCode());
    assertTrue(executor.isRunning());
    assertTrue(good.process.isAlive(), "the other child is not stopped");
    assertEquals(List.of("bad"), executor.failed().stream().map(ExecutorTask::id).toList());

    executor.stop().block(WAIT);

    assertEquals("term good", good.readLine());
    assertFalse(executor.isRunning());
    assertEquals(1, executor.numFailed());
  }

  @Test
  void stopAllStopsTheOtherChildrenAndTheRunCompletes() throws Exception {
    executor(
        policy(ExceptionPolicy.STOP_ALL),
        channel.task("bad", "fail-on-go", 3),
        channel.task("good", "until-signalled"));
    CompletableFuture<Void> run = executor.run().toFuture();
    ChildChannel.Child good = channel.awaitReady("good");
    channel.awaitReady("bad").send("go");

    run.get(20, TimeUnit.SECONDS); // completes without error

    assertEquals("term good", good.readLine());
    assertFalse(good.process.isAlive());
    assertFalse(executor.isRunning());
    assertEquals(1, executor.numFailed());
    assertEquals(3, ((ProcessExitException) executor.failure("bad").orElseThrow()).exitCode());
    assertTrue(executor.failure("good").isEmpty());
  }

  @Test
  void logOnlyLogsTheFailingChildAndKeepsTheOthersRunning() throws Exception {
    executor(
        policy(ExceptionPolicy.LOG_ONLY),
        channel.task("bad", "fail-on-go", 3),
        channel.task("good", "until-signalled"));
    CompletableFuture<Void> run = executor.run().toFuture();
    ChildChannel.Child good = channel.awaitReady("good");
    channel.awaitReady("bad").send("go");

    var failure = log.awaitText("Exception raised during bad running.");
    assertInstanceOf(ProcessExitException.class, failure.getThrown());
    log.awaitText("Policy LOG_ONLY applied to the failure of task bad");
    assertTrue(executor.isRunning());
    assertTrue(good.process.isAlive());
    assertFalse(run.isDone());

    StepVerifier.create(executor.stop()).expectComplete().verify(WAIT);

    assertEquals("term good", good.readLine());
    run.get(20, TimeUnit.SECONDS);
    assertFalse(executor.isRunning());
    assertEquals(1, executor.numFailed());
  }

  @Test
  void theRunEndsWhenEveryChildHasExited() throws Exception {
    executor(
        policy(ExceptionPolicy.LOG_ONLY),
        channel.task("clean", "exit", 0),
        channel.task("broken", "exit", 7));

    StepVerifier.create(executor.run()).expectComplete().verify(WAIT);

    assertFalse(executor.isRunning());
    assertEquals(List.of("broken"), executor.failed().stream().map(ExecutorTask::id).toList());
    assertEquals(7, ((ProcessExitException) executor.failure("broken").orElseThrow()).exitCode());
    assertTrue(executor.failure("clean").isEmpty());
  }
}
