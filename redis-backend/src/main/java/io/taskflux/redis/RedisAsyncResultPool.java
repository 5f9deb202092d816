package io.taskflux.redis;

import io.taskflux.result.AsyncResultPool;
import io.taskflux.result.AsyncResultPoolOptions;
import java.time.Duration;
import java.util.Objects;
import reactor.core.publisher.Mono;

/**
 * An {@link AsyncResultPool} on Redis (AgentScope's {@code RedisPool}, DESIGN decision 1): every
 * pool of the same name on the same Redis (and namespace) takes its keys from one counter, so keys
 * are unique across processes; a value is set once and lives {@code maxExpire}; {@link #get} wakes
 * every reader of a key when it is set, through the backend's one pub/sub connection (no polling,
 * no blocking pop per reader). Unlike the seed, a never-set or expired key fails {@code get} with
 * {@link java.util.concurrent.TimeoutException} after the timeout, and a second {@code set} fails
 * with {@link io.taskflux.result.ResultAlreadyExistsException}.
 *
 * <p>Also reachable as {@code AsyncResultPool.pools("redis", options.withUrl(uri))}. Thread-safe;
 * every method returns a cold {@code Mono} and never blocks.
 */
public final class RedisAsyncResultPool implements AsyncResultPool, AutoCloseable {

  /** AgentScope's default Redis address. */
  public static final String DEFAULT_URL = "redis://localhost:6379";

  private final AsyncResultPool pool;
  private final RedisBackend backend;
  private final boolean ownsBackend;
  private final String name;

  private RedisAsyncResultPool(
      RedisBackend backend, boolean ownsBackend, String name, Duration maxExpire) {
    this.backend = Objects.requireNonNull(backend, "backend");
    this.ownsBackend = ownsBackend;
    this.name = name;
    // The backend pool's operations are exactly the Redis ones: INCR on the pool's counter,
    // set-if-absent with a TTL that publishes on the result channel, and the result wait.
    this.pool = AsyncResultPool.onBackend(backend, name, maxExpire);
  }

  /** A pool named {@code name} on a backend of its own at {@code uri}; {@link #close()} ends it. */
  public static RedisAsyncResultPool connect(String uri, String name, Duration maxExpire) {
    return new RedisAsyncResultPool(RedisBackend.connect(uri), true, name, maxExpire);
  }

  /** A pool named {@code name} sharing {@code backend} (which the caller keeps and closes). */
  public static RedisAsyncResultPool on(RedisBackend backend, String name, Duration maxExpire) {
    return new RedisAsyncResultPool(backend, false, name, maxExpire);
  }

  @Override
  public Mono<Long> prepare() {
    return pool.prepare();
  }

  @Override
  public Mono<Void> set(long key, byte[] value) {
    return pool.set(key, value);
  }

  @Override
  public Mono<byte[]> get(long key, Duration timeout) {
    return pool.get(key, timeout);
  }

  @Override
  public Mono<byte[]> get(long key) {
    return pool.get(key);
  }

  /** Closes the pool's own backend (nothing when it shares one); cold, never blocks. */
  public Mono<Void> closeAsync() {
    return ownsBackend ? backend.closeAsync() : Mono.empty();
  }

  /**
   * {@link #closeAsync()}, waited for on the calling thread (bounded as {@link
   * RedisBackend#close()}); never on a Reactor non-blocking thread.
   *
   * @throws IllegalStateException if called on a Reactor non-blocking thread
   */
  @Override
  public void close() {
    if (ownsBackend) {
      backend.close();
    }
  }

  @Override
  public String toString() {
    return "RedisAsyncResultPool[" + name + "]";
  }

  /**
   * The {@code "redis"} type of {@link AsyncResultPool#pools}: {@code options.url()} (default
   * {@value #DEFAULT_URL}), {@code name} and {@code maxExpire}; or the given {@code backend} when
   * it is a {@link RedisBackend}.
   */
  public static final class Provider implements AsyncResultPool.Provider {

    @Override
    public String type() {
      return "redis";
    }

    @Override
    public AsyncResultPool create(AsyncResultPoolOptions options) {
      if (options.backend() instanceof RedisBackend shared) {
        return on(shared, options.name(), options.maxExpire());
      }
      if (options.backend() != null) {
        throw new IllegalArgumentException(
            "a \"redis\" pool needs a RedisBackend or a url, got " + options.backend());
      }
      String url = options.url() != null ? options.url() : DEFAULT_URL;
      return connect(url, options.name(), options.maxExpire());
    }
  }
}
