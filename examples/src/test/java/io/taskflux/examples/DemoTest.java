package io.taskflux.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskflux.Taskflux;
import io.taskflux.task.TaskStatus;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DemoTest {

  @Test
  void theDemoRunsASmallCountToTheEndAndPrintsTheSummary() {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    Demo.Summary s = Demo.run(300, new PrintStream(buf, true, StandardCharsets.UTF_8), false);
    String out = buf.toString(StandardCharsets.UTF_8);
    assertTrue(out.contains("taskflux " + Taskflux.version()), out);
    assertTrue(out.contains("progress: 300/300 (100%)"), out);
    for (String row : new String[] {"throughput", "p50", "p99", "retries", "dead-letter queue"}) {
      assertTrue(out.contains(row), row + " missing:\n" + out);
    }
    assertEquals(300, s.submitted());
    int succeeded = s.statuses().getOrDefault(TaskStatus.SUCCEEDED, 0);
    int failed = s.statuses().getOrDefault(TaskStatus.FAILED, 0);
    assertEquals(300, succeeded + failed, "every task ends in a terminal status: " + s.statuses());
    // Remote calls 2, 32, 62, ... (i % 30 == 2) are poisoned: 10 of them among 300; a healthy call
    // may also fail four times in a row (0.2^4).
    assertTrue(failed >= 10, "failed " + failed);
    assertEquals(failed, s.deadLetters());
    assertTrue(s.retries() >= 10 * 3, "each poisoned call is retried 3 times: " + s.retries());
  }

  @Test
  void theSumOfAChecksumIsStable() {
    assertEquals(Demo.checksum(new Demo.Chunk(1, 1024)), Demo.checksum(new Demo.Chunk(1, 1024)));
    assertEquals(64, Demo.checksum(new Demo.Chunk(2, 10)).length());
  }
}
