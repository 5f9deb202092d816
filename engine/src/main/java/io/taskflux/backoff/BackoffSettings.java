package io.taskflux.backoff;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The serializable form of a {@link Backoff}, in the seed's shape: {@code {"algorithm":
 * "ExponentialBackoff", "parameters": {"base": 4, "factor": 10000, "floor": 60000, "ceiling":
 * 3600000, "zero_override": true}}} (durations in milliseconds; {@code "jitter"} appears only when
 * not zero).
 *
 * <p>Immutable. Parameter values are normalized on construction (integral numbers become {@code
 * Long}, other numbers {@code Double}; booleans stay) and sorted by name, so settings that went
 * through JSON compare equal to the originals.
 *
 * @param algorithm one of {@value #CONSTANT}, {@value #LINEAR}, {@value #EXPONENTIAL}
 * @param parameters the algorithm's parameters, by the seed's names
 */
public record BackoffSettings(String algorithm, Map<String, Object> parameters) {

  /** The constant algorithm's name. */
  public static final String CONSTANT = "ConstantBackoff";

  /** The linear algorithm's name. */
  public static final String LINEAR = "LinearBackoff";

  /** The exponential algorithm's name. */
  public static final String EXPONENTIAL = "ExponentialBackoff";

  /** Validates and normalizes; unknown algorithms are rejected by {@link Backoff#fromSettings}. */
  public BackoffSettings {
    Objects.requireNonNull(algorithm, "algorithm");
    Objects.requireNonNull(parameters, "parameters");
    TreeMap<String, Object> normalized = new TreeMap<>();
    parameters.forEach(
        (k, v) -> normalized.put(Objects.requireNonNull(k, "parameter name"), normalize(k, v)));
    parameters = java.util.Collections.unmodifiableMap(normalized);
  }

  /** The default backoff's settings: {@code Backoff.exponential().settings()}. */
  public static BackoffSettings defaults() {
    return Backoff.exponential().settings();
  }

  private static Object normalize(String name, Object value) {
    if (value instanceof Boolean) {
      return value;
    }
    if (value instanceof Number n) {
      double d = n.doubleValue();
      if (n instanceof Long || n instanceof Integer || n instanceof Short || n instanceof Byte) {
        return n.longValue();
      }
      if (!Double.isInfinite(d) && d == Math.rint(d) && Math.abs(d) < 0x1p53) {
        return (long) d;
      }
      return d;
    }
    throw new IllegalArgumentException(
        "backoff parameter '" + name + "' must be a number or a boolean, got " + value);
  }
}
