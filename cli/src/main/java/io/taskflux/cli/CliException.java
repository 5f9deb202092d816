package io.taskflux.cli;

/**
 * A failure the command line reports as one clear line and an exit code (no stack trace). Each
 * cause has its own code, listed in {@code taskflux --help} ({@link Main}).
 */
final class CliException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** The task failed (its result is an error), or it was revoked. */
  static final int FAILED = 1;

  /** Bad usage: unknown options, bad values, missing or clashing task modules. */
  static final int USAGE = 2;

  /** Nothing arrived within the time limit (the task may still finish). */
  static final int TIMEOUT = 3;

  /** No such task or dead letter. */
  static final int NOT_FOUND = 4;

  /** No loaded task module defines the task name (and no {@code --queue} was given). */
  static final int UNKNOWN_TASK = 5;

  /** The input does not fit the task's input type; nothing was stored. */
  static final int BAD_INPUT = 6;

  /** A task with that id exists already; nothing was stored. */
  static final int ALREADY_EXISTS = 7;

  /** The backend cannot be reached or refused the operation (Redis down, bad URI, no room). */
  static final int BACKEND = 8;

  /** A bug: an error the command line did not expect (reported with its type). */
  static final int INTERNAL = 9;

  private final int exitCode;

  CliException(int exitCode, String message) {
    super(message, null, false, false);
    this.exitCode = exitCode;
  }

  int exitCode() {
    return exitCode;
  }
}
