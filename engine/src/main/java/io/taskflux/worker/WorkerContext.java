package io.taskflux.worker;

import io.taskflux.spi.Backend;
import io.taskflux.spi.Retention;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;

/**
 * What a worker shares with its engine.
 *
 * @param backend where messages are claimed and settled
 * @param registry the registered task of a name, or null when none is
 * @param retention TTLs of what settlement writes
 * @param defaultResultTtl the result TTL of messages that set none
 * @param namespace the engine's namespace, the prefix of worker ids
 */
public record WorkerContext(
    Backend backend,
    Function<String, RegisteredTask> registry,
    Retention retention,
    Duration defaultResultTtl,
    String namespace) {

  /** Validates. */
  public WorkerContext {
    Objects.requireNonNull(backend, "backend");
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(retention, "retention");
    Objects.requireNonNull(defaultResultTtl, "defaultResultTtl");
    Objects.requireNonNull(namespace, "namespace");
  }
}
