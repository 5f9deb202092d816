package io.taskflux.redis;

import io.lettuce.core.ScriptOutputType;
import java.util.ArrayList;
import java.util.List;
import reactor.core.publisher.Mono;

/**
 * Runs the catalog's scripts on the shared connection: {@code EVALSHA} by the script's SHA-1; when
 * the server answers {@code NOSCRIPT} (first use, or a restart wiped its script cache), the same
 * call is made once with {@code EVAL} and the source, which also caches the script on that node for
 * the next {@code EVALSHA}. Failures are translated by {@link RedisErrors}.
 */
final class Scripts {

  private final RedisConnections connections;

  Scripts(RedisConnections connections) {
    this.connections = connections;
    // Reads and hashes every script file now, on the thread that builds the backend: the first
    // operation may run on a non-blocking thread, where class initialization that reads the jar
    // would block (and, under BlockHound, leave LuaScript unusable for the JVM's lifetime).
    LuaScript.values();
  }

  /** A script whose reply is a (possibly nested) list. */
  Mono<List<Object>> list(LuaScript script, String[] keys, Args args) {
    return run(script, ScriptOutputType.MULTI, keys, args);
  }

  /** A script whose reply is one value (empty when it returns nil). */
  Mono<byte[]> value(LuaScript script, String[] keys, Args args) {
    return run(script, ScriptOutputType.VALUE, keys, args);
  }

  /** A script whose reply is an integer. */
  Mono<Long> number(LuaScript script, String[] keys, Args args) {
    return run(script, ScriptOutputType.INTEGER, keys, args);
  }

  private <T> Mono<T> run(LuaScript script, ScriptOutputType type, String[] keys, Args args) {
    if (keys.length != script.keyCount()) {
      throw new IllegalStateException(
          script.fileName() + " takes " + script.keyCount() + " keys, got " + keys.length);
    }
    byte[][] values = args.toArray();
    return connections
        .commands()
        .flatMap(
            c ->
                Mono.<T>fromCompletionStage(() -> c.<T>evalsha(script.sha(), type, keys, values))
                    .onErrorResume(
                        RedisErrors::isNoScript,
                        e ->
                            Mono.fromCompletionStage(
                                () -> c.<T>eval(script.source(), type, keys, values))))
        .onErrorMap(connections::translate);
  }

  /** The ARGV of one call, built in order. */
  static final class Args {
    private final List<byte[]> values = new ArrayList<>();

    Args add(String s) {
      values.add(Stored.bytes(s));
      return this;
    }

    Args add(long n) {
      values.add(Stored.bytes(n));
      return this;
    }

    Args add(byte[] b) {
      values.add(b);
      return this;
    }

    byte[][] toArray() {
      return values.toArray(byte[][]::new);
    }
  }
}
