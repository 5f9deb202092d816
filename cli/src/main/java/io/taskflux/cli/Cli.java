package io.taskflux.cli;

import io.taskflux.BackendRejectedException;
import io.taskflux.BackendUnavailableException;
import io.taskflux.CapacityExceededException;
import io.taskflux.MessageAlreadyExistsException;
import io.taskflux.MessageTooLargeException;
import io.taskflux.TaskfluxException;
import io.taskflux.engine.TaskEngine;
import io.taskflux.engine.TaskFailedException;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import picocli.CommandLine.Model.CommandSpec;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/** Helpers shared by the commands: blocking on the main thread, JSON output, engine lifetime. */
final class Cli {

  /** How long one storage operation of a command may take. */
  static final Duration OPERATION = Duration.ofSeconds(30);

  static final JsonMapper JSON = JsonMapper.builder().build();

  private Cli() {}

  static Main root(CommandSpec spec) {
    return (Main) spec.root().userObject();
  }

  /**
   * Blocks the CLI's main thread on {@code mono} (a command line may block: it is not an event
   * loop), mapping a backend outage or refusal to a clear error.
   */
  static <T> T await(Mono<T> mono, Duration limit) {
    try {
      return mono.block(limit);
    } catch (IllegalStateException e) {
      if (e.getCause() instanceof java.util.concurrent.TimeoutException) {
        throw new CliException(CliException.TIMEOUT, "no answer within " + limit);
      }
      throw e;
    } catch (TaskFailedException e) {
      throw e; // the task's own outcome: the caller prints it
    } catch (TaskfluxException e) {
      CliException mapped = translate(e);
      throw mapped != null ? mapped : e;
    }
  }

  /**
   * The command-line error for an engine or backend failure, or null when {@code e} is not one the
   * command line knows (a bug, reported as such).
   */
  static CliException translate(Throwable e) {
    if (e instanceof MessageAlreadyExistsException m) {
      return new CliException(
          CliException.ALREADY_EXISTS,
          "a task with id '"
              + m.messageId()
              + "' exists already; nothing was stored (choose another --id, or leave it out for a"
              + " random one)");
    }
    if (e instanceof BackendUnavailableException) {
      return new CliException(CliException.BACKEND, "backend unavailable: " + e.getMessage());
    }
    if (e instanceof BackendRejectedException) {
      return new CliException(CliException.BACKEND, "backend refused: " + e.getMessage());
    }
    if (e instanceof CapacityExceededException) {
      return new CliException(
          CliException.BACKEND, "the queue is full, nothing was stored: " + e.getMessage());
    }
    if (e instanceof MessageTooLargeException) {
      return new CliException(
          CliException.BAD_INPUT, "the input is too large, nothing was stored: " + e.getMessage());
    }
    if (e instanceof TaskfluxException) {
      return new CliException(CliException.BACKEND, e.getMessage());
    }
    return null;
  }

  /** Runs {@code body} with an engine on the chosen backend, then closes it. */
  static <T> T withEngine(BackendOptions backend, Function<TaskEngine, T> body) {
    TaskEngine engine = backend.open();
    try {
      return body.apply(engine);
    } finally {
      try {
        engine.closeAsync().block(OPERATION);
      } catch (RuntimeException e) {
        // Closing is best effort; the command's outcome is already decided.
      }
    }
  }

  static String json(Object value) {
    return JSON.writeValueAsString(value);
  }

  static String pretty(Object value) {
    return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(value);
  }

  static Map<String, Object> ordered() {
    return new java.util.LinkedHashMap<>();
  }
}
