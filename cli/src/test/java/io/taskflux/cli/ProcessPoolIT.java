package io.taskflux.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.taskflux.engine.Result;
import io.taskflux.engine.TaskEngine;
import io.taskflux.engine.TaskHandle;
import io.taskflux.redis.RedisBackend;
import io.taskflux.spi.QueueStats;
import io.taskflux.task.TaskStatus;
import io.taskflux.testing.redis.RedisExtension;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;

/**
 * {@code worker process-pool} for real: the supervisor and its children are new JVMs (the built jar
 * plus the test classes), the backend a real redis-server; tasks are submitted with the engine API
 * (and once with {@code submit}) from this JVM, against the same Redis.
 */
class ProcessPoolIT {

  @RegisterExtension static final RedisExtension redis = RedisExtension.withServer();

  /** JVM options that start small JVMs quickly on a loaded machine. */
  static final List<String> QUICK_JVM = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

  @TempDir Path tmp;

  private TaskEngine engine;
  private Process supervisor;
  private Lines lines;

  @BeforeEach
  void connect() {
    engine = TaskEngine.builder().backend(RedisBackend.connect(redis.uri())).build();
  }

  @AfterEach
  void cleanUp() throws Exception {
    if (supervisor != null && supervisor.isAlive()) {
      List<ProcessHandle> all = supervisor.toHandle().descendants().toList();
      supervisor.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      all.forEach(ProcessHandle::destroyForcibly);
    }
    engine.closeAsync().block(Duration.ofSeconds(10));
  }

  /** Starts {@code worker process-pool ARGS} in a new JVM and follows its merged output. */
  private void startPool(String... args) throws IOException {
    String cp = CliJarIT.jar() + File.pathSeparator + Path.of("target", "test-classes");
    List<String> cmd = new ArrayList<>(List.of(CliJarIT.java()));
    cmd.addAll(QUICK_JVM);
    cmd.addAll(List.of("-cp", cp, Main.class.getName(), "worker", "process-pool"));
    cmd.add("--redis=" + redis.uri());
    QUICK_JVM.forEach(o -> cmd.add("--child-jvm-option=" + o));
    cmd.addAll(List.of(args));
    supervisor = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    lines = new Lines(supervisor);
  }

  @Test
  void twoChildrenRunTwoHundredTasksAndAChildKilledMidRunLosesNone() throws Exception {
    startPool(
        "--tasks=" + FakeTasks.Math.class.getName(),
        "--processes=2",
        "--process-floor=2",
        "--threads-per-process=4",
        "--lease=2s");
    lines.await(l -> l.startsWith("process pool started: 2 child(ren)"));
    lines.await(l -> l.matches("\\[\\d+] worker .* started.*capacity 4.*"));
    lines.await(l -> l.matches("\\[\\d+] worker .* started.*capacity 4.*"));

    // One task through the command line's own submit, waiting for its result.
    CliTest.Run cli =
        CliTest.run(
            "submit",
            "square",
            "--json",
            "7",
            "--wait",
            "30s",
            CliTest.MATH,
            "--redis=" + redis.uri());
    assertEquals(0, cli.code(), cli.err());
    assertTrue(cli.out().strip().endsWith("49"), cli.out());

    List<TaskHandle<String>> handles =
        Flux.range(0, 200)
            .concatMap(i -> engine.submit(FakeTasks.SLOW, 150L))
            .collectList()
            .block(Duration.ofSeconds(30));
    // 200 x 150 ms on 2 x 4 threads is about 4 s: kill one child once 40 are done.
    engine.results(handles).take(40).blockLast(Duration.ofSeconds(30));
    ProcessHandle victim = supervisor.toHandle().children().findFirst().orElseThrow();
    long killedAt = System.nanoTime();
    assertTrue(victim.destroyForcibly()); // SIGKILL
    String exited = lines.await(l -> l.startsWith("child " + victim.pid() + " exited with 137"));
    assertTrue(exited.contains("attempt(s) lost"), "killed with nothing running: " + exited);
    String restarted = lines.await(l -> l.matches("child \\d+ started \\(2 running\\)"));
    long newPid = Long.parseLong(restarted.split(" ")[1]);
    lines.await(l -> l.matches("\\[" + newPid + "] worker .* started.*"));
    long restartMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);

    List<Result<String>> results =
        engine.results(handles).collectList().block(Duration.ofSeconds(40));
    long allDoneMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
    System.out.printf(
        "process pool: child %d SIGKILLed (%s); replacement ready after %d ms; all 200 done %d ms"
            + " after the kill%n",
        victim.pid(), exited, restartMs, allDoneMs);
    assertEquals(200, results.size());
    Set<String> ids = new HashSet<>();
    for (TaskHandle<String> h : handles) {
      assertEquals("slept", h.result(Duration.ofSeconds(5)).block());
      assertEquals(TaskStatus.SUCCEEDED, h.status().block(Duration.ofSeconds(5)).status());
      ids.add(h.id());
    }
    assertEquals(200, ids.size());
    QueueStats math = engine.backend().stats("math").block(Duration.ofSeconds(5));
    assertEquals(0, math.live() + math.deadLetters(), math.toString());

