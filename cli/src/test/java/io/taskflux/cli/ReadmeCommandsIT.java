package io.taskflux.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.taskflux.testing.redis.RedisExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "Command line" walkthrough, run as written: the fenced bash block(s) of that section
 * are extracted, each command wrapped so that its exit code and output are recorded, and the whole
 * sequence runs in one bash (shell variables such as {@code ID} carry over) through the real {@code
 * ./taskflux} script and the built jar, against a real redis-server. Only the Redis URL is replaced
 * (the README's {@code redis://localhost:6379} by the harness's). Each command must match one
 * {@link #EXPECTED} entry, which states its exit code and what its output must show: a README edit
 * that breaks a command, or adds one nobody checks, fails this test.
 */
class ReadmeCommandsIT {

  @RegisterExtension static final RedisExtension redis = RedisExtension.withServer();

  static final String README_REDIS = "redis://localhost:6379";

  @TempDir Path tmp;

  /** What one README command must do: exit code, and a check of its output (or its value). */
  record Expect(Pattern command, int exitCode, String shows, Predicate<String> output) {
    static Expect of(String commandRegex, int exitCode, String shows, Predicate<String> output) {
      return new Expect(Pattern.compile(commandRegex), exitCode, shows, output);
    }

    static Expect contains(String commandRegex, int exitCode, String... parts) {
      return of(
          commandRegex,
          exitCode,
          "contains " + List.of(parts),
          out -> List.of(parts).stream().allMatch(out::contains));
    }
  }

  private static final Predicate<String> QUEUE_AND_ID =
      v -> v.strip().matches("payments/[A-Za-z0-9_.:-]+");

  /** In README order; the first entry whose pattern finds the command applies. */
  static final List<Expect> EXPECTED =
      List.of(
          Expect.contains("^\\./taskflux --help$", 0, "Usage: taskflux", "Exit codes:"),
          Expect.contains("^export TASKFLUX_REDIS_URL=", 0),
          Expect.contains(
              "^\\./taskflux worker thread-pool .*&$",
              0,
              "worker",
              "started",
              "[charge, report]",
              "stopped"),
          Expect.contains("^WORKER=\\$!$", 0),
          Expect.contains("submit charge .*o-1.*--wait", 0, "payments/", "\"charged 4200 cents\""),
          Expect.of("^ID=\\$\\(\\./taskflux submit charge ", 0, "QUEUE/ID", QUEUE_AND_ID),
          Expect.contains("^\\./taskflux result \\$ID ", 0, "\"charged 1999 cents\""),
          Expect.contains("^\\./taskflux status \\$ID$", 0, "\"status\":\"SUCCEEDED\""),
          Expect.of(
              "^LATER=\\$\\(\\./taskflux submit charge .*--delay", 0, "QUEUE/ID", QUEUE_AND_ID),
          Expect.contains("^\\./taskflux revoke \\$LATER$", 0, " REVOKED"),
          Expect.contains(
              "submit charge .*o-4.*--wait", 1, "\"status\":\"FAILED\"", "declined: order o-4"),
          Expect.contains("^\\./taskflux dlq list$", 0, "charge", "declined: order o-4", "revoked"),
          Expect.contains(
              "^\\./taskflux dlq purge --queue payments$", 0, "2 dead letter(s) deleted"),
          Expect.of(
              "--from-file -$",
              0,
              "two QUEUE/ID lines",
              out ->
                  out.lines().filter(l -> l.matches("payments/\\S+")).count() == 2
                      && out.contains("2 task(s) submitted")),
          Expect.of(
              "^\\./taskflux queues --tasks ",
              0,
              "a row for payments and an empty row for reports",
              out ->
                  out.lines().anyMatch(l -> l.startsWith("payments "))
                      && out.lines().anyMatch(l -> l.matches("reports\\s+0\\s+0\\s+0\\s+0\\s*"))),
          Expect.contains("^kill \\$WORKER; wait \\$WORKER$", 0),
          Expect.contains(
              "^\\./taskflux worker process-pool .*&$", 0, "process pool", "stopping", "stopped"),
          Expect.contains("^POOL=\\$!$", 0),
          Expect.contains("submit charge .*o-7.*--wait", 0, "\"charged 300 cents\""),
          Expect.contains("^kill \\$POOL; wait \\$POOL$", 0),
          Expect.contains("^\\./taskflux demo ", 0, "throughput"));

  /** The commands of the fenced bash blocks of the README's "## Command line" section. */
  static List<String> commands(String readme) {
    int start = readme.indexOf("\n## Command line\n");
    assertTrue(start >= 0, "README.md has no '## Command line' section");
    int end = readme.indexOf("\n## ", start + 1);
    String section = readme.substring(start, end < 0 ? readme.length() : end);
    List<String> commands = new ArrayList<>();
    boolean inBash = false;
    StringBuilder pending = new StringBuilder();
    for (String line : section.split("\n", -1)) {
      if (!inBash) {
        inBash = line.strip().equals("```bash");
        continue;
      }
      if (line.strip().equals("```")) {
        inBash = false;
        continue;
      }
      String code = stripComment(line).stripTrailing();
      if (code.endsWith("\\")) {
        pending.append(code, 0, code.length() - 1).append(' ');
        continue;
      }
      pending.append(code);
      String command = pending.toString().strip().replaceAll("\\s+", " ");
      pending.setLength(0);
      if (!command.isEmpty()) {
        commands.add(command);
      }
    }
    return commands;
  }

  /** Drops a trailing {@code # comment} outside quotes. */
  private static String stripComment(String line) {
    boolean single = false;
    boolean dbl = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '\'' && !dbl) {
        single = !single;
      } else if (c == '"' && !single) {
        dbl = !dbl;
      } else if (c == '#' && !single && !dbl && (i == 0 || line.charAt(i - 1) == ' ')) {
        return line.substring(0, i);
      }
    }
    return line;
  }

  /**
   * One bash script running {@code commands} in order, recording for step {@code i} its output in
   * {@code i.out} (stdout and stderr), its exit code in {@code i.rc}, and for an assignment {@code
   * NAME=$(...)} the value in {@code i.val}. A command ending in {@code &} keeps its own pid in
   * {@code $!} (a simple command with redirections, not a subshell), so the README's {@code kill}
   * reaches the JVM.
   */
  static String script(List<String> commands, Path dir) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < commands.size(); i++) {
      String c = commands.get(i);
      Path out = dir.resolve(i + ".out");
      Path rc = dir.resolve(i + ".rc");
      s.append("echo '### step ").append(i).append("' >&2\n");
      if (c.endsWith("&") && !c.endsWith("&&")) {
        s.append(c, 0, c.length() - 1).append(" > '").append(out).append("' 2>&1 &\n");
        s.append("echo 0 > '").append(rc).append("'\n");
        continue;
      }
      s.append("{ ").append(c).append("\n} > '").append(out).append("' 2>&1\n");
      s.append("echo $? > '").append(rc).append("'\n");
      var assignment = Pattern.compile("^([A-Za-z_][A-Za-z0-9_]*)=").matcher(c);
      if (assignment.find()) {
        s.append("printf '%s' \"$")
            .append(assignment.group(1))
            .append("\" > '")
            .append(dir.resolve(i + ".val"))
            .append("'\n");
      }
    }
    return s.toString();
  }

  @Test
  void theReadmeCommandLineWalkthroughRunsAsWritten() throws Exception {
    Path repo = Path.of("..").toAbsolutePath().normalize();
    String readme = Files.readString(repo.resolve("README.md"), StandardCharsets.UTF_8);
    List<String> commands = commands(readme);
    assertFalse(commands.isEmpty(), "no bash commands in the README's Command line section");
    assertTrue(
        String.join("\n", commands).contains(README_REDIS),
        "the walkthrough no longer names " + README_REDIS + ", which this test replaces");
    Path steps = Files.createDirectories(tmp.resolve("steps"));
    String script = script(commands, steps).replace(README_REDIS, redis.uri());
    Path file = tmp.resolve("readme.sh");
    Files.writeString(file, script, StandardCharsets.UTF_8);

    ProcessBuilder pb = new ProcessBuilder("bash", file.toString()).directory(repo.toFile());
    pb.environment().remove("TASKFLUX_REDIS_URL");
    // Small, quick JVMs on a loaded machine; the commands themselves are the README's.
    pb.environment().put("JAVA_OPTS", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC");
    pb.redirectErrorStream(true).redirectOutput(tmp.resolve("bash.log").toFile());
    Process bash = pb.start();
    try {
      if (!bash.waitFor(6, TimeUnit.MINUTES)) {
        fail("the walkthrough did not finish in 6 minutes:\n" + report(commands, steps));
      }
    } finally {
      // Whatever the outcome, no worker started by the script outlives the test.
      bash.descendants().forEach(ProcessHandle::destroyForcibly);
      bash.destroyForcibly();
    }

    Set<Expect> used = new LinkedHashSet<>();
    for (int i = 0; i < commands.size(); i++) {
      String command = commands.get(i);
      Expect e = expectation(command);
      used.add(e);
      String rc = read(steps.resolve(i + ".rc")).strip();
      String out = read(steps.resolve(i + ".out"));
      Path valFile = steps.resolve(i + ".val");
      String shown = Files.exists(valFile) ? read(valFile) : out;
      String context =
          "README command " + (i + 1) + ": " + command + "\n" + report(commands, steps);
      assertEquals(String.valueOf(e.exitCode()), rc, "exit code of " + context);
      assertTrue(e.output().test(shown), "output should show " + e.shows() + " — " + context);
    }
    assertEquals(
        EXPECTED.size(),
        used.size(),
        "every expected step appears in the README, in order; missing: "
            + EXPECTED.stream().filter(x -> !used.contains(x)).map(Expect::command).toList());
  }

  private static Expect expectation(String command) {
    return EXPECTED.stream()
        .filter(e -> e.command().matcher(command).find())
        .findFirst()
        .orElseThrow(
            () ->
                new AssertionError(
                    "README command without an expectation in ReadmeCommandsIT: " + command));
  }

  private static String report(List<String> commands, Path steps) {
    StringBuilder r = new StringBuilder();
    for (int i = 0; i < commands.size(); i++) {
      r.append("--- [")
          .append(i + 1)
          .append("] ")
          .append(commands.get(i))
          .append("  => exit ")
          .append(read(steps.resolve(i + ".rc")).strip())
          .append('\n')
          .append(read(steps.resolve(i + ".out")).strip())
          .append('\n');
    }
    return r.toString();
  }

  private static String read(Path p) {
    try {
      return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "(none)";
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }
}
