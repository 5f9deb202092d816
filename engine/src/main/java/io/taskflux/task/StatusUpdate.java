package io.taskflux.task;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * One status of one task, as stored and as published to watchers.
 *
 * @param status the status, never null
 * @param at when it was written, at millisecond precision, never null
 * @param error what went wrong, for {@code RETRYING} and {@code FAILED}; otherwise usually null
 */
public record StatusUpdate(TaskStatus status, Instant at, ExceptionDetails error) {

  /** Validates and truncates {@code at} to milliseconds. */
  public StatusUpdate {
    Objects.requireNonNull(status, "status");
    at = Objects.requireNonNull(at, "at").truncatedTo(ChronoUnit.MILLIS);
  }

  /** A status without exception details. */
  public static StatusUpdate of(TaskStatus status, Instant at) {
    return new StatusUpdate(status, at, null);
  }
}
