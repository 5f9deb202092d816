package io.taskflux.task;

import java.util.EnumSet;
import java.util.Set;

/**
 * Where a task is in its life: {@code SUBMITTED → RUNNING → (RETRYING → RUNNING)* → SUCCEEDED |
 * FAILED}. {@link #UNKNOWN} means the engine lost track (the integrity scan sets it on a
 * non-terminal status whose message is gone). The numeric codes are the seed's.
 */
public enum TaskStatus {
  /** Nothing is known about the task (code 0). */
  UNKNOWN(0),
  /** Stored and waiting to run (code 1). */
  SUBMITTED(1),
  /** Claimed by a worker and running (code 2). */
  RUNNING(2),
  /** An attempt failed; it waits for the next one (code 3). */
  RETRYING(3),
  /** Finished without a result: retries exhausted, revoked or undeliverable (code 4). */
  FAILED(4),
  /** Finished with a result (code 5). */
  SUCCEEDED(5);

  private final int code;

  TaskStatus(int code) {
    this.code = code;
  }

  /** The seed's numeric code of this status. */
  public int code() {
    return code;
  }

  /** Whether no transition leaves this status: {@link #FAILED} and {@link #SUCCEEDED}. */
  public boolean isTerminal() {
    return this == FAILED || this == SUCCEEDED;
  }

  /**
   * Whether a status may move from this one to {@code next}:
   *
   * <ul>
   *   <li>{@code UNKNOWN →} any status (the engine lost track, anything may be true);
   *   <li>{@code SUBMITTED → RUNNING, FAILED, UNKNOWN} (FAILED: revoked before it started);
   *   <li>{@code RUNNING → RETRYING, SUCCEEDED, FAILED, UNKNOWN};
   *   <li>{@code RETRYING → RUNNING, FAILED, UNKNOWN} (FAILED: revoked while waiting);
   *   <li>{@code FAILED, SUCCEEDED →} nothing.
   * </ul>
   *
   * <p>A status never moves to itself.
   */
  public boolean canTransitionTo(TaskStatus next) {
    return allowedNext().contains(next);
  }

  /** The statuses {@link #canTransitionTo} allows from this one. */
  public Set<TaskStatus> allowedNext() {
    return switch (this) {
      case UNKNOWN -> EnumSet.of(SUBMITTED, RUNNING, RETRYING, FAILED, SUCCEEDED);
      case SUBMITTED -> EnumSet.of(RUNNING, FAILED, UNKNOWN);
      case RUNNING -> EnumSet.of(RETRYING, SUCCEEDED, FAILED, UNKNOWN);
      case RETRYING -> EnumSet.of(RUNNING, FAILED, UNKNOWN);
      case FAILED, SUCCEEDED -> EnumSet.noneOf(TaskStatus.class);
    };
  }

  /** The status with the seed's numeric code. */
  public static TaskStatus ofCode(int code) {
    for (TaskStatus s : values()) {
      if (s.code == code) {
        return s;
      }
    }
    throw new IllegalArgumentException("unknown status code " + code);
  }
}
