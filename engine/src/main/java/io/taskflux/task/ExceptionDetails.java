package io.taskflux.task;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Objects;

/**
 * What went wrong in one attempt, in a form that survives serialization and a trip to another
 * process: the exception's class name, its message and its stack trace as text.
 *
 * @param type the fully qualified exception class name, never null
 * @param message the exception message; empty when it had none, never null
 * @param stack the printed stack trace; empty when unknown, never null
 */
public record ExceptionDetails(String type, String message, String stack) {

  /** The type recorded when a lease expired before its worker finished (the worker was lost). */
  public static final String LEASE_LOST = "io.taskflux.LeaseLost";

  /** Validates; null message or stack become empty strings. */
  public ExceptionDetails {
    Objects.requireNonNull(type, "type");
    message = message == null ? "" : message;
    stack = stack == null ? "" : stack;
  }

  /** The details of a throwable: its class name, message and printed stack trace. */
  public static ExceptionDetails of(Throwable error) {
    Objects.requireNonNull(error, "error");
    StringWriter out = new StringWriter();
    error.printStackTrace(new PrintWriter(out));
    return new ExceptionDetails(error.getClass().getName(), error.getMessage(), out.toString());
  }

  /** Details without a stack trace. */
  public static ExceptionDetails of(String type, String message) {
    return new ExceptionDetails(type, message, "");
  }

  /** Whether these details record an exception of {@code type} (by class name). */
  public boolean is(Class<? extends Throwable> type) {
    return this.type.equals(type.getName());
  }
}
