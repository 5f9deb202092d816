package io.taskflux.cli;

import io.taskflux.engine.TaskEngine;
import io.taskflux.engine.TaskEngineBuilder;
import io.taskflux.spi.Backend;
import java.lang.reflect.InvocationTargetException;
import picocli.CommandLine.Option;

/** Where the tasks live: {@code --redis URI}, or an in-memory backend in this process. */
final class BackendOptions {

  @Option(
      names = "--redis",
      paramLabel = "URI",
      description =
          "Redis URI (redis://, rediss://); default: an in-memory backend in this process")
  String redis;

  @Option(
      names = "--namespace",
      defaultValue = "taskflux",
      description = "Namespace of worker ids and trigger locks (default: ${DEFAULT-VALUE})")
  String namespace;

  boolean inMemory() {
    return redis == null;
  }

  /** An engine on the chosen backend (not yet with tasks). */
  TaskEngine open() {
    TaskEngineBuilder b = TaskEngine.builder().namespace(namespace);
    if (redis != null) {
      b.backend(connectRedis(redis));
    }
    return b.build();
  }

  /**
   * Connects through {@code io.taskflux.redis.RedisBackend.connect(String)}. Looked up by name so
   * the command line builds while the Redis backend is still being written; the error says so when
   * it is missing.
   */
  static Backend connectRedis(String uri) {
    try {
      Class<?> type = Class.forName("io.taskflux.redis.RedisBackend");
      return (Backend) type.getMethod("connect", String.class).invoke(null, uri);
    } catch (ClassNotFoundException | NoSuchMethodException e) {
      throw new CliException(
          CliException.FAILED, "the Redis backend is not part of this build (--redis " + uri + ")");
    } catch (InvocationTargetException e) {
      throw new CliException(
          CliException.FAILED, "cannot connect to " + uri + ": " + e.getCause().getMessage());
    } catch (IllegalAccessException e) {
      throw new CliException(CliException.FAILED, "cannot use the Redis backend: " + e);
    }
  }
}
