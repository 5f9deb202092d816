package io.taskflux.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskflux.testing.redis.RedisExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code submit} against a real Redis: what it refuses stores nothing; files go in chunks. */
class CliSubmitIT {

  @RegisterExtension static final RedisExtension redis = RedisExtension.withServer();

  @Test
  void refusedSubmissionsStoreNothingAndADuplicateIdHasItsOwnExitCode() {
    String uri = "--redis=" + redis.uri();
    CliTest.Run wrongType = CliTest.run("submit", "square", "--json", "\"abc\"", CliTest.MATH, uri);
    assertEquals(CliException.BAD_INPUT, wrongType.code(), wrongType.err());
    CliTest.Run unknown = CliTest.run("submit", "cube", "--json", "3", uri);
    assertEquals(CliException.UNKNOWN_TASK, unknown.code(), unknown.err());
    // Nothing was stored: the task's queue is listed (named by --tasks) and empty.
    CliTest.Run empty = CliTest.run("queues", CliTest.MATH, uri);
    assertEquals(0, empty.code(), empty.err());
    assertTrue(
        empty.out().lines().anyMatch(l -> l.matches("math\\s+0\\s+0\\s+0\\s+0\\s*")), empty.out());
    assertTrue(empty.out().lines().noneMatch(l -> l.startsWith("default ")), empty.out());

    CliTest.Run first =
        CliTest.run(
            "submit", "square", "--json", "2", "--id", "dup-1", "--delay", "1h", CliTest.MATH, uri);
    assertEquals(0, first.code(), first.err());
    CliTest.Run again =
        CliTest.run(
            "submit", "square", "--json", "2", "--id", "dup-1", "--delay", "1h", CliTest.MATH, uri);
    assertEquals(CliException.ALREADY_EXISTS, again.code(), again.err());
    assertTrue(again.err().contains("'dup-1' exists already"), again.err());
    assertTrue(
        !again.err().contains("io.taskflux") && !again.err().contains("Exception"), again.err());

    // A file of 2,500 lines goes in three submitAll chunks; every line becomes one waiting task.
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < 2500; i++) {
      lines.append(i).append('\n');
    }
    java.nio.file.Path file;
    try {
      file = java.nio.file.Files.createTempFile("cli-lines", ".jsonl");
      java.nio.file.Files.writeString(file, lines);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    CliTest.Run many =
        CliTest.run(
            "submit", "square", "--from-file", file.toString(), "--delay", "1h", CliTest.MATH, uri);
    assertEquals(0, many.code(), many.err());
    assertEquals(2500, many.out().lines().filter(l -> l.startsWith("math/")).count());
    CliTest.Run queues = CliTest.run("queues", "--json", uri);
    assertTrue(
        queues.out().contains("\"queue\":\"math\",\"ready\":0,\"delayed\":2501"), queues.out());
  }
}
