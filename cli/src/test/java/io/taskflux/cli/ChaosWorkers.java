package io.taskflux.cli;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The worker processes of {@link ChaosIT}: each slot runs {@code taskflux worker thread-pool} with
 * {@link ChaosTasks} in a child JVM (the built jar plus the test classes), its output appended to
 * {@code worker-<slot>.out}. A slot can be SIGKILLed and started again; the pids of killed
 * processes are remembered, so a duplicate execution can be traced to a killed worker.
 */
final class ChaosWorkers implements AutoCloseable {

  private final String redisUri;
  private final Path dir;
  private final Process[] slots;
  private final Set<Long> killed = new HashSet<>();
  private int kills;

  ChaosWorkers(String redisUri, Path dir, int count) {
    this.redisUri = redisUri;
    this.dir = dir;
    this.slots = new Process[count];
  }

  /** Starts every slot. */
  synchronized void startAll() throws IOException {
    for (int i = 0; i < slots.length; i++) {
      slots[i] = launch(i);
    }
  }

  private Process launch(int slot) throws IOException {
    String cp = CliJarIT.jar() + File.pathSeparator + Path.of("target", "test-classes");
    List<String> cmd = new ArrayList<>(List.of(CliJarIT.java()));
    cmd.addAll(ProcessPoolIT.QUICK_JVM);
    cmd.add("-Xmx256m");
    cmd.add("-D" + ChaosTasks.LOG_PROPERTY + "=" + dir);
    cmd.addAll(List.of("-cp", cp, Main.class.getName(), "worker", "thread-pool"));
    cmd.add("--redis=" + redisUri);
    cmd.add("--tasks=" + ChaosTasks.class.getName());
    cmd.add("--processes=1");
    cmd.add("--threads=32");
    cmd.add("--lease=2s");
    cmd.add("--grace=20s");
    File out = dir.resolve("worker-" + slot + ".out").toFile();
    return new ProcessBuilder(cmd)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(out))
        .start();
  }

  /** SIGKILLs the worker in {@code slot} and starts a new one in its place; returns the old pid. */
  synchronized long killAndRestart(int slot) throws IOException, InterruptedException {
    Process victim = slots[slot];
    long pid = victim.pid();
    victim.destroyForcibly(); // SIGKILL on Linux
    victim.waitFor(10, TimeUnit.SECONDS);
    killed.add(pid);
    kills++;
    slots[slot] = launch(slot);
    return pid;
  }

  int size() {
    return slots.length;
  }

  synchronized int kills() {
    return kills;
  }

  synchronized Set<Long> killedPids() {
    return Set.copyOf(killed);
  }

  /** SIGTERM to every worker (graceful drain), then SIGKILL whatever is left after 30 s. */
  @Override
  public synchronized void close() throws InterruptedException {
    for (Process p : slots) {
      if (p != null) {
        p.toHandle().destroy();
      }
    }
    for (Process p : slots) {
      if (p != null && !p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }
}
