package io.taskflux.cli;

/** A failure the command line reports as one clear line and an exit code (no stack trace). */
final class CliException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** The task failed or the operation could not be done. */
  static final int FAILED = 1;

  /** Bad usage: options, names, missing tasks. */
  static final int USAGE = 2;

  /** Nothing arrived within the time limit (the task may still finish). */
  static final int TIMEOUT = 3;

  /** No such task or message. */
  static final int NOT_FOUND = 4;

  private final int exitCode;

  CliException(int exitCode, String message) {
    super(message, null, false, false);
    this.exitCode = exitCode;
  }

  int exitCode() {
    return exitCode;
  }
}
