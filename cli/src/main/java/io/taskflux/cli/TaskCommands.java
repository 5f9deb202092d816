package io.taskflux.cli;

import io.taskflux.NotFoundException;
import io.taskflux.engine.SubmitOptions;
import io.taskflux.engine.TaskDefinition;
import io.taskflux.engine.TaskEngine;
import io.taskflux.engine.TaskFailedException;
import io.taskflux.engine.TaskHandle;
import io.taskflux.engine.WorkerOptions;
import io.taskflux.spi.RevokeResult;
import io.taskflux.task.MessageRef;
import io.taskflux.task.StatusUpdate;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.NullNode;

/** {@code submit}, {@code status}, {@code result} and {@code revoke}. */
final class TaskCommands {

  private TaskCommands() {}

  /** Where a task is, for the commands that take an id. */
  static class IdOptions {
    @Parameters(index = "0", paramLabel = "ID", description = "The task id, or QUEUE/ID")
    String id;

    @Option(
        names = "--queue",
        description = "The task's queue when ID does not name it (default: default)")
    String queue;

    MessageRef ref() {
      return Ids.parse(id, queue);
    }
  }

  static TaskHandle<JsonNode> handle(TaskEngine engine, MessageRef ref) {
    return engine.handle(TaskDefinition.of("cli", JsonNode.class, JsonNode.class), ref);
  }

  static Map<String, Object> statusJson(MessageRef ref, StatusUpdate s) {
    Map<String, Object> body = Cli.ordered();
    body.put("id", ref.id());
    body.put("queue", ref.queue());
    body.put("status", s.status().name());
    body.put("at", s.at().toString());
    if (s.error() != null) {
      Map<String, Object> error = Cli.ordered();
      error.put("type", s.error().type());
      error.put("message", s.error().message());
      body.put("error", error);
    }
    return body;
  }

  /**
   * Prints the result of {@code h} as JSON once it arrives within {@code timeout}; returns the exit
   * code (0, or 1 when the task failed) and throws for a timeout or an unknown task.
   */
  static int printResult(
      TaskEngine engine, TaskHandle<JsonNode> h, Duration timeout, PrintWriter out) {
    StatusUpdate status = Cli.await(h.status(), Cli.OPERATION);
    if (status == null) {
      throw new CliException(CliException.NOT_FOUND, "no task " + h.ref());
    }
    try {
      JsonNode value =
          Cli.await(
              h.result(timeout)
                  .map(v -> (JsonNode) v)
                  .defaultIfEmpty(NullNode.getInstance())
                  .onErrorResume(
                      e -> e instanceof TimeoutException || e instanceof NotFoundException,
                      e ->
                          h.status()
                              .map(s -> s.status().name())
                              .defaultIfEmpty("unknown")
                              .flatMap(
                                  s ->
                                      Mono.error(
                                          new CliException(
                                              CliException.TIMEOUT,
                                              "no result "
                                                  + (timeout.isZero() ? "yet" : "within " + timeout)
                                                  + " for "
                                                  + h.ref()
                                                  + " (status "
                                                  + s
                                                  + ")")))),
              timeout.plus(Cli.OPERATION));
      out.println(Cli.json(value));
      return 0;
    } catch (TaskFailedException e) {
      Map<String, Object> body = Cli.ordered();
      body.put("id", h.ref().id());
      body.put("status", "FAILED");
      body.put("revoked", e.isRevoked());
      body.put("type", e.details().type());
      body.put("message", e.details().message());
      out.println(Cli.json(body));
      return CliException.FAILED;
    }
  }

  @Command(
      name = "submit",
      mixinStandardHelpOptions = true,
      description = "Submit a task by name with JSON input; prints QUEUE/ID.")
  static final class Submit implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin BackendOptions backend;

    @Parameters(index = "0", paramLabel = "TASK", description = "The task name")
    String task;

    @Option(
        names = "--json",
        paramLabel = "JSON",
        description = "The input as JSON (default: null)")
    String json;

    @Option(names = "--priority", defaultValue = "0", description = "Lower runs first (default: 0)")
    int priority;

    @Option(
        names = "--delay",
        converter = DurationConverter.class,
        description = "Run no earlier than this from now (e.g. 500ms, 2s, 5m)")
    Duration delay;

    @Option(names = "--queue", description = "The queue (default: the task's, else default)")
    String queue;

    @Option(names = "--id", description = "The message id (default: a random one)")
    String id;

