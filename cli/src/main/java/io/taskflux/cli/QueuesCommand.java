package io.taskflux.cli;

import io.taskflux.engine.TaskDefinition;
import io.taskflux.spi.QueueStats;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code queues}: depth, in-flight, delayed and dead letters of every queue. */
@Command(
    name = "queues",
    mixinStandardHelpOptions = true,
    description = {
      "List queues: ready, delayed, in flight, dead letters.",
      "Lists the queues that hold tasks or dead letters, and also, empty or not, the queues of"
          + " the task modules given with --tasks and those named with --queue."
    })
final class QueuesCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin BackendOptions backend;

  @Option(names = "--json", description = "Print one JSON object per queue")
  boolean json;

  @Option(
      names = "--tasks",
      split = ",",
      paramLabel = "CLASS",
      description = "Also list the queues of these TaskModule classes, even when empty")
  List<String> tasks = new ArrayList<>();

  @Option(
      names = "--queue",
      split = ",",
      paramLabel = "QUEUE",
      description = "Also list these queues, even when empty")
  List<String> queues = new ArrayList<>();

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    // The backend lists only queues holding something; an emptied or never-used queue of a known
    // task is still worth a row of zeros to someone checking that a worker drained it.
    TreeSet<String> named = new TreeSet<>(queues);
    if (!tasks.isEmpty()) {
      TaskDiscovery.load(tasks, Cli.root(spec).loader()).definitions().stream()
          .map(TaskDefinition::queue)
          .forEach(named::add);
    }
    List<QueueStats> stats =
        Cli.withEngine(
            backend,
            engine ->
                Cli.await(
                    engine
                        .backend()
                        .queues()
                        .collect(() -> new TreeSet<>(named), TreeSet::add)
                        .flatMapIterable(all -> all)
                        .concatMap(q -> engine.backend().stats(q))
                        .collectList(),
                    Cli.OPERATION));
    if (json) {
      for (QueueStats s : stats) {
        var body = Cli.ordered();
        body.put("queue", s.queue());
        body.put("ready", s.ready());
        body.put("delayed", s.delayed());
        body.put("inFlight", s.leased());
        body.put("deadLetters", s.deadLetters());
        out.println(Cli.json(body));
      }
      return 0;
    }
    out.printf("%-24s %10s %10s %10s %10s%n", "QUEUE", "READY", "DELAYED", "IN-FLIGHT", "DLQ");
    for (QueueStats s : stats) {
      out.printf(
          "%-24s %10d %10d %10d %10d%n",
          s.queue(), s.ready(), s.delayed(), s.leased(), s.deadLetters());
    }
    if (stats.isEmpty()) {
      out.println("(no queues)");
    }
    return 0;
  }
}
