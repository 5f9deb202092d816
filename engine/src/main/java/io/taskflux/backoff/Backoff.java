package io.taskflux.backoff;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * How long to wait before attempt {@code n + 1} after {@code n} failures (the seed's "incidents").
 *
 * <p>{@code delay(n)} is zero when {@linkplain #zeroOverride() zero override} is on and {@code n ==
 * 0}; otherwise it is the formula's value, moved by the optional jitter, clipped to {@code [floor,
 * ceiling]}. Formulas, in milliseconds: constant {@code c}; linear {@code factor * n}; exponential
 * {@code factor * base^n}.
 *
 * <p>Defaults (the seed's): floor 60 s, ceiling 1 h, zero override on; constant 60 s; linear factor
 * 30 s; exponential base 4, factor 10 s, so {@code exponential().delay(0..6)} is 0, 60 s, 160 s,
 * 640 s, 2 560 s, 3 600 s, 3 600 s. These are the factories without arguments.
 *
 * <p><b>An explicit parameter is never clipped silently.</b> A constant or factor given to a
 * factory (or in {@linkplain #fromSettings settings} without a {@code floor}) that is below the
 * default floor lowers the floor to it: {@code constant(Duration.ofMillis(10)).delay(1)} is 10 ms,
 * {@code linear(Duration.ofSeconds(1)).delay(1)} is 1 s, and {@code exponential(4,
 * Duration.ofSeconds(10))} has floor 10 s (so its {@code delay(1)} is 40 s, where {@code
 * exponential()}'s is 60 s). {@link #withFloor} sets any floor explicitly.
 *
 * <p>Instances are immutable and thread-safe (the random source, when there is jitter, must be safe
 * for the threads that call {@link #delay}); {@link #settings()} round-trips: {@code
 * Backoff.fromSettings(b.settings()).settings().equals(b.settings())}. Invalid arguments throw
 * {@link IllegalArgumentException} naming the parameter.
 */
public interface Backoff {

  /** Default floor: 60 s. */
  Duration DEFAULT_FLOOR = Duration.ofMinutes(1);

  /** Default ceiling: 1 h. */
  Duration DEFAULT_CEILING = Duration.ofHours(1);

  /** The delay before the next attempt after {@code incidents} failures ({@code >= 0}). */
  Duration delay(int incidents);

  /** The same as {@link #delay}, in milliseconds. */
  long delayMillis(int incidents);

  /** The lower bound of every non-overridden delay. */
  Duration floor();

  /** The upper bound of every delay. */
  Duration ceiling();

  /** Whether {@code delay(0)} is zero whatever the formula says. */
  boolean zeroOverride();

  /**
   * The jitter fraction in {@code [0, 1]}: the formula's value is multiplied by a uniform factor in
   * {@code [1 - jitter, 1 + jitter]} before clipping. Zero means none.
   */
  double jitter();

  /** The serializable form of this backoff (the random source is not part of it). */
  BackoffSettings settings();

  /** A copy with another floor ({@code >= 0}, {@code <= ceiling}). */
  Backoff withFloor(Duration floor);

  /** A copy with another ceiling ({@code >= floor}). */
  Backoff withCeiling(Duration ceiling);

  /** A copy with zero override on or off. */
  Backoff withZeroOverride(boolean zeroOverride);

  /**
   * A copy with jitter: {@code fraction} in {@code [0, 1]}, drawn from {@code random} (inject a
   * seeded one in tests).
   */
  Backoff withJitter(double fraction, RandomGenerator random);

  /** Constant backoff of 60 s with the default floor and ceiling. */
  static Backoff constant() {
    return constant(Duration.ofMinutes(1));
  }

  /**
   * Constant backoff: every delay is {@code constant}, clipped to the default ceiling; the floor is
   * the default one, or {@code constant} when that is lower.
   */
  static Backoff constant(Duration constant) {
    long ms = millis(constant, "constant");
    return DefaultBackoff.of(BackoffSettings.CONSTANT, ms, 0, DefaultBackoff.floorFor(ms), null);
  }

  /** Linear backoff with factor 30 s and the default floor (60 s) and ceiling. */
  static Backoff linear() {
    return DefaultBackoff.of(BackoffSettings.LINEAR, 30_000, 0, DEFAULT_FLOOR.toMillis(), null);
  }

  /**
   * Linear backoff: {@code factor * incidents}, clipped to the default ceiling; the floor is the
   * default one, or {@code factor} when that is lower.
   */
  static Backoff linear(Duration factor) {
    long ms = millis(factor, "factor");
    return DefaultBackoff.of(BackoffSettings.LINEAR, ms, 0, DefaultBackoff.floorFor(ms), null);
  }

  /**
   * Exponential backoff with base 4, factor 10 s and the default floor (60 s) and ceiling (the
   * default of every task).
   */
  static Backoff exponential() {
    return DefaultBackoff.of(
        BackoffSettings.EXPONENTIAL, 10_000, 4, DEFAULT_FLOOR.toMillis(), null);
  }

  /**
   * Exponential backoff: {@code factor * base^incidents}, clipped to the default ceiling; the floor
   * is the default one, or {@code factor} when that is lower.
   */
  static Backoff exponential(double base, Duration factor) {
    long ms = millis(factor, "factor");
    return DefaultBackoff.of(
        BackoffSettings.EXPONENTIAL, ms, base, DefaultBackoff.floorFor(ms), null);
  }

  /** No wait at all between attempts: constant 0 with floor and ceiling 0. */
  static Backoff none() {
    return constant(Duration.ZERO).withFloor(Duration.ZERO).withCeiling(Duration.ZERO);
  }

  /**
   * Rebuilds a backoff from its settings; jitter, if any, draws from a thread-local random source.
   *
   * @throws IllegalArgumentException for an unknown algorithm or invalid parameters
   */
  static Backoff fromSettings(BackoffSettings settings) {
    return DefaultBackoff.fromSettings(settings, null);
  }

  /** Rebuilds a backoff from its settings, with jitter drawn from {@code random}. */
  static Backoff fromSettings(BackoffSettings settings, RandomGenerator random) {
    return DefaultBackoff.fromSettings(settings, random);
  }

  private static long millis(Duration d, String name) {
    if (d == null || d.isNegative()) {
      throw new IllegalArgumentException(name + " must be a non-negative duration, got " + d);
    }
    return d.toMillis();
  }
}
