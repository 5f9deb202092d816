package io.taskflux.result;

import io.taskflux.spi.Backend;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings for {@link AsyncResultPool#pools}, with AgentScope's defaults. Immutable; change with
 * the {@code with*} copies.
 *
 * @param maxLen the most entries a local pool holds ({@code >= 1}; default 8192)
 * @param maxExpire how long an entry lives ({@code >= 0} for a local pool, where zero expires every
 *     entry at once; {@code > 0} for a backend pool; default 7200 s)
 * @param clock the clock of expiry and timeouts of a local pool (default: UTC system clock)
 * @param backend the backend of a {@code "backend"} pool, or null
 * @param name the name of a shared pool: its key counter and value space (default {@code
 *     "default"})
 * @param url where a provider's pool connects (for example a Redis URI), or null
 */
public record AsyncResultPoolOptions(
    int maxLen, Duration maxExpire, Clock clock, Backend backend, String name, String url) {

  /** AgentScope's default length. */
  public static final int DEFAULT_MAX_LEN = 8192;

  /** AgentScope's default expiry. */
  public static final Duration DEFAULT_MAX_EXPIRE = Duration.ofSeconds(7200);

  /** Validates. */
  public AsyncResultPoolOptions {
    if (maxLen < 1) {
      throw new IllegalArgumentException("maxLen must be >= 1, got " + maxLen);
    }
    Objects.requireNonNull(maxExpire, "maxExpire");
    if (maxExpire.isNegative()) {
      throw new IllegalArgumentException("maxExpire must be >= 0, got " + maxExpire);
    }
    Objects.requireNonNull(clock, "clock");
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("name must not be blank, got '" + name + "'");
    }
  }

  /** The defaults: 8192 entries, 7200 s, the UTC system clock, no backend, name "default". */
  public static AsyncResultPoolOptions defaults() {
    return new AsyncResultPoolOptions(
        DEFAULT_MAX_LEN, DEFAULT_MAX_EXPIRE, Clock.systemUTC(), null, "default", null);
  }

  /** A copy with another length bound. */
  public AsyncResultPoolOptions withMaxLen(int maxLen) {
    return new AsyncResultPoolOptions(maxLen, maxExpire, clock, backend, name, url);
  }

  /** A copy with another expiry. */
  public AsyncResultPoolOptions withMaxExpire(Duration maxExpire) {
    return new AsyncResultPoolOptions(maxLen, maxExpire, clock, backend, name, url);
  }

  /** A copy with another clock. */
  public AsyncResultPoolOptions withClock(Clock clock) {
    return new AsyncResultPoolOptions(maxLen, maxExpire, clock, backend, name, url);
  }

  /** A copy with a backend (the clock of a backend pool is the backend's). */
  public AsyncResultPoolOptions withBackend(Backend backend) {
    return new AsyncResultPoolOptions(maxLen, maxExpire, clock, backend, name, url);
  }

  /** A copy with another pool name. */
  public AsyncResultPoolOptions withName(String name) {
    return new AsyncResultPoolOptions(maxLen, maxExpire, clock, backend, name, url);
  }

  /** A copy with a connection URL. */
  public AsyncResultPoolOptions withUrl(String url) {
    return new AsyncResultPoolOptions(maxLen, maxExpire, clock, backend, name, url);
  }
}
