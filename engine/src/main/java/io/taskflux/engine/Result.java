package io.taskflux.engine;

import java.util.Objects;

/**
 * The outcome of one task as {@link TaskEngine#results} streams it: the value, or the error that
 * {@link TaskHandle#result()} failed with (usually a {@link TaskFailedException}).
 *
 * @param id the message id
 * @param value the result, null when the task failed or returned null
 * @param error why there is no result, or null when it succeeded
 * @param <O> the output type
 */
public record Result<O>(String id, O value, Throwable error) {

  /** Validates. */
  public Result {
    Objects.requireNonNull(id, "id");
  }

  /** A success. */
  public static <O> Result<O> success(String id, O value) {
    return new Result<>(id, value, null);
  }

  /** A failure. */
  public static <O> Result<O> failure(String id, Throwable error) {
    return new Result<>(id, null, Objects.requireNonNull(error, "error"));
  }

  /** Whether the task succeeded. */
  public boolean isSuccess() {
    return error == null;
  }
}
