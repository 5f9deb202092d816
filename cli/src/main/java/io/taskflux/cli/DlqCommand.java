package io.taskflux.cli;

import io.taskflux.engine.TaskEngine;
import io.taskflux.spi.EnqueueRequest;
import io.taskflux.spi.MessageState;
import io.taskflux.spi.StoredMessage;
import io.taskflux.task.Message;
import io.taskflux.task.MessageRef;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import reactor.core.publisher.Flux;

/** {@code dlq list|show|requeue|purge}: the dead-letter queue. */
@Command(
    name = "dlq",
    mixinStandardHelpOptions = true,
    description = "Inspect and requeue dead letters.",
    subcommands = {
      DlqCommand.ListDead.class,
      DlqCommand.Show.class,
      DlqCommand.Requeue.class,
      DlqCommand.Purge.class
    })
final class DlqCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(
        spec.commandLine(), "Missing a dlq command: list, show, requeue, purge");
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List dead letters.")
  static final class ListDead implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin BackendOptions backend;

    @Option(names = "--queue", split = ",", description = "Only these queues (default: all)")
    List<String> queues = new ArrayList<>();

    @Option(
        names = "--limit",
        defaultValue = "50",
        description = "At most this many per queue (default: ${DEFAULT-VALUE})")
    int limit;

    @Override
    public Integer call() {
      if (limit < 1) {
        throw new CliException(CliException.USAGE, "--limit must be >= 1, got " + limit);
      }
      PrintWriter out = spec.commandLine().getOut();
      List<StoredMessage> dead =
          Cli.withEngine(
              backend,
              engine -> {
                Flux<String> names =
                    queues.isEmpty() ? engine.backend().queues() : Flux.fromIterable(queues);
                return Cli.await(
                    names
                        .concatMap(
                            q -> engine.backend().list(q, MessageState.DEAD_LETTER, 0, limit))
                        .collectList(),
                    Cli.OPERATION);
              });
      for (StoredMessage s : dead) {
        Message m = s.message();
        String why =
            m == null
                ? "undecodable: " + s.error().getMessage()
                : m.exceptionDetails() == null
                    ? ""
                    : m.exceptionDetails().type() + ": " + m.exceptionDetails().message();
        out.printf(
            "%s  %s  retries=%s  %s%n",
            s.ref(), m == null ? "?" : m.task(), m == null ? "?" : m.retries(), why);
      }
      if (dead.isEmpty()) {
        out.println("(no dead letters)");
      }
      return 0;
    }
  }

  /** The decodable dead letter of {@code ref}; not found and undecodable are CLI errors. */
  static StoredMessage deadLetter(TaskEngine engine, MessageRef ref) {
    StoredMessage s = Cli.await(engine.backend().findDeadLetter(ref), Cli.OPERATION);
    if (s == null) {
      throw new CliException(CliException.NOT_FOUND, "no dead letter " + ref);
    }
    if (s.message() == null) {
      throw new CliException(CliException.BAD_INPUT, "undecodable: " + s.error().getMessage());
    }
    return s;
  }

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = "Print a dead letter as JSON.")
  static final class Show implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin BackendOptions backend;
    @Mixin TaskCommands.IdOptions id;

    @Override
    public Integer call() {
      MessageRef ref = id.ref();
      return Cli.withEngine(
          backend,
          engine -> {
            StoredMessage s = deadLetter(engine, ref);
            byte[] bytes = engine.serializer().encode(s.message());
            spec.commandLine()
                .getOut()
                .println(
                    engine.serializer().name().equals("json")
                        ? Cli.pretty(Cli.JSON.readTree(new String(bytes, StandardCharsets.UTF_8)))
                        : s.message().toString());
            return 0;
          });
    }
  }

  @Command(
      name = "requeue",
      mixinStandardHelpOptions = true,
      description = "Submit a dead letter again, with its retries reset.")
  static final class Requeue implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin BackendOptions backend;
    @Mixin TaskCommands.IdOptions id;

    @Override
    public Integer call() {
      MessageRef ref = id.ref();
      return Cli.withEngine(
          backend,
          engine -> {
            StoredMessage s = deadLetter(engine, ref);
            Instant now = engine.clock().instant();
            Message again =
                s.message().toBuilder()
                    .retries(0)
                    .exceptionDetails(null)
                    .updatedAt(now)
                    .readyAt(now)
                    .build();
            boolean stored =
                Cli.await(
                    engine.backend().enqueue(new EnqueueRequest(again, engine.retention())),
                    Cli.OPERATION);
            if (!stored) {
              throw new CliException(
                  CliException.ALREADY_EXISTS, ref + " is live already (not requeued)");
            }
            Cli.await(
                engine.backend().deleteDeadLetters(ref.queue(), List.of(ref.id())), Cli.OPERATION);
            spec.commandLine().getOut().println(ref + " requeued");
            return 0;
          });
    }
  }

  @Command(
      name = "purge",
      mixinStandardHelpOptions = true,
      description = "Delete the dead letters of the given queues (all queues with --all).")
  static final class Purge implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin BackendOptions backend;

    @Option(names = "--queue", split = ",", description = "Purge these queues")
    List<String> queues = new ArrayList<>();

    @Option(names = "--all", description = "Purge every queue's dead letters")
    boolean all;

    @Override
    public Integer call() {
      if (queues.isEmpty() == !all) {
        throw new CliException(CliException.USAGE, "give either --queue Q[,Q...] or --all");
      }
      long deleted =
          Cli.withEngine(
              backend,
              engine -> {
                Flux<String> names = all ? engine.backend().queues() : Flux.fromIterable(queues);
                return Cli.await(
                    names
                        .concatMap(q -> engine.backend().deleteDeadLetters(q, List.of()))
                        .reduce(0L, (x, y) -> x + y),
                    Cli.OPERATION);
              });
      spec.commandLine().getOut().println(deleted + " dead letter(s) deleted");
      return 0;
    }
  }
}
