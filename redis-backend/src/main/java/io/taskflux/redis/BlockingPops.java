package io.taskflux.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.UnblockType;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import reactor.core.publisher.Mono;

/**
 * Blocking pops ({@code BLPOP} on wake lists) on a small pool of dedicated connections per node: a
 * blocking command never runs on the shared connection. Each pooled connection knows its {@code
 * CLIENT ID}; a wait that is cancelled (the clock reached its deadline, or the caller lost
 * interest) is ended at once with {@code CLIENT UNBLOCK} from another connection, so the connection
 * comes back to the pool instead of staying blocked. Connections that failed are dropped, not
 * reused.
 */
final class BlockingPops {

  /** The longest single BLPOP: an idle wait longer than this ends (spuriously) and is redone. */
  static final Duration MAX_BLOCK = Duration.ofSeconds(30);

  /** Idle connections kept per node. */
  private static final int MAX_IDLE = 8;

  private record Blocker(StatefulRedisConnection<String, byte[]> connection, long clientId) {}

  private final RedisClient client;
  private final RedisConnections connections;
  private final Map<String, ConcurrentLinkedDeque<Blocker>> idle = new ConcurrentHashMap<>();
  private final Map<String, Lazy<StatefulRedisConnection<String, byte[]>>> controls =
      new ConcurrentHashMap<>();
  private final AtomicBoolean closed = new AtomicBoolean();

  BlockingPops(RedisClient client, RedisConnections connections) {
    this.client = client;
    this.connections = connections;
  }

  private static String id(RedisURI node) {
    return node.getHost() + ":" + node.getPort();
  }

  /**
   * Pops one token from the first non-empty of {@code keys} (all on {@code node}, in one slot on a
   * cluster), waiting at most {@code timeout}. Emits true when a token was popped, false when the
   * time ran out or the node answered with an error (a spurious wake-up is harmless to callers);
   * fails only when no connection can be made. The signal comes on the connection's I/O thread.
   * Cancelling ends the server-side wait.
   */
  Mono<Boolean> pop(RedisURI node, List<String> keys, Duration timeout) {
    double seconds = Math.max(0.01, Math.min(timeout.toMillis(), MAX_BLOCK.toMillis()) / 1000.0);
    String[] keyArray = keys.toArray(String[]::new);
    return Mono.create(
        sink -> {
          AtomicReference<Blocker> inUse = new AtomicReference<>();
          AtomicBoolean done = new AtomicBoolean();
          sink.onCancel(
              () -> {
                if (done.compareAndSet(false, true)) {
                  Blocker b = inUse.get();
                  if (b != null) {
                    unblock(node, b.clientId());
                  }
                }
              });
          acquire(node)
              .subscribe(
                  b -> {
                    if (done.get()) {
                      release(node, b);
                      return;
                    }
                    inUse.set(b);
                    b.connection()
                        .async()
                        .blpop(seconds, keyArray)
                        .whenComplete(
                            (value, error) -> {
                              if (error == null) {
                                release(node, b);
                              } else {
                                b.connection().closeAsync();
                              }
                              done.set(true);
                              sink.success(error == null && value != null && value.hasValue());
                            });
                    if (done.get()) {
                      // Cancelled between acquiring and sending: end the wait just sent.
                      unblock(node, b.clientId());
                    }
                  },
                  sink::error);
        });
  }

  private Mono<Blocker> acquire(RedisURI node) {
    if (closed.get()) {
      return Mono.error(new io.taskflux.BackendUnavailableException("the Redis backend is closed"));
    }
    Blocker b = idle.computeIfAbsent(id(node), k -> new ConcurrentLinkedDeque<>()).pollFirst();
    if (b != null && b.connection().isOpen()) {
      return Mono.just(b);
    }
    return connections
        .connectNode(client, node)
        .flatMap(
            c ->
                Mono.fromCompletionStage(() -> c.async().clientId())
                    .map(id -> new Blocker(c, id))
                    .onErrorMap(connections::translate));
  }

  private void release(RedisURI node, Blocker b) {
    ConcurrentLinkedDeque<Blocker> pool =
        idle.computeIfAbsent(id(node), k -> new ConcurrentLinkedDeque<>());
    if (closed.get() || pool.size() >= MAX_IDLE || !b.connection().isOpen()) {
      b.connection().closeAsync();
    } else {
      pool.addFirst(b);
    }
  }

  private void unblock(RedisURI node, long clientId) {
    Mono<?> sent =
        connections.isCluster()
            ? controls
                .computeIfAbsent(
                    id(node), k -> new Lazy<>(() -> connections.connectNode(client, node)))
                .get()
                .flatMap(
                    c ->
                        Mono.fromCompletionStage(
                            () -> c.async().clientUnblock(clientId, UnblockType.TIMEOUT)))
            : connections
                .commands()
                .flatMap(
                    c ->
                        Mono.fromCompletionStage(
                            () -> c.clientUnblock(clientId, UnblockType.TIMEOUT)));
    // Best effort: if it fails, the BLPOP still ends by its own timeout.
    sent.subscribe(ok -> {}, error -> {});
  }

  Mono<Void> close() {
    return Mono.defer(
        () -> {
          closed.set(true);
          idle.values().forEach(pool -> pool.forEach(b -> b.connection().closeAsync()));
          idle.clear();
          controls
              .values()
              .forEach(
                  l -> {
                    StatefulRedisConnection<String, byte[]> c = l.peek();
                    if (c != null) {
                      c.closeAsync();
                    }
                  });
          return Mono.fromCompletionStage(() -> client.shutdownAsync(0, 2, TimeUnit.SECONDS))
              .onErrorResume(e -> Mono.empty())
              .then();
        });
  }
}
