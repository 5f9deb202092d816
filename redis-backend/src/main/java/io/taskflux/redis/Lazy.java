package io.taskflux.redis;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;

/**
 * A connection (or anything else) made on first use and shared afterwards. A failed attempt is
 * forgotten, so the next caller tries again: a backend created while Redis is down starts working
 * once it is up.
 */
final class Lazy<T> {

  private final Supplier<Mono<T>> factory;
  private final AtomicReference<Mono<T>> current = new AtomicReference<>();

  Lazy(Supplier<Mono<T>> factory) {
    this.factory = factory;
  }

  Mono<T> get() {
    return Mono.defer(
        () -> {
          Mono<T> m = current.get();
          if (m != null) {
            return m;
          }
          AtomicReference<Mono<T>> self = new AtomicReference<>();
          Mono<T> made =
              Mono.defer(factory).doOnError(e -> current.compareAndSet(self.get(), null)).cache();
          self.set(made);
          if (current.compareAndSet(null, made)) {
            return made;
          }
          Mono<T> other = current.get();
          return other != null ? other : made;
        });
  }

  /** The value if it was made successfully, without making it. */
  T peek() {
    Mono<T> m = current.get();
    if (m == null) {
      return null;
    }
    try {
      // A cached Mono that already completed answers at once; an unfinished one gives null.
      return m.toFuture().getNow(null);
    } catch (RuntimeException e) {
      return null;
    }
  }
}
