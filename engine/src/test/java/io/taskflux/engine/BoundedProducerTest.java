package io.taskflux.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A producer faster than its workers, in a child JVM with a 64 MB heap (issue 9: "a producer faster
 * than the workers meets backpressure or a clear capacity error, never an out-of-memory"). 150,000
 * tasks need about twice that heap when all queued at once (~805 bytes each, see
 * benchmarks/results/memory-*.md), so only the bound keeps the child alive; the second test takes
 * the bound away and shows the same producer does run out of memory, so the first can fail.
 *
 * <p>Completed tasks keep their result and status for their TTLs (~655 bytes each in memory), which
 * the capacity does not bound; the child keeps them 2 seconds.
 */
class BoundedProducerTest {

  private static final int TASKS = 150_000;
  private static final int CAPACITY = 10_000;

  @TempDir Path dir;

  @Test
  void aProducerFasterThanTheWorkersMeetsTheCapacityErrorAndStaysInItsHeap() throws Exception {
    Child child = run(CAPACITY, 300);

    assertEquals(0, child.exit, child.toString());
    Map<String, String> out = child.fields();
    assertEquals(String.valueOf(TASKS), out.get("submitted"), child.toString());
    assertEquals(String.valueOf(TASKS), out.get("ran"), child.toString());
    assertEquals("true", out.get("sumOk"), child.toString());
    assertTrue(Long.parseLong(out.get("capacityErrors")) > 0, child.toString());
    assertTrue(Long.parseLong(out.get("maxLive")) <= CAPACITY, child.toString());
    assertTrue(out.get("firstError").contains("capacity"), child.toString());
    assertTrue(out.get("firstError").contains(String.valueOf(CAPACITY)), child.toString());
  }

  @Test
  void withoutTheBoundTheSameProducerRunsOutOfMemory() throws Exception {
    // Capacity above the task count: the producer never meets the bound, workers never start.
    Child child = run(TASKS + 1, 120);

    assertEquals(3, child.exit, "ExitOnOutOfMemoryError's exit code; " + child);
    assertTrue((child.stdout + child.stderr).contains("OutOfMemoryError"), child.toString());
  }

  private Child run(int capacity, int deadlineSeconds) throws IOException, InterruptedException {
    Path stdout = dir.resolve("out-" + capacity);
    Path stderr = dir.resolve("err-" + capacity);
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx64m");
    command.add("-XX:+ExitOnOutOfMemoryError");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(BoundedProducerMain.class.getName());
    command.add(String.valueOf(TASKS));
    command.add(String.valueOf(capacity));
    command.add("64"); // worker concurrency
    command.add("1"); // ms per task
    command.add(String.valueOf(deadlineSeconds));
    command.add("2"); // seconds results and statuses are kept
    Process p =
        new ProcessBuilder(command)
            .redirectOutput(stdout.toFile())
            .redirectError(stderr.toFile())
            .start();
    if (!p.waitFor(deadlineSeconds + 60, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
    }
    return new Child(p.exitValue(), Files.readString(stdout), Files.readString(stderr));
  }

  private record Child(int exit, String stdout, String stderr) {

    Map<String, String> fields() {
      Map<String, String> out = new HashMap<>();
      String line = stdout.strip();
      int error = line.indexOf(" firstError=");
      if (error >= 0) {
        out.put("firstError", line.substring(error + " firstError=".length()));
        line = line.substring(0, error);
      }
      for (String field : line.split(" ")) {
        int eq = field.indexOf('=');
        if (eq > 0) {
          out.put(field.substring(0, eq), field.substring(eq + 1));
        }
      }
      return out;
    }

    @Override
    public String toString() {
      return "child exit " + exit + "\nstdout: " + stdout + "\nstderr (tail): " + tail(stderr);
    }

    private static String tail(String s) {
      return s.length() <= 2000 ? s : s.substring(s.length() - 2000);
    }
  }
}
