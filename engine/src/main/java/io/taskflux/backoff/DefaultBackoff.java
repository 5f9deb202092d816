package io.taskflux.backoff;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/** The three formulas of {@link Backoff} in one immutable value. */
final class DefaultBackoff implements Backoff {

  /** Draws from the calling thread's random, so the default is safe on every thread. */
  private static final RandomGenerator THREAD_LOCAL = () -> ThreadLocalRandom.current().nextLong();

  private final String algorithm;
  private final long amount; // constant or factor, ms
  private final double base; // exponential only
  private final long floor;
  private final long ceiling;
  private final boolean zeroOverride;
  private final double jitter;
  private final RandomGenerator random;

  /**
   * Built once: every message submitted with this backoff carries these settings, so a fresh copy
   * per call cost every queued message ~370 bytes of heap (a sorted map and its boxed values).
   */
  private final BackoffSettings settings;

  private DefaultBackoff(
      String algorithm,
      long amount,
      double base,
      long floor,
      long ceiling,
      boolean zeroOverride,
      double jitter,
      RandomGenerator random) {
    if (floor < 0) {
      throw new IllegalArgumentException("floor must be >= 0, got " + floor + " ms");
    }
    if (floor > ceiling) {
      throw new IllegalArgumentException(
          "floor (" + floor + " ms) must not be greater than ceiling (" + ceiling + " ms)");
    }
    if (!(jitter >= 0 && jitter <= 1)) {
      throw new IllegalArgumentException("jitter must be in [0, 1], got " + jitter);
    }
    if (algorithm.equals(BackoffSettings.EXPONENTIAL) && !(base > 0)) {
      throw new IllegalArgumentException("base must be > 0, got " + base);
    }
    this.algorithm = algorithm;
    this.amount = amount;
    this.base = base;
    this.floor = floor;
    this.ceiling = ceiling;
    this.zeroOverride = zeroOverride;
    this.jitter = jitter;
    this.random = random == null ? THREAD_LOCAL : random;
    this.settings = buildSettings();
  }

  /**
   * A backoff with the default ceiling and {@code floor} ms as its floor ({@link #floorFor(long)}
   * for an explicit parameter).
   */
  static Backoff of(
      String algorithm, long amount, double base, long floor, RandomGenerator random) {
    return new DefaultBackoff(
        algorithm, amount, base, floor, DEFAULT_CEILING.toMillis(), true, 0, random);
  }

  static Backoff fromSettings(BackoffSettings settings, RandomGenerator random) {
    if (settings == null) {
      throw new IllegalArgumentException("settings must not be null");
    }
    Map<String, Object> p = settings.parameters();
    String algorithm = settings.algorithm();
    long amount;
    double base = 0;
    switch (algorithm) {
      case BackoffSettings.CONSTANT -> amount = longParam(p, "constant", 60_000);
      case BackoffSettings.LINEAR -> amount = longParam(p, "factor", 30_000);
      case BackoffSettings.EXPONENTIAL -> {
        amount = longParam(p, "factor", 10_000);
        base = doubleParam(p, "base", 4);
      }
      default ->
          throw new IllegalArgumentException("unknown backoff algorithm '" + algorithm + "'");
    }
    Object zo = p.getOrDefault("zero_override", Boolean.TRUE);
    if (!(zo instanceof Boolean)) {
      throw new IllegalArgumentException("backoff parameter 'zero_override' must be a boolean");
    }
    return new DefaultBackoff(
        algorithm,
        amount,
        base,
        longParam(
            p,
            "floor",
            p.containsKey(amountName(algorithm)) ? floorFor(amount) : DEFAULT_FLOOR.toMillis()),
        longParam(p, "ceiling", DEFAULT_CEILING.toMillis()),
        (Boolean) zo,
        doubleParam(p, "jitter", 0),
        random);
  }

  /**
   * The floor for an explicit constant or factor of {@code amount} ms: the default floor, lowered
   * to {@code amount} when that is below it, so an explicit parameter is never silently raised.
   */
  static long floorFor(long amount) {
    return Math.min(DEFAULT_FLOOR.toMillis(), amount);
  }

