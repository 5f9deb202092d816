package io.taskflux.lock;

import io.taskflux.spi.Backend;
import java.time.Duration;
import java.util.Objects;
import reactor.core.publisher.Mono;

/**
 * A named mutual-exclusion lock shared by every process that uses the same backend (the seed's
 * {@code Lock}, {@code ProcessLock} and {@code ThreadLock}). The lock belongs to an <i>owner
 * id</i>, not to this object: two {@code Lock} objects with the same name and owner id share
 * ownership, and which owner id to use decides what the lock keeps apart ({@link #jvmOwnerId()}:
 * processes; {@link #threadOwnerId()}: threads; {@link #hostOwnerId()}: hosts). A held lock expires
 * after its {@link #ttl()} unless released first.
 *
 * <p><b>Threading.</b> Instances are immutable and thread-safe. Every method returns a cold {@code
 * Mono} that does its work on subscription (again on each subscription), never blocks, and may
 * signal on any thread. Waiting for a lock does not poll: it wakes on the release or expiry of the
 * current hold ({@link Backend#awaitLockFree}), on the backend's clock.
 *
 * <p><b>Errors</b> arrive through {@code onError}: {@link LockException} as documented per method,
 * {@link io.taskflux.BackendUnavailableException} when the backend cannot be reached. Invalid
 * arguments throw at call time ({@link IllegalArgumentException}, {@link NullPointerException}).
 */
public interface Lock {

  /** The seed's default lock TTL: one hour. */
  Duration DEFAULT_TTL = Duration.ofHours(1);

  /** What {@link #acquire(Duration, IfAlreadyAcquired)} does when this owner already holds it. */
  enum IfAlreadyAcquired {
    /** Fail with {@link LockException} ({@link LockException.Reason#ALREADY_HELD}); the default. */
    RAISE,
    /** Emit {@code true} (the hold is kept as it is; its expiry does not move). */
    RETURN_TRUE,
    /** Emit {@code false}. */
    RETURN_FALSE
  }

  /** A lock for this JVM ({@link #jvmOwnerId()}) with the default TTL of one hour. */
  static Lock create(Backend backend, String name) {
    return create(backend, name, jvmOwnerId(), DEFAULT_TTL);
  }

  /**
   * A lock with an explicit owner id and TTL.
   *
   * @param name the lock's global name (locks are not per queue), not blank
   * @param ownerId who holds it when acquired, not blank
   * @param ttl how long a hold lasts unless released ({@code > 0})
   */
  static Lock create(Backend backend, String name, String ownerId, Duration ttl) {
    return new DefaultLock(Objects.requireNonNull(backend, "backend"), name, ownerId, ttl);
  }

  /**
   * A lock owned by the calling thread ({@link #threadOwnerId()}, captured now): other threads of
   * this JVM, and other JVMs, are kept out (the seed's {@code ThreadLock}). Reactive code hops
   * threads, so the owner is the thread that creates the lock, not the one that subscribes.
   */
  static Lock forThread(Backend backend, String name) {
    return create(backend, name, threadOwnerId(), DEFAULT_TTL);
  }

  /** The owner id shared by every thread of this host: {@code lock:{host}} (the seed's default). */
  static String hostOwnerId() {
    return Owners.host();
  }

  /** The owner id of this JVM: {@code lock:{host}:process:{pid}} (the seed's ProcessLock). */
  static String jvmOwnerId() {
    return Owners.process();
  }

  /**
   * The owner id of the calling thread: {@code lock:{host}:process:{pid}:thread:{tid}} (the seed's
   * ThreadLock).
   */
  static String threadOwnerId() {
    return Owners.thread();
  }

  /** The lock's name. */
  String name();

  /** The owner id this object acquires and releases as. */
  String ownerId();

  /** How long a hold lasts unless released. */
  Duration ttl();

  /**
   * Tries once, without waiting; if this owner already holds it, fails with {@link LockException}
   * ({@link LockException.Reason#ALREADY_HELD}).
   *
   * @return {@code true} if acquired now, {@code false} if another owner holds it
   */
  default Mono<Boolean> acquire() {
    return acquire(Duration.ZERO, IfAlreadyAcquired.RAISE);
  }

  /**
   * Acquires, waiting up to {@code wait} for another owner's hold to end; fails with {@link
   * LockException} if this owner already holds it.
   *
   * @return {@code true} if acquired, {@code false} if another owner held it for the whole wait
   */
  default Mono<Boolean> acquire(Duration wait) {
    return acquire(wait, IfAlreadyAcquired.RAISE);
  }

  /**
   * Acquires, waiting up to {@code wait} ({@link Duration#ZERO}: try once) for another owner's hold
   * to end, without polling.
   *
   * @param ifAlreadyAcquired what to do when this owner already holds it
   * @return {@code true} if acquired (or already held, with {@link IfAlreadyAcquired#RETURN_TRUE}),
   *     {@code false} if another owner held it for the whole wait (or already held, with {@link
   *     IfAlreadyAcquired#RETURN_FALSE}); fails with {@link LockException} ({@link
   *     LockException.Reason#ALREADY_HELD}) with {@link IfAlreadyAcquired#RAISE}
   * @throws IllegalArgumentException if {@code wait} is negative
   */
  Mono<Boolean> acquire(Duration wait, IfAlreadyAcquired ifAlreadyAcquired);

  /**
   * Releases the lock if this owner holds it.
   *
   * @return {@code true} if released, {@code false} if it was free or held by another owner
   */
  default Mono<Boolean> release() {
    return release(false);
  }

  /**
   * Releases the lock if this owner holds it.
   *
   * @param raiseIfNotAcquired fail with {@link LockException} ({@link
   *     LockException.Reason#NOT_HELD}) instead of emitting {@code false} when not held
   * @return {@code true} if released
   */
  Mono<Boolean> release(boolean raiseIfNotAcquired);

  /** Whether this owner holds the lock now. */
  Mono<Boolean> held();

  /** The owner id holding the lock now; empty when it is free. */
  Mono<String> holder();

  /**
   * Runs {@code body} while holding {@code lock}: acquires it (without waiting), subscribes to
   * {@code body}, and releases it when the body completes, fails or is cancelled. Fails with {@link
   * LockException} ({@link LockException.Reason#UNAVAILABLE}) without running the body when another
   * owner holds it, and ({@link LockException.Reason#ALREADY_HELD}) when this owner already does
   * (releasing at the end would end the outer hold). Cold.
   */
  static <T> Mono<T> withLock(Lock lock, Mono<T> body) {
    return withLock(lock, Duration.ZERO, body);
  }

  /**
   * As {@link #withLock(Lock, Mono)}, waiting up to {@code wait} for the lock first.
   *
   * @throws IllegalArgumentException if {@code wait} is negative
   */
  static <T> Mono<T> withLock(Lock lock, Duration wait, Mono<T> body) {
    return ScopedLock.run(lock, wait, body);
  }
}
