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
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
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
      description = {
        "Submit a task by name with JSON input; prints QUEUE/ID (one line per task).",
        "The task must be defined by a module given with --tasks (or found through"
            + " ServiceLoader): its definition gives the queue and policy, and the input is"
            + " checked against its input type before anything is stored. With --queue, a task"
            + " no module defines is submitted unchecked."
      })
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

    @Option(
        names = "--from-file",
        paramLabel = "FILE",
        description =
            "Submit one task per line of FILE (JSON lines; - reads standard input), stored in"
                + " chunks of 1,000; every line is checked before any is stored")
    String fromFile;

    @Option(names = "--priority", defaultValue = "0", description = "Lower runs first (default: 0)")
    int priority;

    @Option(
        names = "--delay",
        converter = DurationConverter.class,
        description = "Run no earlier than this from now (e.g. 500ms, 2s, 5m)")
    Duration delay;

    @Option(
        names = "--queue",
        description =
            "The queue (default: the task's); needed for a task that no loaded module defines")
    String queue;

    @Option(names = "--id", description = "The task id (default: a random one)")
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
            "TaskModule classes that define the task (default: the ServiceLoader modules on the"
                + " class path); with the in-memory backend a worker in this process runs them")
    List<String> tasks = new ArrayList<>();

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      if (json != null && fromFile != null) {
        throw new CliException(CliException.USAGE, "give --json or --from-file, not both");
      }
      if (fromFile != null && (id != null || wait != null)) {
        throw new CliException(
            CliException.USAGE, "--id and --wait take one task; they cannot go with --from-file");
      }
      SubmitOptions options = options();
      TaskRegistry registry = TaskDiscovery.loadAny(tasks, Cli.root(spec).loader());
      TaskDefinition<?, ?> definition = registry.definition(task);
      if (definition == null && queue == null) {
        throw new CliException(CliException.UNKNOWN_TASK, unknownTask(registry));
      }
      if (fromFile != null) {
        List<Line> lines = readLines();
        return submitLines(registry, definition, lines, options, out);
      }
      JsonNode input = parse(json, "--json");
      if (definition != null) {
        InputCheck.check(definition, input, "--json");
      }
      return Cli.withEngine(
          backend,
          engine -> {
            startLocalWorker(engine, registry);
            TaskHandle<JsonNode> h = Cli.await(engine.submit(task, input, options), Cli.OPERATION);
            out.println(h.ref());
            out.flush();
            return wait == null ? 0 : printResult(engine, h, wait, out);
          });
    }

    private SubmitOptions options() {
      try {
        SubmitOptions options = SubmitOptions.defaults().priority(priority);
        if (delay != null) {
          options = options.delay(delay);
        }
        if (queue != null) {
          options = options.queue(queue);
        }
        if (id != null) {
          options = options.id(id);
        }
        return options;
      } catch (IllegalArgumentException e) {
        throw new CliException(CliException.USAGE, e.getMessage());
      }
    }

    /** Registers the tasks here; with the in-memory backend nobody else could run them. */
    private void startLocalWorker(TaskEngine engine, TaskRegistry registry) {
      if (registry.isEmpty()) {
        if (backend.inMemory()) {
          spec.commandLine()
              .getErr()
              .println(
                  "note: in-memory backend and no task modules: nothing in this process will run"
                      + " the task");
        }
        return;
      }
      registry.applyTo(engine);
      if (backend.inMemory()) {
        engine.workers(WorkerOptions.defaults()).start();
      }
    }

    private String unknownTask(TaskRegistry registry) {
      String loaded =
          registry.isEmpty()
              ? "no task module is loaded"
              : "the loaded modules define " + names(registry);
      return "unknown task '"
          + task
          + "': "
          + loaded
          + ". Pass --tasks CLASS naming the TaskModule that defines it (e.g. --tasks"
          + " io.taskflux.cli.examples.ShopTasks), or --queue QUEUE to submit it unchecked to"
          + " that queue";
    }

    /** A non-blank line of {@code --from-file}, parsed, and its number (for errors). */
    record Line(int number, JsonNode input) {}

    /** Every non-blank line of {@code --from-file}, parsed (nothing is stored yet). */
    private List<Line> readLines() {
      List<Line> inputs = new ArrayList<>();
      try (BufferedReader reader = open()) {
        int n = 0;
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
          n++;
          if (!line.isBlank()) {
            inputs.add(new Line(n, parse(line, "line " + n + " of " + fromFile)));
          }
        }
      } catch (IOException e) {
        throw new CliException(CliException.USAGE, "cannot read " + fromFile + ": " + e);
      }
      return inputs;
    }

    private BufferedReader open() throws IOException {
      if (fromFile.equals("-")) {
        return new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      }
      try {
        return Files.newBufferedReader(Path.of(fromFile), StandardCharsets.UTF_8);
      } catch (NoSuchFileException e) {
        throw new CliException(CliException.USAGE, "no such file: " + fromFile);
      }
    }

    private int submitLines(
        TaskRegistry registry,
        TaskDefinition<?, ?> known,
        List<Line> lines,
        SubmitOptions options,
        PrintWriter out) {
      return Cli.withEngine(
          backend,
          engine -> {
            startLocalWorker(engine, registry);
            long stored =
                known != null
                    ? submitAll(engine, known, lines, options, fromFile, out)
                    : submitAll(
                        engine,
                        TaskDefinition.of(task, JsonNode.class, JsonNode.class).queue(queue),
                        lines,
                        options,
                        fromFile,
                        out);
            spec.commandLine().getErr().println(stored + " task(s) submitted");
            return 0;
          });
    }

    /** Checks every line, then stores them all with {@code submitAll} (chunks of 1,000). */
    private static <I> long submitAll(
        TaskEngine engine,
        TaskDefinition<I, ?> definition,
        List<Line> lines,
        SubmitOptions options,
        String file,
        PrintWriter out) {
      List<I> inputs = new ArrayList<>(lines.size());
      for (Line line : lines) {
        inputs.add(
            InputCheck.check(definition, line.input(), "line " + line.number() + " of " + file));
      }
      return Cli.await(
          engine.submitAll(definition, inputs, options).doOnNext(h -> out.println(h.ref())).count(),
          Cli.OPERATION.multipliedBy(1 + inputs.size() / TaskEngine.SUBMIT_CHUNK));
    }

    private static JsonNode parse(String text, String where) {
      if (text == null) {
        return null;
      }
      try {
        return Cli.JSON.readTree(text);
      } catch (JacksonException e) {
        throw new CliException(
            CliException.BAD_INPUT, where + " is not JSON: " + e.getOriginalMessage());
      }
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