  private static String amountName(String algorithm) {
    return algorithm.equals(BackoffSettings.CONSTANT) ? "constant" : "factor";
  }

  private static long longParam(Map<String, Object> p, String name, long dflt) {
    Object v = p.get(name);
    if (v == null) {
      return dflt;
    }
    if (!(v instanceof Long l) || l < 0) {
      throw new IllegalArgumentException(
          "backoff parameter '" + name + "' must be a non-negative integer, got " + v);
    }
    return l;
  }

  private static double doubleParam(Map<String, Object> p, String name, double dflt) {
    Object v = p.get(name);
    if (v == null) {
      return dflt;
    }
    if (!(v instanceof Number n)) {
      throw new IllegalArgumentException("backoff parameter '" + name + "' must be a number");
    }
    return n.doubleValue();
  }

  @Override
  public Duration delay(int incidents) {
    return Duration.ofMillis(delayMillis(incidents));
  }

  @Override
  public long delayMillis(int incidents) {
    if (incidents < 0) {
      throw new IllegalArgumentException("incidents must be >= 0, got " + incidents);
    }
    if (zeroOverride && incidents == 0) {
      return 0;
    }
    double value =
        switch (algorithm) {
          case BackoffSettings.CONSTANT -> amount;
          case BackoffSettings.LINEAR -> (double) amount * incidents;
          default -> amount * Math.pow(base, incidents);
        };
    if (jitter > 0) {
      value *= 1 + jitter * (2 * random.nextDouble() - 1);
    }
    // Infinity and values past Long.MAX_VALUE saturate before the ceiling clips them.
    long ms = value >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) value;
    return Math.max(floor, Math.min(ceiling, ms));
  }

  @Override
  public Duration floor() {
    return Duration.ofMillis(floor);
  }

  @Override
  public Duration ceiling() {
    return Duration.ofMillis(ceiling);
  }

  @Override
  public boolean zeroOverride() {
    return zeroOverride;
  }

  @Override
  public double jitter() {
    return jitter;
  }

  @Override
  public BackoffSettings settings() {
    return settings;
  }

  private BackoffSettings buildSettings() {
    Map<String, Object> p = new LinkedHashMap<>();
    switch (algorithm) {
      case BackoffSettings.CONSTANT -> p.put("constant", amount);
      case BackoffSettings.LINEAR -> p.put("factor", amount);
      default -> {
        p.put("base", base);
        p.put("factor", amount);
      }
    }
    p.put("floor", floor);
    p.put("ceiling", ceiling);
    p.put("zero_override", zeroOverride);
    if (jitter > 0) {
      p.put("jitter", jitter);
    }
    return new BackoffSettings(algorithm, p);
  }

  @Override
  public Backoff withFloor(Duration floor) {
    return new DefaultBackoff(
        algorithm, amount, base, ms(floor, "floor"), ceiling, zeroOverride, jitter, random);
  }

  @Override
  public Backoff withCeiling(Duration ceiling) {
    return new DefaultBackoff(
        algorithm, amount, base, floor, ms(ceiling, "ceiling"), zeroOverride, jitter, random);
  }

  @Override
  public Backoff withZeroOverride(boolean zeroOverride) {
    return new DefaultBackoff(
        algorithm, amount, base, floor, ceiling, zeroOverride, jitter, random);
  }

  @Override
  public Backoff withJitter(double fraction, RandomGenerator random) {
    if (random == null) {
      throw new IllegalArgumentException("random must not be null");
    }
    return new DefaultBackoff(
        algorithm, amount, base, floor, ceiling, zeroOverride, fraction, random);
  }

  private static long ms(Duration d, String name) {
    if (d == null || d.isNegative()) {
      throw new IllegalArgumentException(name + " must be a non-negative duration, got " + d);
    }
    return d.toMillis();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DefaultBackoff b && settings().equals(b.settings());
  }

  @Override
  public int hashCode() {
    return settings().hashCode();
  }

  @Override
  public String toString() {
    return settings().toString();
  }
}
