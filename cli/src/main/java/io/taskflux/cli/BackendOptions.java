package io.taskflux.cli;

import io.taskflux.engine.TaskEngine;
import io.taskflux.engine.TaskEngineBuilder;
import io.taskflux.redis.RedisBackend;
import io.taskflux.spi.Backend;
import picocli.CommandLine.Option;

/** Where the tasks live: {@code --redis URI}, or an in-memory backend in this process. */
final class BackendOptions {

  @Option(
      names = "--redis",
      paramLabel = "URI",
      defaultValue = "${env:TASKFLUX_REDIS_URL}",
      description =
          "Redis URI (redis://, rediss://); default: $TASKFLUX_REDIS_URL, else an in-memory"
              + " backend in this process")
  String redis;

  @Option(
      names = "--namespace",
      defaultValue = "taskflux",
      description =
          "Namespace of every key, worker id and trigger claim (default: ${DEFAULT-VALUE})")
  String namespace;

  boolean inMemory() {
    return redis == null || redis.isBlank();
  }

  /** An engine on the chosen backend (not yet with tasks); closing it closes the backend. */
  TaskEngine open() {
    TaskEngineBuilder b = TaskEngine.builder().namespace(namespace);
    if (!inMemory()) {
      b.ownedBackend(connectRedis(redis));
    }
    return b.build();
  }

  /** Connects to Redis; a bad URI or an unreachable server is a {@link CliException}. */
  static Backend connectRedis(String uri) {
    try {
      return RedisBackend.connect(uri);
    } catch (RuntimeException e) {
      throw new CliException(
          CliException.BACKEND, "cannot connect to " + uri + ": " + e.getMessage());
    }
  }
}
