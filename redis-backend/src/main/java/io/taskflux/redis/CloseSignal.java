package io.taskflux.redis;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * Tells every pending wait that the backend closed. Each wait joins with {@link #asMono()} and
 * leaves when it ends; both are O(1) (a concurrent set), unlike a shared {@code Sinks.Empty}, whose
 * copy-on-write subscriber array made every join and leave copy all the others: with thousands of
 * waits in flight that copying was most of the client's CPU per task.
 *
 * <p>Thread-safe. A wait that joins after {@link #close()} completes at once: it adds itself, then
 * reads the flag, while close sets the flag, then walks the set, so one of the two sees the other.
 */
final class CloseSignal {

  private final Set<MonoSink<Void>> waiters = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  /** Completes (empty) when the backend closes; cancelling it leaves the set. */
  Mono<Void> asMono() {
    return Mono.create(
        sink -> {
          waiters.add(sink);
          sink.onDispose(() -> waiters.remove(sink));
          if (closed) {
            sink.success();
          }
        });
  }

  /** Completes every joined wait and every later one. Idempotent. */
  void close() {
    closed = true;
    for (MonoSink<Void> sink : waiters) {
      sink.success();
    }
  }

  /** How many waits are joined (for tests). */
  int size() {
    return waiters.size();
  }
}
