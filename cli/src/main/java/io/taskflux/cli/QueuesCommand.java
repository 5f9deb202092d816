package io.taskflux.cli;

import io.taskflux.spi.QueueStats;
import java.io.PrintWriter;
import java.util.List;
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
    description = "List queues: ready, delayed, in flight, dead letters.")
final class QueuesCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin BackendOptions backend;

  @Option(names = "--json", description = "Print one JSON object per queue")
  boolean json;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    List<QueueStats> stats =
        Cli.withEngine(
            backend,
            engine ->
                Cli.await(
                    engine
                        .backend()
                        .queues()
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
