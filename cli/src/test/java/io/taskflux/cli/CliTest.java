package io.taskflux.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskflux.Taskflux;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The command line in process, through picocli, on the in-memory backend. */
class CliTest {

  static final String MATH = "--tasks=" + FakeTasks.Math.class.getName();

  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    return run(new Shutdown(new PrintWriter(Writer.nullWriter())), args);
  }

  static Run run(Shutdown shutdown, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        Main.commandLine(
                new Main(shutdown, CliTest.class.getClassLoader()),
                new PrintWriter(out, true),
                new PrintWriter(err, true))
            .execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void helpListsEveryCommand() {
    Run r = run("--help");
    assertEquals(0, r.code());
    for (String command :
        new String[] {"worker", "submit", "status", "result", "revoke", "dlq", "queues", "demo"}) {
      assertTrue(r.out().contains(command), command + " in\n" + r.out());
    }
    assertTrue(r.out().contains("taskflux"));
  }

  @Test
  void versionPrintsTheEngineVersion() {
    Run r = run("--version");
    assertEquals(0, r.code());
    assertTrue(r.out().startsWith("taskflux " + Taskflux.version()), r.out());
  }

  @Test
  void workerHelpShowsThePoolOptionsWithTheirDefaults() {
    Run r = run("worker", "thread-pool", "--help");
    assertEquals(0, r.code());
    for (String option :
        new String[] {
          "--queues",
          "--task-specific-mode",
          "--threads",
          "--processes",
          "--process-floor",
          "--consumer-backoff-factor",
          "--consumer-backoff-floor",
          "--consumer-backoff-ceiling",
          "--log-level",
          "--redis",
          "--tasks",
          "--complete-only-on-thread-exit"
        }) {
      assertTrue(r.out().contains(option), option + " in\n" + r.out());
    }
    assertTrue(r.out().contains("default: 8"), r.out());
    assertFalse(r.out().toLowerCase(java.util.Locale.ROOT).contains("seed"), r.out());
    assertEquals(0, run("worker", "thread-pool", "--slot-wait", "5ms", "--help").code());
    assertTrue(run("worker", "process-pool", "--help").out().contains("--prune-interval"));
  }

  @Test
  void badUsageExitsWith2AndSaysWhy() {
    Run none = run();
    assertEquals(2, none.code());
    assertTrue(none.err().contains("Missing a command"), none.err());

    Run unknownOption = run("submit", "square", "--bogus");
    assertEquals(2, unknownOption.code());
    assertTrue(unknownOption.err().contains("--bogus"), unknownOption.err());

    Run badDuration = run("result", "x", "--timeout", "soon");
    assertEquals(2, badDuration.code());
    assertTrue(badDuration.err().contains("not a duration"), badDuration.err());

    Run badJson = run("submit", "square", "--json", "{oops", MATH);
    assertEquals(CliException.BAD_INPUT, badJson.code());
    assertTrue(badJson.err().contains("--json is not JSON"), badJson.err());

    Run badThreads = run("worker", "thread-pool", MATH, "--threads", "0");
    assertEquals(2, badThreads.code());
    assertTrue(badThreads.err().contains("--threads must be > 0"), badThreads.err());

    Run badFloor = run("worker", "thread-pool", MATH, "--processes", "2", "--process-floor", "3");
    assertEquals(2, badFloor.code());
    assertTrue(badFloor.err().contains("--process-floor"), badFloor.err());

    Run repeated = run("worker", "thread-pool", MATH, "--queues", "a,b,a");
    assertEquals(2, repeated.code());
    assertTrue(repeated.err().contains("must not repeat"), repeated.err());

    Run processPoolInMemory = run("worker", "process-pool", MATH);
    assertEquals(2, processPoolInMemory.code());
    assertTrue(processPoolInMemory.err().contains("needs --redis"), processPoolInMemory.err());
  }

  @Test
  void noTasksAndTwoTasksWithOneNameAreClearErrors() {
    Run none = run("worker", "thread-pool");
    assertEquals(2, none.code());
    assertTrue(none.err().contains("no tasks found"), none.err());
    assertTrue(none.err().contains("META-INF/services/io.taskflux.cli.TaskModule"), none.err());

    Run empty = run("worker", "thread-pool", "--tasks", FakeTasks.Empty.class.getName());
    assertEquals(2, empty.code());
    assertTrue(empty.err().contains("no tasks found"), empty.err());

    Run collision =
        run(
            "worker",
            "thread-pool",
            "--tasks",
            FakeTasks.Math.class.getName() + "," + FakeTasks.AlsoSquare.class.getName());
    assertEquals(2, collision.code());
    assertTrue(
        collision.err().contains("task name collision: 'square' is registered by"),
        collision.err());
    assertTrue(collision.err().contains(FakeTasks.AlsoSquare.class.getName()), collision.err());

    Run missing = run("worker", "thread-pool", "--tasks", "com.example.Nope");
    assertEquals(2, missing.code());
    assertTrue(missing.err().contains("not found on the class path: com.example.Nope"));

    Run notAModule = run("worker", "thread-pool", "--tasks", FakeTasks.NotAModule.class.getName());
    assertEquals(2, notAModule.code());
    assertTrue(notAModule.err().contains("does not implement io.taskflux.cli.TaskModule"));

    Run unknownTask = run("submit", "cube", "--json", "3", MATH);
    assertEquals(CliException.UNKNOWN_TASK, unknownTask.code());
    assertTrue(unknownTask.err().contains("unknown task 'cube'"), unknownTask.err());
  }

  @Test
  void submitAndWaitRunsTheTaskInProcessOnTheInMemoryBackend() {
    Run ok = run("submit", "square", "--json", "7", "--wait", "10s", MATH);
    assertEquals(0, ok.code(), ok.err());
    String[] lines = ok.out().strip().split("\n");
    assertTrue(lines[0].startsWith("math/"), "prints QUEUE/ID first: " + ok.out());
    assertEquals("49", lines[1]);

    Run failed = run("submit", "boom", "--json", "\"x\"", "--wait", "10s", MATH);
    assertEquals(1, failed.code());
    assertTrue(failed.out().contains("\"status\":\"FAILED\""), failed.out());
    assertTrue(failed.out().contains("boom: x"), failed.out());

    Run late = run("submit", "slow", "--json", "5000", "--wait", "100ms", MATH);
    assertEquals(3, late.code(), late.err());
    assertTrue(late.err().contains("no result within"), late.err());
  }

  @Test
  void unknownIdsAreNotFoundAndPurgeSaysItIsUnsupported() {
    assertEquals(4, run("status", "nope").code());
    assertEquals(4, run("result", "math/nope").code());
    assertEquals(4, run("revoke", "nope", "--queue", "math").code());
    assertEquals(4, run("dlq", "show", "nope").code());
    Run list = run("dlq", "list");
    assertEquals(0, list.code());
    assertTrue(list.out().contains("(no dead letters)"));
    Run purgeWhat = run("dlq", "purge");
    assertEquals(2, purgeWhat.code());
    assertTrue(purgeWhat.err().contains("--queue"), purgeWhat.err());
    Run purge = run("dlq", "purge", "--all");
    assertEquals(0, purge.code(), purge.err());
    assertTrue(purge.out().contains("0 dead letter(s) deleted"), purge.out());
    Run queues = run("queues");
    assertEquals(0, queues.code());
    assertTrue(queues.out().contains("QUEUE"), queues.out());
  }

  @Test
  void aThreadPoolWorkerRunsUntilAskedToStopThenDrains() throws Exception {
    Shutdown shutdown = new Shutdown(new PrintWriter(Writer.nullWriter()));
    CountDownLatch started = new CountDownLatch(1);
    StringWriter out = new StringWriter();
    Writer watching =
        new Writer() {
          @Override
          public void write(char[] buf, int off, int len) {
            out.write(buf, off, len);
            // The whole "started" line: printf hands it to the writer in pieces.
            if (out.toString().matches("(?s).*started[^\n]*\n.*")) {
              started.countDown();
            }
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    CompletableFuture<Integer> code =
        CompletableFuture.supplyAsync(
            () ->
                Main.commandLine(
                        new Main(shutdown, CliTest.class.getClassLoader()),
                        new PrintWriter(watching, true),
                        new PrintWriter(new StringWriter(), true))
                    .execute("worker", "thread-pool", MATH, "--threads", "2", "--processes", "3"));
    assertTrue(started.await(30, TimeUnit.SECONDS), "the worker starts: " + out);
    assertTrue(
        out.toString().contains("queues [math], capacity 6, backend in-memory"), out.toString());
    assertTrue(!code.isDone(), "a worker keeps running until asked to stop");
    shutdown.request();
    assertEquals(0, code.get(30, TimeUnit.SECONDS));
    assertTrue(out.toString().contains("stopped"), out.toString());
  }

  @Test
  void durationsParseLikeTheSeedsCommandLine() {
    DurationConverter c = new DurationConverter();
    assertEquals(Duration.ofMillis(50), c.convert("50ms"));
    assertEquals(Duration.ofSeconds(2), c.convert("2s"));
    assertEquals(Duration.ofSeconds(3), c.convert("3"));
    assertEquals(Duration.ofMinutes(5), c.convert("PT5M"));
  }
}
