package io.taskflux.examples;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses and prints human durations: {@code 250ms}, {@code 2s}, {@code 5m}, {@code 1h}, ISO-8601.
 */
public final class Durations {

  private static final Pattern SIMPLE = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)?");

  private Durations() {}

  /**
   * A duration from {@code 250ms}, {@code 2s}, {@code 5m}, {@code 1h}, {@code 1d}, a bare number of
   * seconds, or ISO-8601 ({@code PT2S}).
   *
   * @throws IllegalArgumentException naming the text when it is none of these or negative
   */
  public static Duration parse(String text) {
    String t = text == null ? "" : text.trim().toLowerCase(java.util.Locale.ROOT);
    Matcher m = SIMPLE.matcher(t);
    try {
      if (m.matches()) {
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        return switch (unit) {
          case "ms" -> Duration.ofMillis(n);
          case "m" -> Duration.ofMinutes(n);
          case "h" -> Duration.ofHours(n);
          case "d" -> Duration.ofDays(n);
          default -> Duration.ofSeconds(n);
        };
      }
      Duration d = Duration.parse(t.toUpperCase(java.util.Locale.ROOT));
      if (d.isNegative()) {
        throw new IllegalArgumentException("a duration must not be negative, got '" + text + "'");
      }
      return d;
    } catch (NumberFormatException | DateTimeParseException e) {
      throw new IllegalArgumentException(
          "not a duration: '" + text + "' (use 250ms, 2s, 5m, 1h or PT2S)");
    } catch (ArithmeticException e) {
      // 99999999999999d: more seconds than a Duration holds.
      throw new IllegalArgumentException("a duration too long: '" + text + "'");
    }
  }

  /** A short form: {@code 250ms}, {@code 2s}, or ISO-8601 for anything else. */
  public static String format(Duration d) {
    if (d.toMillis() % 1000 != 0 || d.isZero()) {
      return d.toMillis() + "ms";
    }
    return d.getSeconds() + "s";
  }
}
