package io.taskflux.lock;

import io.taskflux.internal.Checks;
import io.taskflux.internal.Waits;
import io.taskflux.spi.Backend;
import io.taskflux.time.Timers;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.TimeoutException;
import reactor.core.publisher.Mono;

/**
 * {@link Lock} on the backend's lock operations. A wait is a loop of "try, then await the end of
 * the current hold" bounded by a deadline on the backend clock; at the deadline it tries once more,
 * so a hold that ends exactly then is not missed whichever timer fires first.
 */
final class DefaultLock implements Lock {

  private final Backend backend;
  private final String name;
  private final String ownerId;
  private final Duration ttl;

  DefaultLock(Backend backend, String name, String ownerId, Duration ttl) {
    this.backend = backend;
    this.name = requireText(name, "name");
    this.ownerId = requireText(ownerId, "ownerId");
    this.ttl = Checks.positive(ttl, "ttl");
  }

  private static String requireText(String value, String param) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(param + " must not be blank, got '" + value + "'");
    }
    return value;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String ownerId() {
    return ownerId;
  }

  @Override
  public Duration ttl() {
    return ttl;
  }

  @Override
  public Mono<Boolean> acquire(Duration wait, IfAlreadyAcquired ifAlreadyAcquired) {
    Waits.timeout(wait, "wait");
    Objects.requireNonNull(ifAlreadyAcquired, "ifAlreadyAcquired");
    return Mono.defer(
        () -> {
          Instant deadline = backend.clock().instant().plus(wait);
          return attempt(deadline, ifAlreadyAcquired);
        });
  }

  private Mono<Boolean> attempt(Instant deadline, IfAlreadyAcquired ifAlreadyAcquired) {
    return backend
        .acquireLock(name, ownerId, ttl)
        .flatMap(
            result ->
                switch (result) {
                  case ACQUIRED -> Mono.just(true);
                  case HELD_BY_OWNER -> alreadyHeld(ifAlreadyAcquired);
                  case HELD_BY_OTHER -> waitThenRetry(deadline, ifAlreadyAcquired);
                });
  }

  private Mono<Boolean> alreadyHeld(IfAlreadyAcquired ifAlreadyAcquired) {
    return switch (ifAlreadyAcquired) {
      case RETURN_TRUE -> Mono.just(true);
      case RETURN_FALSE -> Mono.just(false);
      case RAISE ->
          Mono.error(
              new LockException(
                  name,
                  LockException.Reason.ALREADY_HELD,
                  "Lock '" + name + "' is already held by this owner (" + ownerId + ")"));
    };
  }

  private Mono<Boolean> waitThenRetry(Instant deadline, IfAlreadyAcquired ifAlreadyAcquired) {
    if (!backend.clock().instant().isBefore(deadline)) {
      return Mono.just(false);
    }
    return backend
        .awaitLockFree(name)
        .timeout(Timers.at(backend.clock(), deadline))
        .thenReturn(true)
        .onErrorResume(TimeoutException.class, e -> Mono.just(false))
        .flatMap(
            freed -> freed ? attempt(deadline, ifAlreadyAcquired) : lastTry(ifAlreadyAcquired));
  }

  /** The try at the deadline: acquires if free, never waits again. */
  private Mono<Boolean> lastTry(IfAlreadyAcquired ifAlreadyAcquired) {
    return backend
        .acquireLock(name, ownerId, ttl)
        .flatMap(
            result ->
                switch (result) {
                  case ACQUIRED -> Mono.just(true);
                  case HELD_BY_OWNER -> alreadyHeld(ifAlreadyAcquired);
                  case HELD_BY_OTHER -> Mono.just(false);
                });
  }

  @Override
  public Mono<Boolean> release(boolean raiseIfNotAcquired) {
    return backend
        .releaseLock(name, ownerId)
        .flatMap(
            released ->
                released || !raiseIfNotAcquired
                    ? Mono.just(released)
                    : Mono.error(
                        new LockException(
                            name,
                            LockException.Reason.NOT_HELD,
                            "Lock '" + name + "' is not held by " + ownerId)));
  }

  @Override
  public Mono<Boolean> held() {
    return holder().map(ownerId::equals).defaultIfEmpty(false);
  }

  @Override
  public Mono<String> holder() {
    return backend.lockHolder(name);
  }

  @Override
  public String toString() {
    return "Lock[" + name + ", owner=" + ownerId + ", ttl=" + ttl + "]";
  }
}
