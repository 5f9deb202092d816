package io.taskflux.cli;

import static io.taskflux.cli.CliTest.MATH;
import static io.taskflux.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskflux.cli.CliTest.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code submit} refuses before storing anything, and the exit codes in {@code --help}. */
class SubmitCheckTest {

  @TempDir Path tmp;

  @Test
  void helpListsADistinctExitCodeForEachCause() {
    Run help = run("--help");
    assertEquals(0, help.code());
    String codes = help.out().substring(help.out().indexOf("Exit codes:"));
    for (String code : new String[] {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "130"}) {
      assertTrue(codes.lines().anyMatch(l -> l.strip().startsWith(code + " ")), code + codes);
    }
    assertTrue(help.out().contains("TASKFLUX_REDIS_URL"), help.out());
  }

  @Test
  void aTaskNoModuleDefinesIsRefusedUnlessAQueueIsGiven() {
    Run none = run("submit", "charge", "--json", "{}");
    assertEquals(CliException.UNKNOWN_TASK, none.code(), none.err());
    assertTrue(none.err().contains("unknown task 'charge'"), none.err());
    assertTrue(none.err().contains("--tasks"), none.err());
    assertTrue(none.err().contains("--queue"), none.err());

    Run withQueue = run("submit", "charge", "--json", "{}", "--queue", "payments");
    assertEquals(0, withQueue.code(), withQueue.err());
    assertTrue(withQueue.out().startsWith("payments/"), withQueue.out());
  }

  @Test
  void inputOfTheWrongTypeIsRefusedWithItsOwnExitCode() {
    for (String bad : new String[] {"\"abc\"", "\"12\"", "1.5", "{\"n\":1}", "null"}) {
      Run r = run("submit", "square", "--json", bad, MATH);
      assertEquals(CliException.BAD_INPUT, r.code(), bad + ": " + r.err());
      assertTrue(r.err().contains("task 'square'"), r.err());
      assertTrue(r.err().contains("nothing was stored"), r.err());
      assertFalse(r.err().contains("Exception"), r.err());
      assertEquals("", r.out(), "no id printed for " + bad);
    }
    Run shop =
        run(
            "submit",
            "charge",
            "--json",
            "{\"id\":\"o-1\",\"cents\":\"lots\"}",
            "--tasks",
            "io.taskflux.cli.examples.ShopTasks");
    assertEquals(CliException.BAD_INPUT, shop.code(), shop.err());
    Run unknownField =
        run(
            "submit",
            "charge",
            "--json",
            "{\"id\":\"o-1\",\"cents\":5,\"tip\":1}",
            "--tasks",
            "io.taskflux.cli.examples.ShopTasks");
    assertEquals(CliException.BAD_INPUT, unknownField.code(), unknownField.err());
    assertTrue(unknownField.err().contains("tip"), unknownField.err());
  }

  @Test
  void aFileOfJsonLinesIsCheckedLineByLineBeforeAnythingIsStored() throws Exception {
    Path good = Files.writeString(tmp.resolve("good.jsonl"), "1\n2\n\n3\n");
    Run ok = run("submit", "square", "--from-file", good.toString(), MATH);
    assertEquals(0, ok.code(), ok.err());
    assertEquals(3, ok.out().lines().filter(l -> l.startsWith("math/")).count(), ok.out());
    assertTrue(ok.err().contains("3 task(s) submitted"), ok.err());

    Path bad = Files.writeString(tmp.resolve("bad.jsonl"), "1\n2\n\n\"x\"\n");
    Run refused = run("submit", "square", "--from-file", bad.toString(), MATH);
    assertEquals(CliException.BAD_INPUT, refused.code(), refused.err());
    assertTrue(refused.err().contains("line 4 of " + bad), refused.err());
    assertEquals("", refused.out());

    Run both = run("submit", "square", "--from-file", good.toString(), "--json", "1", MATH);
    assertEquals(CliException.USAGE, both.code());
    Run missing = run("submit", "square", "--from-file", tmp.resolve("nope").toString(), MATH);
    assertEquals(CliException.USAGE, missing.code());
    assertTrue(missing.err().contains("no such file"), missing.err());
  }
}
