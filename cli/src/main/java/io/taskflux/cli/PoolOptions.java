package io.taskflux.cli;

import io.taskflux.engine.TaskDefinition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.TreeSet;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine.Option;

/** The options both pools share (durations take 50ms, 2s, 5m...). */
final class PoolOptions {

  @Option(
      names = "--tasks",
      split = ",",
      paramLabel = "CLASS",
      description =
          "TaskModule classes to load (default: the ServiceLoader modules on the class path)")
  List<String> tasks = new ArrayList<>();

  @Option(
      names = "--queues",
      split = ",",
      paramLabel = "QUEUE",
      description = "Queues to drain, first first (default: the sorted queues of the tasks)")
  List<String> queues = new ArrayList<>();

  @Option(
      names = "--task-specific-mode",
      description = "Drain only the queues of the loaded tasks, in --queues order")
  boolean taskSpecificMode;

  @Option(
      names = "--processes",
      paramLabel = "N",
      description = "Process groups (thread-pool) or child processes (process-pool); default: CPUs")
  int processes = Runtime.getRuntime().availableProcessors();

  @Option(
      names = "--process-floor",
      defaultValue = "1",
      paramLabel = "N",
      description = "Processes kept alive at least (default: ${DEFAULT-VALUE})")
  int processFloor;

  @Option(
      names = "--consumer-backoff-factor",
      defaultValue = "1s",
      converter = DurationConverter.class,
      description = "Linear backoff step after consumer errors (default: ${DEFAULT-VALUE})")
  Duration backoffFactor;

  @Option(
      names = "--consumer-backoff-floor",
      defaultValue = "1s",
      converter = DurationConverter.class,
      description = "Shortest consumer backoff (default: ${DEFAULT-VALUE})")
  Duration backoffFloor;

  @Option(
      names = "--consumer-backoff-ceiling",
      defaultValue = "30s",
      converter = DurationConverter.class,
      description = "Longest consumer backoff (default: ${DEFAULT-VALUE})")
  Duration backoffCeiling;

  @Option(
      names = "--grace",
      defaultValue = "10s",
      converter = DurationConverter.class,
      description = "On stop, how long running tasks may finish (default: ${DEFAULT-VALUE})")
  Duration grace;

  @Option(
      names = "--lease",
      defaultValue = "30s",
      converter = DurationConverter.class,
      description = "Lease of a claimed task, renewed while it runs (default: ${DEFAULT-VALUE})")
  Duration lease;

  @Option(
      names = "--log-level",
      defaultValue = "INFO",
      description =
          "SEVERE, WARNING, INFO, FINE... or DEBUG, ERROR, WARN (default: ${DEFAULT-VALUE})")
  String logLevel;

  /** Checks what picocli cannot: ranges and combinations. */
  void validate() {
    if (processes <= 0) {
      throw new CliException(CliException.USAGE, "--processes must be > 0, got " + processes);
    }
    if (processFloor < 0 || processFloor > processes) {
      throw new CliException(
          CliException.USAGE,
          "--process-floor must be between 0 and --processes ("
              + processes
              + "), got "
              + processFloor);
    }
    if (new HashSet<>(queues).size() != queues.size()) {
      throw new CliException(CliException.USAGE, "--queues must not repeat, got " + queues);
    }
    if (backoffFloor.compareTo(backoffCeiling) > 0) {
      throw new CliException(
          CliException.USAGE,
          "--consumer-backoff-floor must not exceed --consumer-backoff-ceiling");
    }
    level();
  }

  /** The queues to drain: {@code --queues}, else the sorted queues of the loaded tasks. */
  List<String> queuesFor(TaskRegistry registry) {
    List<String> trimmed = queues.stream().map(String::trim).toList();
    TreeSet<String> taskQueues = new TreeSet<>();
    registry.definitions().stream().map(TaskDefinition::queue).forEach(taskQueues::add);
    if (taskSpecificMode) {
      List<String> ordered =
          trimmed.isEmpty()
              ? new ArrayList<>(taskQueues)
              : trimmed.stream().filter(taskQueues::contains).toList();
      if (ordered.isEmpty()) {
        throw new CliException(
            CliException.USAGE,
            "no loaded task uses any of --queues " + trimmed + "; tasks use " + taskQueues);
      }
      return ordered;
    }
    return trimmed.isEmpty() ? new ArrayList<>(taskQueues) : trimmed;
  }

  Level level() {
    String l = logLevel.trim().toUpperCase(java.util.Locale.ROOT);
    switch (l) {
      case "DEBUG":
        return Level.FINE;
      case "TRACE":
        return Level.FINEST;
      case "ERROR":
      case "CRITICAL":
        return Level.SEVERE;
      case "WARN":
        return Level.WARNING;
      default:
        try {
          return Level.parse(l);
        } catch (IllegalArgumentException e) {
          throw new CliException(CliException.USAGE, "unknown --log-level " + logLevel);
        }
    }
  }

  /** Applies the log level to java.util.logging, which the engine's System.Logger uses. */
  void applyLogLevel() {
    Level level = level();
    Logger root = Logger.getLogger("");
    root.setLevel(level);
    for (var h : root.getHandlers()) {
      h.setLevel(level);
    }
  }

  /** The same options as command-line arguments, for child processes. */
  List<String> asArguments() {
    List<String> args = new ArrayList<>();
    if (!tasks.isEmpty()) {
      args.add("--tasks=" + String.join(",", tasks));
    }
    if (!queues.isEmpty()) {
      args.add("--queues=" + String.join(",", queues));
    }
    if (taskSpecificMode) {
      args.add("--task-specific-mode");
    }
    args.add("--consumer-backoff-factor=" + backoffFactor.toMillis() + "ms");
    args.add("--consumer-backoff-floor=" + backoffFloor.toMillis() + "ms");
    args.add("--consumer-backoff-ceiling=" + backoffCeiling.toMillis() + "ms");
    args.add("--grace=" + grace.toMillis() + "ms");
    args.add("--lease=" + lease.toMillis() + "ms");
    args.add("--log-level=" + logLevel);
    return args;
  }
}
