package io.taskflux.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskflux.Taskflux;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The runnable jar that {@code mvn package} builds, run as {@code java -jar} in a new JVM. */
class CliJarIT {

  static Path jar() throws IOException {
    try (Stream<Path> files = Files.list(Path.of("target"))) {
      return files
          .filter(p -> p.getFileName().toString().matches("taskflux-cli-.*\\.jar"))
          .findFirst()
          .orElseThrow(() -> new AssertionError("no target/taskflux-cli-*.jar: run mvn package"));
    }
  }

  static String java() {
    return System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
  }

  record Ran(int code, String out) {}

  static Ran run(List<String> cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    return new Ran(p.exitValue(), out);
  }

  @Test
  void helpAndVersionWorkFromTheJar() throws Exception {
    Ran help = run(List.of(java(), "-jar", jar().toString(), "--help"));
    assertEquals(0, help.code(), help.out());
    assertTrue(help.out().contains("Usage: taskflux"), help.out());
    assertTrue(help.out().contains("worker"), help.out());
    Ran version = run(List.of(java(), "-jar", jar().toString(), "--version"));
    assertEquals(0, version.code(), version.out());
    assertTrue(version.out().startsWith("taskflux " + Taskflux.version()), version.out());
    Ran bad = run(List.of(java(), "-jar", jar().toString(), "nonsense"));
    assertEquals(2, bad.code(), bad.out());
  }

  @Test
  void aWorkerStopsGracefullyOnSigterm() throws Exception {
    String cp = jar() + File.pathSeparator + Path.of("target", "test-classes");
    List<String> cmd = new ArrayList<>(List.of(java(), "-cp", cp, Main.class.getName()));
    cmd.addAll(List.of("worker", "thread-pool", "--tasks", FakeTasks.Math.class.getName()));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    BufferedReader lines =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String first = lines.readLine();
    assertTrue(first != null && first.contains("started"), String.valueOf(first));
    p.toHandle().destroy(); // SIGTERM; Process.destroy() would also close our end of its output
    StringBuilder rest = new StringBuilder();
    for (String l = lines.readLine(); l != null; l = lines.readLine()) {
      rest.append(l).append('\n');
    }
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), rest.toString());
    assertTrue(rest.toString().contains("SIGTERM: stopping gracefully"), rest.toString());
    assertTrue(rest.toString().contains("stopped"), rest.toString());
  }
}
