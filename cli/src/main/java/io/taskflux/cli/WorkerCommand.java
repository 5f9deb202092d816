package io.taskflux.cli;

import io.taskflux.engine.TaskEngine;
import io.taskflux.engine.WorkerOptions;
import io.taskflux.spi.QueueStats;
import io.taskflux.worker.Worker;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import reactor.core.publisher.Flux;

/** {@code worker thread-pool} and {@code worker process-pool}. */
@Command(
    name = "worker",
    mixinStandardHelpOptions = true,
    description = "Run workers until SIGINT/SIGTERM (graceful drain; a second signal forces exit).",
    subcommands = {WorkerCommand.ThreadPool.class, ProcessPool.class})
final class WorkerCommand implements Runnable {
  @Spec CommandSpec spec;

  /** How often a worker on a terminal prints its progress. */
  static final Duration PROGRESS_EVERY = Duration.ofSeconds(2);

  @Override
  public void run() {
    throw new ParameterException(
        spec.commandLine(), "Missing a pool: worker thread-pool or worker process-pool");
  }

  @Command(
      name = "thread-pool",
      mixinStandardHelpOptions = true,
      description =
          "Run tasks in this process: capacity = threads x processes tasks at once (reactive tasks"
              + " hold no thread; blocking ones run on the engine's bounded pool).")
  static final class ThreadPool implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin BackendOptions backend;
    @Mixin PoolOptions pool;

    @Option(
        names = "--threads",
        defaultValue = "8",
        paramLabel = "N",
        description = "Tasks at once per process group (default: ${DEFAULT-VALUE})")
    int threads;

    @Option(
        names = "--slot-wait",
        defaultValue = "50ms",
        converter = DurationConverter.class,
        hidden = true,
        description =
            "Has no effect (a saturated worker waits for a free slot without polling); kept so that"
                + " older scripts still run")
    Duration slotWait;

    @Option(
        names = "--complete-only-on-thread-exit",
        description = "Free the slot of a timed-out blocking task only when its thread returns")
    boolean completeOnlyOnThreadExit;

    @Option(
        names = "--supervised",
        hidden = true,
        description =
            "Set by process-pool on its children: report attempts on stdout (PoolChannel) and stop"
                + " when the supervisor exits")
    boolean supervised;

    @Override
    public Integer call() throws InterruptedException {
      pool.validate();
      if (threads <= 0) {
        throw new CliException(CliException.USAGE, "--threads must be > 0, got " + threads);
      }
      pool.applyLogLevel();
      PrintWriter out = spec.commandLine().getOut();
      Main root = Cli.root(spec);
      TaskRegistry registry = TaskDiscovery.load(pool.tasks, root.loader());
      List<String> queues = pool.queuesFor(registry);
      Shutdown shutdown = root.shutdown(spec.commandLine().getErr());
      TaskEngine engine = backend.open();
      PoolChannel.Reporter reporter = supervised ? new PoolChannel.Reporter(out) : null;
      if (supervised) {
        // An orphan (its supervisor was killed) drains and exits instead of running on unwatched.
        ProcessHandle.current().parent().ifPresent(p -> p.onExit().thenRun(shutdown::request));
      }
      try {
        registry.applyTo(engine, reporter);
        int capacity = threads * pool.processes;
        Worker worker =
            engine
                .workers(
                    WorkerOptions.defaults()
                        .withQueues(queues)
                        .concurrency(capacity)
                        .lease(pool.lease)
                        .gracePeriod(pool.grace)
                        .completeOnlyOnThreadExit(completeOnlyOnThreadExit))
                .start();
        out.printf(
            "worker %s started: %d task(s) %s, queues %s, capacity %d, backend %s%n",
            worker.id(),
            registry.definitions().size(),
            registry.definitions().stream().map(d -> d.name()).toList(),
            queues,
            capacity,
            backend.inMemory() ? "in-memory" : backend.redis);
        out.flush();
        boolean terminal = System.console() != null;
        while (!shutdown.await(PROGRESS_EVERY)) {
          if (terminal) {
            out.print("\r" + progress(engine, queues, worker));
            out.flush();
          }
        }
        out.println((terminal ? "\n" : "") + "stopping: " + worker.inFlight() + " task(s) running");
        out.flush();
        worker.stop().block(pool.grace.plus(Cli.OPERATION));
        out.println("stopped");
        return 0;
      } finally {
        engine.closeAsync().onErrorComplete().block(Cli.OPERATION);
        if (reporter != null) {
          reporter.close();
        }
      }
    }

    private static String progress(TaskEngine engine, List<String> queues, Worker worker) {
      List<QueueStats> stats =
          Flux.fromIterable(queues)
              .concatMap(q -> engine.backend().stats(q))
              .collectList()
              .onErrorReturn(List.of())
              .block(Cli.OPERATION);
      long ready = stats.stream().mapToLong(QueueStats::ready).sum();
      long delayed = stats.stream().mapToLong(QueueStats::delayed).sum();
      long dead = stats.stream().mapToLong(QueueStats::deadLetters).sum();
      return String.format(
          "running %d | ready %d | delayed %d | dead letters %d   ",
          worker.inFlight(), ready, delayed, dead);
    }
  }
}
