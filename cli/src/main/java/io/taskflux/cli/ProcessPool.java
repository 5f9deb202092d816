package io.taskflux.cli;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code worker process-pool}: a supervisor of child worker JVMs sharing a Redis backend. Each
 * child is {@code worker thread-pool --processes 1} on the same class path and task modules. The
 * supervisor keeps {@code --processes} children alive, restarting one that dies (after a linear
 * backoff between the consumer backoff floor and ceiling when children keep dying). On SIGINT or
 * SIGTERM it asks every child to drain (SIGTERM) and waits for them; a second signal kills them.
 *
 * <p><b>State.</b> Only the main thread touches {@code children}; the forced-exit action reads a
 * snapshot.
 */
@Command(
    name = "process-pool",
    mixinStandardHelpOptions = true,
    description =
        "Supervise child worker JVMs (needs --redis): keep them alive, restart dead ones, drain"
            + " them on SIGINT/SIGTERM.")
final class ProcessPool implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin BackendOptions backend;
  @Mixin PoolOptions pool;

  @Option(
      names = "--threads-per-process",
      defaultValue = "1",
      paramLabel = "N",
      description = "Tasks at once in each child (default: ${DEFAULT-VALUE}, as the seed's pool)")
  int threadsPerProcess;

  @Option(
      names = "--slot-wait",
      defaultValue = "100ms",
      converter = DurationConverter.class,
      description = "Seed option, accepted for compatibility (default: ${DEFAULT-VALUE})")
  Duration slotWait;

  @Option(
      names = "--prune-interval",
      defaultValue = "100ms",
      converter = DurationConverter.class,
      description = "How often dead children are found and replaced (default: ${DEFAULT-VALUE})")
  Duration pruneInterval;

  @Option(
      names = "--child-jvm-option",
      paramLabel = "OPT",
      description = "An option for each child JVM (e.g. -Xmx256m); repeatable")
  List<String> childJvmOptions = new ArrayList<>();

  private final List<Process> children = new ArrayList<>();

  @Override
  public Integer call() throws InterruptedException {
    pool.validate();
    if (backend.inMemory()) {
      throw new CliException(
          CliException.USAGE,
          "process-pool needs --redis URI: child processes cannot share an in-memory backend");
    }
    if (threadsPerProcess <= 0) {
      throw new CliException(
          CliException.USAGE, "--threads-per-process must be > 0, got " + threadsPerProcess);
    }
    pool.applyLogLevel();
    PrintWriter out = spec.commandLine().getOut();
    Main root = Cli.root(spec);
    // Load the tasks here too, so a missing module or a name collision fails once, up front.
    TaskDiscovery.load(pool.tasks, root.loader());
    Shutdown shutdown = root.shutdown(spec.commandLine().getErr());
    shutdown.onForce(() -> List.copyOf(children).forEach(Process::destroyForcibly));

    for (int i = 0; i < pool.processes; i++) {
      children.add(start());
    }
    out.printf("process pool started: %d child(ren) %s%n", children.size(), pids());
    out.flush();
    int deathsInARow = 0;
    while (!shutdown.await(pruneInterval)) {
      boolean died = false;
      for (int i = 0; i < children.size(); i++) {
        Process p = children.get(i);
        if (!p.isAlive()) {
          died = true;
          out.printf("child %d exited with %d; restarting%n", p.pid(), p.exitValue());
          out.flush();
          children.set(i, start());
        }
      }
      deathsInARow = died ? deathsInARow + 1 : 0;
      if (deathsInARow > 1 && shutdown.await(restartBackoff(deathsInARow - 1))) {
        break;
      }
    }
    out.println("stopping: draining " + children.size() + " child(ren)");
    out.flush();
    children.forEach(Process::destroy); // SIGTERM: each child drains gracefully
    long deadline = System.nanoTime() + pool.grace.plus(Duration.ofSeconds(10)).toNanos();
    for (Process p : children) {
      long left = deadline - System.nanoTime();
      if (!p.waitFor(Math.max(0, left), TimeUnit.NANOSECONDS)) {
        p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    }
    out.println("stopped");
    return 0;
  }

  /** The wait before restarting children that keep dying: linear, within floor and ceiling. */
  Duration restartBackoff(int failures) {
    Duration d = pool.backoffFactor.multipliedBy(failures);
    if (d.compareTo(pool.backoffFloor) < 0) {
      d = pool.backoffFloor;
    }
    return d.compareTo(pool.backoffCeiling) > 0 ? pool.backoffCeiling : d;
  }

  private List<Long> pids() {
    return children.stream().map(Process::pid).toList();
  }

  private Process start() {
    List<String> cmd = new ArrayList<>();
    cmd.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
    cmd.addAll(childJvmOptions);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(Main.class.getName());
    cmd.add("worker");
    cmd.add("thread-pool");
    cmd.add("--processes=1");
    cmd.add("--threads=" + threadsPerProcess);
    cmd.add("--redis=" + backend.redis);
    cmd.add("--namespace=" + backend.namespace);
    cmd.addAll(pool.asArguments());
    try {
      return new ProcessBuilder(cmd).inheritIO().start();
    } catch (IOException e) {
      throw new CliException(CliException.FAILED, "cannot start a child worker: " + e.getMessage());
    }
  }
}
