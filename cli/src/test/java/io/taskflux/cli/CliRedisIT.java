package io.taskflux.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskflux.testing.redis.RedisExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The command line against a real Redis: a worker in one "process", submit/status/result in others.
 */
class CliRedisIT {

  @RegisterExtension static final RedisExtension redis = RedisExtension.withServer();

  @Test
  void submitStatusAndResultGoThroughRedisToAWorker() throws Exception {
    String uri = "--redis=" + redis.uri();
    Shutdown shutdown = new Shutdown(new PrintWriter(Writer.nullWriter()));
    CompletableFuture<Integer> worker =
        CompletableFuture.supplyAsync(
            () ->
                Main.commandLine(
                        new Main(shutdown, CliRedisIT.class.getClassLoader()),
                        new PrintWriter(new StringWriter(), true),
                        new PrintWriter(new StringWriter(), true))
                    .execute("worker", "thread-pool", CliTest.MATH, uri, "--threads", "2"));
    try {
      CliTest.Run submitted =
          CliTest.run("submit", "square", "--json", "12", "--wait", "20s", CliTest.MATH, uri);
      assertEquals(0, submitted.code(), submitted.err());
      String[] lines = submitted.out().strip().split("\n");
      String queueAndId = lines[0];
      assertTrue(queueAndId.startsWith("math/"), submitted.out());
      assertEquals("144", lines[1]);

      CliTest.Run status = CliTest.run("status", queueAndId, uri);
      assertEquals(0, status.code(), status.err());
      assertTrue(status.out().contains("SUCCEEDED"), status.out());

      // A task that fails for good lands in the dead-letter queue; purge deletes it.
      CliTest.Run boom =
          CliTest.run("submit", "boom", "--json", "\"x\"", "--wait", "20s", CliTest.MATH, uri);
      assertEquals(1, boom.code(), boom.out() + boom.err());
      CliTest.Run dead = CliTest.run("dlq", "list", uri);
      assertTrue(dead.out().contains("boom"), dead.out());
      CliTest.Run purge = CliTest.run("dlq", "purge", "--queue", "math", uri);
      assertEquals(0, purge.code(), purge.err());
      assertTrue(purge.out().contains("1 dead letter(s) deleted"), purge.out());
      assertTrue(CliTest.run("dlq", "list", uri).out().contains("(no dead letters)"));

      // A message waiting for an hour shows in the queue listing (a drained queue lists nothing).
      CliTest.Run later =
          CliTest.run("submit", "square", "--json", "3", "--delay", "1h", CliTest.MATH, uri);
      assertEquals(0, later.code(), later.err());
      CliTest.Run queues = CliTest.run("queues", uri);
      assertEquals(0, queues.code(), queues.err());
      assertTrue(
          queues.out().lines().anyMatch(l -> l.matches("math\\s+0\\s+1\\s+0\\s+0.*")),
          queues.out());
    } finally {
      shutdown.request();
      assertEquals(0, worker.get(30, TimeUnit.SECONDS));
    }
  }

  @Test
  void anUnreachableRedisIsAClearError() {
    CliTest.Run r = CliTest.run("status", "math/x", "--redis=redis://127.0.0.1:1");
    assertEquals(CliException.BACKEND, r.code(), r.err());
    assertTrue(r.err().contains("127.0.0.1:1"), r.err());
  }
}
