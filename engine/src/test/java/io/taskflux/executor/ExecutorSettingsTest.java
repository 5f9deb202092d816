package io.taskflux.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** Mode and policy names, options, and the argument checks of the factories. */
class ExecutorSettingsTest {

  @Test
  void modesParseByTheirNamesAndUpstreamsIgnoringCase() {
    assertEquals(ExecutorMode.ASYNC, ExecutorMode.parse("async"));
    assertEquals(ExecutorMode.THREAD, ExecutorMode.parse("THREAD"));
    assertEquals(ExecutorMode.THREAD, ExecutorMode.parse("threaded"));
    assertEquals(ExecutorMode.PROCESS, ExecutorMode.parse(" Process "));
    assertEquals(ExecutorMode.PROCESS, ExecutorMode.parse("multiprocess"));
  }

  @Test
  void anUnknownModeIsAClearError() {
    IllegalArgumentException error =
        assertThrows(IllegalArgumentException.class, () -> ExecutorMode.parse("fibers"));
    assertTrue(error.getMessage().startsWith("Unsupported mode: fibers"), error.getMessage());

    IllegalArgumentException fromRunner =
        assertThrows(
            IllegalArgumentException.class,
            () -> MultipleRunner.create("fibers", List.of(), ExecutorOptions.defaults()));
    assertEquals(error.getMessage(), fromRunner.getMessage());
    assertThrows(NullPointerException.class, () -> ExecutorMode.parse(null));
  }

  @Test
  void policiesParseByUpstreamsNames() {
    assertEquals(ExceptionPolicy.PROPAGATE, ExceptionPolicy.parse("propagate"));
    assertEquals(ExceptionPolicy.STOP_ALL, ExceptionPolicy.parse("stop_all"));
    assertEquals(ExceptionPolicy.LOG_ONLY, ExceptionPolicy.parse("log-only"));
    IllegalArgumentException error =
        assertThrows(IllegalArgumentException.class, () -> ExceptionPolicy.parse("ignore"));
    assertTrue(error.getMessage().startsWith("Unknown fail policy: ignore"), error.getMessage());
  }

  @Test
  void optionsHaveTheDocumentedDefaultsAndRejectANegativeGracePeriod() {
    ExecutorOptions defaults = ExecutorOptions.defaults();
    assertEquals(ExceptionPolicy.PROPAGATE, defaults.policy());
    assertEquals(Duration.ofSeconds(10), defaults.stopGracePeriod());
    assertEquals(Schedulers.parallel(), defaults.asyncScheduler());
    assertEquals(ExceptionPolicy.STOP_ALL, defaults.withPolicy(ExceptionPolicy.STOP_ALL).policy());

    IllegalArgumentException error =
        assertThrows(
            IllegalArgumentException.class,
            () -> defaults.withStopGracePeriod(Duration.ofMillis(-1)));
    assertTrue(error.getMessage().contains("stopGracePeriod"), error.getMessage());
    assertThrows(NullPointerException.class, () -> defaults.withTimer(null));
  }

  @Test
  void tasksMustFitTheModeAndHaveUniqueIds() {
    AsyncTask async = AsyncTask.of("x", Mono::empty);
    IllegalArgumentException wrongMode =
        assertThrows(
            IllegalArgumentException.class,
            () -> MultipleExecutor.create(ExecutorMode.THREAD, List.of(async)));
    assertEquals(
        "tasks[0] (x) cannot run in mode THREAD: it is not an instance of ThreadTask",
        wrongMode.getMessage());

    ThreadTask one = ThreadTask.of("same", () -> {});
    ThreadTask two = ThreadTask.of("same", () -> {});
    IllegalArgumentException duplicate =
        assertThrows(
            IllegalArgumentException.class,
            () -> MultipleExecutor.create(ExecutorMode.THREAD, List.of(one, two)));
    assertEquals("tasks[1]: duplicate task id same", duplicate.getMessage());

    assertThrows(IllegalArgumentException.class, () -> ThreadTask.of(" ", () -> {}));
    assertThrows(
        NullPointerException.class,
        () -> MultipleExecutor.create(ExecutorMode.THREAD, java.util.Arrays.asList(one, null)));
    MultipleExecutor executor = MultipleExecutor.create(ExecutorMode.THREAD, List.of(one));
    assertThrows(IllegalArgumentException.class, () -> executor.failure("unknown"));
  }

  @Test
  void aTaskImplementingTwoModesRunsInBoth() {
    class Both implements AsyncTask, ThreadTask {
      @Override
      public String id() {
        return "both";
      }

      @Override
      public Mono<Void> runAsync() {
        return Mono.empty();
      }

      @Override
      public void runInThread() {}
    }
    MultipleExecutor.create(ExecutorMode.ASYNC, List.of(new Both())).start();
    MultipleExecutor.create(ExecutorMode.THREAD, List.of(new Both())).start();
  }

  @Test
  void aProcessTaskRejectsAPipeNobodyWouldRead() {
    ProcessTask task = ProcessTask.of("p", ChildMain.class, "exit");
    assertEquals(ChildMain.class.getName(), task.mainClass());
    assertEquals(List.of("exit"), task.args());
    IllegalArgumentException error =
        assertThrows(IllegalArgumentException.class, () -> task.withOutput(Redirect.PIPE));
    assertTrue(error.getMessage().startsWith("output must not be Redirect.PIPE"));
  }

  @Test
  void aChildJvmIsLaunchedWithThisJavaAndClassPath() {
    ProcessTask task = ProcessTask.of("p", ChildMain.class, "a", "b").withJvmOptions("-Xmx32m");

    List<String> command = ProcessLauncher.command(task);

    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    assertEquals(
        List.of(
            java.toString(),
            "-Xmx32m",
            "-cp",
            System.getProperty("java.class.path"),
            ChildMain.class.getName(),
            "a",
            "b"),
        command);
  }
}
