package io.taskflux.lock;

import io.taskflux.internal.Waits;
import java.time.Duration;
import java.util.Objects;
import reactor.core.publisher.Mono;

/** {@link Lock#withLock}: acquire, run, release on every outcome (complete, error, cancel). */
final class ScopedLock {

  private ScopedLock() {}

  static <T> Mono<T> run(Lock lock, Duration wait, Mono<T> body) {
    Objects.requireNonNull(lock, "lock");
    Waits.timeout(wait, "wait");
    Objects.requireNonNull(body, "body");
    Mono<Lock> acquired =
        lock.acquire(wait, Lock.IfAlreadyAcquired.RAISE)
            .flatMap(ok -> ok ? Mono.just(lock) : unavailable(lock));
    return Mono.usingWhen(
        acquired, held -> body, Lock::release, (held, error) -> held.release(), Lock::release);
  }

  private static Mono<Lock> unavailable(Lock lock) {
    return lock.holder()
        .defaultIfEmpty("nobody (it was released as the wait ended)")
        .flatMap(
            holder ->
                Mono.error(
                    new LockException(
                        lock.name(),
                        LockException.Reason.UNAVAILABLE,
                        "Lock '" + lock.name() + "' is held by " + holder)));
  }
}
