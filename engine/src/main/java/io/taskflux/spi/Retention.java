package io.taskflux.spi;

import io.taskflux.internal.Checks;
import java.time.Duration;
import java.util.Objects;

/**
 * How long a backend keeps what an operation writes. Every write that stores something takes its
 * time to live from here, so nothing grows without bound; expiry is judged on the backend's
 * {@linkplain Backend#clock() clock}.
 *
 * @param message how long a stored message lives (ready, delayed or leased), {@code > 0}
 * @param status how long each status write lives, {@code > 0}
 * @param deadLetter how long a dead letter is kept, {@code >= 0}; zero keeps none (the message is
 *     dropped, as the seed does with a {@code dlq_ttl} of 0)
 * @param revocation how long a revocation mark lives, {@code > 0}
 */
public record Retention(
    Duration message, Duration status, Duration deadLetter, Duration revocation) {

  /** Seven days, the seed's default for every one of them. */
  public static final Duration DEFAULT_TTL = Duration.ofDays(7);

  /** Validates. */
  public Retention {
    positive(message, "message");
    positive(status, "status");
    Objects.requireNonNull(deadLetter, "deadLetter");
    if (deadLetter.isNegative()) {
      throw new IllegalArgumentException("deadLetter must be >= 0, got " + deadLetter);
    }
    positive(revocation, "revocation");
  }

  /** Seven days for everything. */
  public static Retention defaults() {
    return new Retention(DEFAULT_TTL, DEFAULT_TTL, DEFAULT_TTL, DEFAULT_TTL);
  }

  /** A copy with another message TTL. */
  public Retention withMessage(Duration ttl) {
    return new Retention(ttl, status, deadLetter, revocation);
  }

  /** A copy with another status TTL. */
  public Retention withStatus(Duration ttl) {
    return new Retention(message, ttl, deadLetter, revocation);
  }

  /** A copy with another dead-letter TTL (zero keeps no dead letters). */
  public Retention withDeadLetter(Duration ttl) {
    return new Retention(message, status, ttl, revocation);
  }

  /** A copy with another revocation TTL. */
  public Retention withRevocation(Duration ttl) {
    return new Retention(message, status, deadLetter, ttl);
  }

  static Duration positive(Duration d, String name) {
    return Checks.positive(d, name);
  }
}