    @Option(
        names = "--wait",
        paramLabel = "TIMEOUT",
        converter = DurationConverter.class,
        description = "Wait this long for the result and print it")
    Duration wait;

    @Option(
        names = "--tasks",
        split = ",",
        paramLabel = "CLASS",
        description =
            "TaskModule classes: their definitions give the queue and policy; with the in-memory"
                + " backend a worker in this process runs them")
    List<String> tasks = new ArrayList<>();

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      JsonNode input;
      try {
        input = json == null ? null : Cli.JSON.readTree(json);
      } catch (JacksonException e) {
        throw new CliException(CliException.USAGE, "--json is not JSON: " + e.getOriginalMessage());
      }
      SubmitOptions options;
      try {
        options = SubmitOptions.defaults().priority(priority);
        if (delay != null) {
          options = options.delay(delay);
        }
        if (queue != null) {
          options = options.queue(queue);
        }
        if (id != null) {
          options = options.id(id);
        }
      } catch (IllegalArgumentException e) {
        throw new CliException(CliException.USAGE, e.getMessage());
      }
      TaskRegistry registry =
          tasks.isEmpty() ? null : TaskDiscovery.load(tasks, Cli.root(spec).loader());
      if (registry != null && registry.definition(task) == null) {
        throw new CliException(
            CliException.USAGE,
            "unknown task '" + task + "'; the modules register " + names(registry));
      }
      if (backend.inMemory() && registry == null) {
        spec.commandLine()
            .getErr()
            .println(
                "note: in-memory backend and no --tasks: nothing in this process will run the task");
      }
      SubmitOptions submitOptions = options;
      return Cli.withEngine(
          backend,
          engine -> {
            if (registry != null) {
              registry.applyTo(engine);
              if (backend.inMemory()) {
                engine.workers(WorkerOptions.defaults()).start();
              }
            }
            TaskHandle<JsonNode> h =
                Cli.await(engine.submit(task, input, submitOptions), Cli.OPERATION);
            out.println(h.ref());
            out.flush();
            return wait == null ? 0 : printResult(engine, h, wait, out);
          });
    }

    private static List<String> names(TaskRegistry registry) {
      return registry.definitions().stream().map(TaskDefinition::name).toList();
    }
  }

  @Command(
      name = "status",
      mixinStandardHelpOptions = true,
      description = "Print a task's current status as JSON.")
  static final class Status implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin BackendOptions backend;
    @Mixin IdOptions id;

    @Override
    public Integer call() {
      MessageRef ref = id.ref();
      return Cli.withEngine(
          backend,
          engine -> {
            StatusUpdate s = Cli.await(engine.backend().getStatus(ref), Cli.OPERATION);
            if (s == null) {
              throw new CliException(CliException.NOT_FOUND, "no task " + ref);
            }
            spec.commandLine().getOut().println(Cli.json(statusJson(ref, s)));
            return 0;
          });
    }
  }

  @Command(
      name = "result",
      mixinStandardHelpOptions = true,
      description =
          "Print a task's result as JSON; exit 1 if it failed, 3 if none within the timeout.")
  static final class Result implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin BackendOptions backend;
    @Mixin IdOptions id;

    @Option(
        names = "--timeout",
        defaultValue = "0s",
        converter = DurationConverter.class,
        description = "How long to wait for it (default: ${DEFAULT-VALUE}: look once)")
    Duration timeout;

    @Override
    public Integer call() {
      MessageRef ref = id.ref();
      return Cli.withEngine(
          backend,
          engine -> printResult(engine, handle(engine, ref), timeout, spec.commandLine().getOut()));
    }
  }

  @Command(
      name = "revoke",
      mixinStandardHelpOptions = true,
      description = "Revoke a task: a waiting one never runs, a running one is cancelled.")
  static final class Revoke implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin BackendOptions backend;
    @Mixin IdOptions id;

    @Option(names = "--skip-if-running", description = "Leave it alone if it is running")
    boolean skipIfRunning;

    @Override
    public Integer call() {
      MessageRef ref = id.ref();
      return Cli.withEngine(
          backend,
          engine -> {
            RevokeResult r = Cli.await(handle(engine, ref).revoke(skipIfRunning), Cli.OPERATION);
            spec.commandLine().getOut().println(ref + " " + r);
            return r == RevokeResult.NOT_FOUND ? CliException.NOT_FOUND : 0;
          });
    }
  }
}
