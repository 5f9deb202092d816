package io.taskflux.trigger;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Objects;
import java.util.Optional;

/**
 * When a {@link TriggerTask} fires: a cron expression, a fixed interval, or one date. Fire times
 * are a pure function of the trigger (never of when a scheduler started), so every scheduler
 * instance computes the same ticks and the same tick ids. Immutable and thread-safe.
 */
public interface Trigger {

  /**
   * The first fire time strictly after {@code after}, or empty when it never fires again.
   *
   * @throws NullPointerException if {@code after} is null
   */
  Optional<Instant> nextAfter(Instant after);

  /**
   * A Unix cron expression (five fields: minute, hour, day of month, month, day of week), in UTC.
   *
   * @throws IllegalArgumentException naming the expression if it is not valid
   */
  static Trigger cron(String expression) {
    return cron(expression, ZoneOffset.UTC);
  }

  /** {@link #cron(String)} evaluated in {@code zone}. */
  static Trigger cron(String expression, ZoneId zone) {
    Objects.requireNonNull(expression, "expression");
    Objects.requireNonNull(zone, "zone");
    ExecutionTime execution;
    try {
      execution =
          ExecutionTime.forCron(
              new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX))
                  .parse(expression)
                  .validate());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "expression is not a valid Unix cron expression: '" + expression + "'", e);
    }
    return new Cron(expression, execution, zone);
  }

  /**
   * Every {@code every} ({@code >= 1 ms}), at the multiples of it since the epoch (so instances
   * that start at different times agree on the ticks).
   */
  static Trigger interval(Duration every) {
    return interval(every, Instant.EPOCH);
  }

  /** Every {@code every}, at {@code anchor + k * every}. */
  static Trigger interval(Duration every, Instant anchor) {
    Objects.requireNonNull(every, "every");
    Objects.requireNonNull(anchor, "anchor");
    if (every.toMillis() < 1) {
      throw new IllegalArgumentException("every must be >= 1 ms, got " + every);
    }
    return new Interval(every.toMillis(), anchor.toEpochMilli());
  }

  /** Once, at {@code when}; a date already past when the task starts never fires. */
  static Trigger at(Instant when) {
    Objects.requireNonNull(when, "when");
    return new Once(when);
  }

  /** A cron trigger. */
  record Cron(String expression, ExecutionTime execution, ZoneId zone) implements Trigger {
    @Override
    public Optional<Instant> nextAfter(Instant after) {
      return execution
          .nextExecution(ZonedDateTime.ofInstant(after, zone))
          .map(ZonedDateTime::toInstant);
    }

    @Override
    public String toString() {
      return "cron(" + expression + ", " + zone + ")";
    }
  }

  /** An interval trigger. */
  record Interval(long everyMillis, long anchorMillis) implements Trigger {
    @Override
    public Optional<Instant> nextAfter(Instant after) {
      long since = after.toEpochMilli() - anchorMillis;
      long k = Math.floorDiv(since, everyMillis) + 1;
      return Optional.of(Instant.ofEpochMilli(anchorMillis + k * everyMillis));
    }
  }

  /** A date trigger. */
  record Once(Instant when) implements Trigger {
    @Override
    public Optional<Instant> nextAfter(Instant after) {
      return when.isAfter(after) ? Optional.of(when) : Optional.empty();
    }
  }
}
