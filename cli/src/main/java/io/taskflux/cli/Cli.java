package io.taskflux.cli;

import io.taskflux.BackendRejectedException;
import io.taskflux.BackendUnavailableException;
import io.taskflux.engine.TaskEngine;
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
    } catch (BackendUnavailableException e) {
      throw new CliException(CliException.FAILED, "backend unavailable: " + e.getMessage());
    } catch (BackendRejectedException e) {
      throw new CliException(CliException.FAILED, "backend refused: " + e.getMessage());
    } catch (IllegalStateException e) {
      if (e.getCause() instanceof java.util.concurrent.TimeoutException) {
        throw new CliException(CliException.TIMEOUT, "no answer within " + limit);
      }
      throw e;
    }
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
