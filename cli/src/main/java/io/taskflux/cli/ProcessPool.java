package io.taskflux.cli;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code worker process-pool}: a supervisor of child worker JVMs sharing a Redis backend. Each
 * child is {@code worker thread-pool --processes 1 --threads T --supervised} on the same class path
 * and task modules, and reports each attempt it starts and ends on its standard output ({@link
 * PoolChannel}).
 *
 * <p>Every {@code --prune-interval} the supervisor:
 *
 * <ol>
 *   <li>kills (SIGKILL) a child with an attempt running longer than its message's timeout plus
 *       {@code --kill-after}: the child's own timeout stops a task by disposing or interrupting it,
 *       so this only catches work that ignores that (a thread that swallows interrupts, a stuck
 *       native call). The attempt was already handled as a timeout by the child (retried or failed)
 *       if the child could; otherwise its lease expires and it is redelivered, which counts as an
 *       attempt, as for any child that dies;
 *   <li>replaces every child that died, at once, or after a linear backoff between the consumer
 *       backoff floor and ceiling when children keep dying within {@value #QUICK_DEATH_SECONDS} s
 *       of their start (a crash loop);
 *   <li>starts one more child, up to {@code --processes}, when every child runs as many attempts as
 *       it has threads; it starts {@code max(--process-floor, 1)} children, so never fewer than the
 *       floor are alive (children above the floor are not stopped when idle).
 * </ol>
 *
 * On SIGINT or SIGTERM it sends SIGTERM to every child (each drains within {@code --grace}) and
 * waits for them (grace + 10 s, then SIGKILL); a second signal kills them at once and exits 130. A
 * child whose supervisor dies drains and exits by itself.
 *
 * <p><b>Threads.</b> The calling (main) thread runs the loop and is the only one to change the list
 * of children; one daemon thread per child reads its output. Nothing here runs on Reactor.
 */
@Command(
    name = "process-pool",
    mixinStandardHelpOptions = true,
    description =
        "Supervise child worker JVMs (needs --redis): keep at least the floor alive, add one when"
            + " all are busy, restart dead ones, kill one whose task runs past its timeout +"
            + " --kill-after; drain them on SIGINT/SIGTERM.")
final class ProcessPool implements Callable<Integer> {

  /** A child dying this soon after its start counts towards the restart backoff. */
  static final int QUICK_DEATH_SECONDS = 10;

  @Spec CommandSpec spec;
  @Mixin BackendOptions backend;
  @Mixin PoolOptions pool;

  @Option(
      names = "--threads-per-process",
      defaultValue = "1",
      paramLabel = "N",
      description = "Tasks at once in each child (default: ${DEFAULT-VALUE})")
  int threadsPerProcess;

  @Option(
      names = "--slot-wait",
      defaultValue = "100ms",
      converter = DurationConverter.class,
      hidden = true,
      description = "Has no effect; kept so that older scripts still run")
  Duration slotWait;

  @Option(
      names = "--prune-interval",
      defaultValue = "100ms",
      converter = DurationConverter.class,
      description =
          "How often children are checked: dead, past a hard timeout, all busy (default:"
              + " ${DEFAULT-VALUE})")
  Duration pruneInterval;

  @Option(
      names = "--kill-after",
      defaultValue = "5s",
      converter = DurationConverter.class,
      description =
          "Hard timeout: kill a child whose task still runs this long after its timeout (default:"
              + " ${DEFAULT-VALUE})")
  Duration killAfter;

  @Option(
      names = "--child-jvm-option",
      paramLabel = "OPT",
      description = "An option for each child JVM (e.g. -Xmx256m); repeatable")
  List<String> childJvmOptions = new ArrayList<>();

  private final List<Child> children = new CopyOnWriteArrayList<>();
  private PrintWriter out;

  /** An attempt a child runs, and when the supervisor kills the child for it. */
  private record Running(String task, String id, Duration timeout, long deadline) {}

  /** One child JVM and what it reported. */
  private final class Child {
    final Process process;
    final long startedAt = System.nanoTime();
    final Map<Long, Running> running = new ConcurrentHashMap<>();
    final Thread reader;
    String killedFor;

    Child(Process process) {
      this.process = process;
      this.reader = new Thread(this::read, "taskflux-pool-child-" + process.pid());
      reader.setDaemon(true);
      reader.start();
    }

    /** Reads the child's output: channel lines update {@link #running}, others are forwarded. */
    private void read() {
      try (BufferedReader lines =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), Charset.defaultCharset()))) {
        for (String l = lines.readLine(); l != null; l = lines.readLine()) {
          PoolChannel.Event e = PoolChannel.parse(l);
          if (e == null) {
            say("[" + process.pid() + "] " + l);
          } else if (e.start()) {
            long deadline = System.nanoTime() + e.timeout().plus(killAfter).toNanos();
            running.put(e.seq(), new Running(e.task(), e.id(), e.timeout(), deadline));
          } else {
            running.remove(e.seq());
          }
        }
      } catch (IOException e) {
        // The child is gone and its pipe closed: nothing more to read.
      }
    }

    boolean busy() {
      return running.size() >= threadsPerProcess;
    }
  }

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
    if (killAfter.isNegative() || pruneInterval.isZero() || pruneInterval.isNegative()) {
      throw new CliException(
          CliException.USAGE, "--kill-after must be >= 0 and --prune-interval > 0");
    }
    pool.applyLogLevel();
    out = spec.commandLine().getOut();
    Main root = Cli.root(spec);
    // Load the tasks here too, so a missing module or a name collision fails once, up front.
    TaskDiscovery.load(pool.tasks, root.loader());
    Shutdown shutdown = root.shutdown(spec.commandLine().getErr());
    shutdown.onForce(() -> children.forEach(c -> c.process.destroyForcibly()));

    int wanted = Math.max(1, pool.processFloor);
    for (int i = 0; i < wanted; i++) {
      children.add(start());
    }
    say(
        "process pool started: "
            + children.size()
            + " child(ren) "
            + pids()
            + ", up to "
            + pool.processes
            + " x "
            + threadsPerProcess
            + " thread(s)");
    int quickDeaths = 0;
    long notBefore = System.nanoTime();
    while (!shutdown.await(pruneInterval)) {
      long now = System.nanoTime();
      long quickDeath = TimeUnit.SECONDS.toNanos(QUICK_DEATH_SECONDS);
      for (Child c : children) {
        killIfPastHardTimeout(c, now);
      }
      if (quickDeaths > 0 && children.stream().allMatch(c -> now - c.startedAt >= quickDeath)) {
        quickDeaths = 0; // the crash loop is over
      }
      for (Child c : children) {
        if (c.process.isAlive()) {
          continue;
        }
        children.remove(c);
        boolean quick = now - c.startedAt < quickDeath;
        if (c.killedFor == null) {
          quickDeaths = quick ? quickDeaths + 1 : 0;
        }
        if (quickDeaths > 1) {
          notBefore = now + restartBackoff(quickDeaths - 1).toNanos();
        }
        say(
            "child "
                + c.process.pid()
                + " exited with "
                + c.process.exitValue()
                + (c.killedFor == null ? "" : " (killed: " + c.killedFor + ")")
                + (c.running.isEmpty() ? "" : ", " + c.running.size() + " attempt(s) lost")
                + "; restarting"
                + (quickDeaths > 1 ? " after " + restartBackoff(quickDeaths - 1) : ""));
      }
      if (children.size() >= wanted
          && wanted < pool.processes
          && children.stream().allMatch(Child::busy)) {
        wanted++;
        say("all " + children.size() + " child(ren) busy: starting one more");
      }
      while (children.size() < wanted && System.nanoTime() - notBefore >= 0) {
        Child c = start();
        children.add(c);
        say("child " + c.process.pid() + " started (" + children.size() + " running)");
      }
    }
    say("stopping: draining " + children.size() + " child(ren)");
    // SIGTERM through the handle: Process.destroy() would also close our end of its output.
    children.forEach(c -> c.process.toHandle().destroy());
    long deadline = System.nanoTime() + pool.grace.plus(Duration.ofSeconds(10)).toNanos();
    for (Child c : children) {
      long left = deadline - System.nanoTime();
      if (!c.process.waitFor(Math.max(0, left), TimeUnit.NANOSECONDS)) {
        say("child " + c.process.pid() + " did not stop in time: killing it");
        c.process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
      c.reader.join(1000); // its last lines
    }
    say("stopped");
    return 0;
  }

  private void killIfPastHardTimeout(Child c, long now) {
    if (c.killedFor != null || !c.process.isAlive()) {
      return;
    }
    for (Running r : c.running.values()) {
      if (now - r.deadline() > 0) {
        c.killedFor =
            "task "
                + r.task()
                + " "
                + r.id()
                + " ran past its timeout "
                + r.timeout()
                + " + --kill-after "
                + killAfter;
        say("child " + c.process.pid() + ": " + c.killedFor + "; killing the child");
        c.process.destroyForcibly();
        return;
      }
    }
  }

  private void say(String line) {
    out.println(line);
    out.flush();
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
    return children.stream().map(c -> c.process.pid()).toList();
  }

  private Child start() {
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
    cmd.add("--supervised");
    cmd.addAll(pool.asArguments());
    try {
      return new Child(
          new ProcessBuilder(cmd)
              .redirectInput(ProcessBuilder.Redirect.INHERIT)
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start());
    } catch (IOException e) {
      throw new CliException(
          CliException.INTERNAL, "cannot start a child worker: " + e.getMessage());
    }
  }
}