    // SIGTERM: the supervisor drains its children and exits 0; none is left behind.
    List<ProcessHandle> children = supervisor.toHandle().children().toList();
    assertEquals(2, children.size());
    supervisor.toHandle().destroy();
    lines.await(l -> l.equals("stopping: draining 2 child(ren)"));
    lines.await(l -> l.equals("stopped"));
    assertTrue(supervisor.waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, supervisor.exitValue(), lines.log());
    for (ProcessHandle c : children) {
      c.onExit().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aChildPastAHardTimeoutIsKilledTheTaskRetriedAndASecondSignalKillsAll() throws Exception {
    startPool(
        "--tasks=" + FakeTasks.Stubborn.class.getName(),
        "--processes=2",
        "--process-floor=1",
        "--threads-per-process=1",
        "--kill-after=500ms",
        "--lease=2s",
        "--grace=30s");
    lines.await(l -> l.startsWith("process pool started: 1 child(ren)"));
    lines.await(l -> l.matches("\\[\\d+] worker .* started.*"));

    // Its first attempt never ends: the child is busy, so the supervisor adds one (ceiling 2);
    // the child's 1 s timeout retries the task, the supervisor kills the child 500 ms later.
    TaskHandle<String> stubborn =
        engine
            .submit(FakeTasks.STUBBORN, tmp.resolve("marker").toString())
            .block(Duration.ofSeconds(10));
    lines.await(l -> l.equals("all 1 child(ren) busy: starting one more"));
    String kill = lines.await(l -> l.contains("ran past its timeout PT1S + --kill-after PT0.5S"));
    assertTrue(kill.contains(stubborn.ref().toString()), kill);
    long pid = Long.parseLong(kill.split("[ :]")[1]);
    lines.await(l -> l.startsWith("child " + pid + " exited with 137 (killed: task stubborn"));
    assertEquals("done", lines.within(stubborn.result(Duration.ofSeconds(30))));
    assertEquals(TaskStatus.SUCCEEDED, stubborn.status().block(Duration.ofSeconds(5)).status());

    // A task that is running when SIGTERM comes keeps the drain waiting (grace 30 s); a second
    // signal kills every child and the supervisor exits 130.
    TaskHandle<String> hold = engine.submit(FakeTasks.HOLD, 60_000L).block(Duration.ofSeconds(10));
    hold.statusUpdates()
        .filter(u -> u.status() == TaskStatus.RUNNING)
        .next()
        .block(Duration.ofSeconds(30));
    List<ProcessHandle> children = supervisor.toHandle().children().toList();
    assertFalse(children.isEmpty());
    supervisor.toHandle().destroy();
    lines.await(l -> l.startsWith("stopping: draining"));
    supervisor.toHandle().destroy();
    assertTrue(supervisor.waitFor(30, TimeUnit.SECONDS));
    assertEquals(Shutdown.FORCED_EXIT, supervisor.exitValue(), lines.log());
    for (ProcessHandle c : children) {
      c.onExit().get(10, TimeUnit.SECONDS);
    }
    hold.revoke().block(Duration.ofSeconds(5)); // leave nothing for other tests
  }

  /** A process's output lines, read on a thread of their own, awaited one match at a time. */
  static final class Lines {
    private final LinkedBlockingQueue<String> queue = new LinkedBlockingQueue<>();
    private final StringBuffer log = new StringBuffer();

    Lines(Process p) {
      Thread t =
          new Thread(
              () -> {
                try (BufferedReader r =
                    new BufferedReader(
                        new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                  for (String l = r.readLine(); l != null; l = r.readLine()) {
                    log.append(l).append('\n');
                    queue.add(l);
                  }
                } catch (IOException e) {
                  log.append("(read failed: ").append(e).append(")\n");
                }
              },
              "pool-output");
      t.setDaemon(true);
      t.start();
    }

    /** Blocks on {@code mono}; a failure carries the output so far. */
    <T> T within(reactor.core.publisher.Mono<T> mono) {
      try {
        return mono.block();
      } catch (RuntimeException e) {
        throw new AssertionError(e + "; output:\n" + log, e);
      }
    }

    /** The next line (after the last one awaited) that matches, within 40 s. */
    String await(Predicate<String> match) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
      while (true) {
        long left = deadline - System.nanoTime();
        String l = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : null;
        if (l == null) {
          fail("no such line within 40 s; output:\n" + log);
        }
        if (match.test(l)) {
          return l;
        }
      }
    }

    String log() {
      return log.toString();
    }
  }
}
