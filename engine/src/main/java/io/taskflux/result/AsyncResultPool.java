package io.taskflux.result;

import io.taskflux.spi.Backend;
import java.time.Duration;
import java.util.Objects;
import reactor.core.publisher.Mono;

/**
 * A pool of single-assignment slots for results computed elsewhere (AgentScope's {@code
 * AsyncResultPool}): {@link #prepare()} reserves a key, whoever computes the value {@link #set}s it
 * once, and any number of readers {@link #get} it, waiting until it is there.
 *
 * <p><b>Contract</b> (DESIGN decisions 1 and 5):
 *
 * <ul>
 *   <li>A key is set once: a second {@code set} fails with {@link ResultAlreadyExistsException} and
 *       the first value stays. Reads do not consume: every reader gets the value until it expires.
 *   <li>{@code get} emits as soon as the value exists (woken by the {@code set}, never by polling).
 *       If it does not arrive within the timeout — also when the key was never prepared, was
 *       evicted or expired — the {@code Mono} fails with {@link
 *       java.util.concurrent.TimeoutException}. {@link Duration#ZERO} looks once and fails at once
 *       with {@link io.taskflux.NotFoundException}; {@link #get(long)} waits for ever.
 *   <li>Each read gets its own copy of the bytes.
 * </ul>
 *
 * <p><b>Threading.</b> Implementations are thread-safe; every method returns a cold {@code Mono}
 * that does its work on subscription, never blocks, and may signal on any thread.
 *
 * <p><b>Kinds</b> ({@link #pools}): {@code "local"} — this JVM only, bounded by {@code maxLen}
 * (adding a new key to a full pool evicts the oldest; writing an existing key evicts nothing) and
 * {@code maxExpire} (an entry older than that reads as absent; a set restarts its age); {@code
 * "backend"} — shared through a {@link Backend}'s counters and results, so any process using the
 * backend can set or get; other kinds (the Redis module's {@code "redis"}) come from a {@link
 * Provider} found with {@link java.util.ServiceLoader}.
 */
public interface AsyncResultPool {

  /**
   * Reserves a new key: a counter that starts at 1 (per local pool; per name for a backend pool).
   */
  Mono<Long> prepare();

  /**
   * Stores the value of a prepared key and wakes its readers. Fails with {@link
   * ResultAlreadyExistsException} if it was already set (the first value stays), and, in a local
   * pool, with {@link io.taskflux.NotFoundException} if the key was never prepared, was evicted or
   * expired (a backend pool cannot tell, and accepts it).
   */
  Mono<Void> set(long key, byte[] value);

  /** The value of {@code key}, waiting up to {@code timeout} ({@code >= 0}) as described above. */
  Mono<byte[]> get(long key, Duration timeout);

  /** The value of {@code key}, waiting for ever. */
  Mono<byte[]> get(long key);

  /**
   * The pool of the given kind (AgentScope's {@code get_pool}): {@code "local"} or {@code
   * "backend"} (which needs {@link AsyncResultPoolOptions#backend()}), else a {@link Provider} of
   * that type on the class path. Unlike the seed, an unknown kind is an error, not a local pool.
   *
   * @throws IllegalArgumentException for an unknown type or options the type cannot use
   */
  static AsyncResultPool pools(String type, AsyncResultPoolOptions options) {
    return AsyncResultPools.create(type, options);
  }

  /** A local pool with AgentScope's defaults (8192 entries, 7200 s). */
  static AsyncResultPool local() {
    return pools("local", AsyncResultPoolOptions.defaults());
  }

  /**
   * A pool shared through {@code backend}, named {@code name} (its key counter and value space),
   * whose values live {@code maxExpire}.
   */
  static AsyncResultPool onBackend(Backend backend, String name, Duration maxExpire) {
    return new BackendAsyncResultPool(Objects.requireNonNull(backend, "backend"), name, maxExpire);
  }

  /**
   * Makes pools of one more type for {@link #pools}, registered through {@code
   * META-INF/services/io.taskflux.result.AsyncResultPool$Provider}.
   */
  interface Provider {

    /** The type name {@link #pools} matches (for example {@code "redis"}). */
    String type();

    /**
     * A new pool from {@code options}.
     *
     * @throws IllegalArgumentException if the options do not fit this type
     */
    AsyncResultPool create(AsyncResultPoolOptions options);
  }
}
