package io.taskflux.redis;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * Tells every pending wait that the backend closed. Each wait joins with {@link #asMono()} or
 * {@link #onClose(Runnable)} and leaves when it ends; both are O(1) (a concurrent set), unlike a
 * shared {@code Sinks.Empty}, whose copy-on-write subscriber array made every join and leave copy
 * all the others: with thousands of waits in flight that copying was most of the client's CPU per
 * task.
 *
 * <p>Thread-safe. A wait that joins after {@link #close()} is told at once: it adds itself, then
 * reads the flag, while close sets the flag, then walks the set, so one of the two sees the other
 * (both may: an action must be idempotent).
 */
final class CloseSignal {

  private final Set<Runnable> waiters = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  /** Completes (empty) when the backend closes; cancelling it leaves the set. */
  Mono<Void> asMono() {
    return Mono.create(
        sink -> {
          Runnable done = sink::success;
          waiters.add(done);
          sink.onDispose(() -> waiters.remove(done));
          if (closed) {
            sink.success();
          }
        });
  }

  /**
   * Runs {@code action} when the backend closes (at once if it is closed), unless the returned
   * {@code Disposable} was disposed first. Lighter than subscribing to {@link #asMono()}: one set
   * entry, no subscriber. {@code action} must be idempotent and must not block.
   */
  Disposable onClose(Runnable action) {
    Runnable entry = action::run; // a distinct identity even if the same action joins twice
    waiters.add(entry);
    if (closed) {
      entry.run();
    }
    return () -> waiters.remove(entry);
  }

  /** Tells every joined wait and every later one. Idempotent. */
  void close() {
    closed = true;
    for (Runnable waiter : waiters) {
      waiter.run();
    }
  }

  /** How many waits are joined (for tests). */
  int size() {
    return waiters.size();
  }
}
