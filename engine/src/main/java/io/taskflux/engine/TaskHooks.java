package io.taskflux.engine;

import io.taskflux.task.ExceptionDetails;
import io.taskflux.task.Message;

/**
 * Code run around a task's life, the seed's {@code on_submit}, {@code on_success}, {@code
 * on_retry}, {@code on_failure} and {@code on_revocation}. Every method has an empty default, so an
 * implementation overrides only what it needs.
 *
 * <p><b>Threads.</b> Hooks run on the thread that settled the outcome, which may be a Reactor
 * non-blocking thread: they must be quick and must not block. <b>Errors.</b> A hook that throws is
 * logged and changes nothing: the outcome is already stored when it runs.
 *
 * @param <I> the task's input type
 * @param <O> the task's output type
 */
public interface TaskHooks<I, O> {

  /** After the message was stored (status {@code SUBMITTED}). */
  default void onSubmit(Message message) {}

  /** After the result was stored and the status became {@code SUCCEEDED}. */
  default void onSuccess(Message message, O result) {}

  /** After a failed attempt was scheduled again (status {@code RETRYING}). */
  default void onRetry(Message message, ExceptionDetails error) {}

  /** After the message went to the dead-letter queue (status {@code FAILED}). */
  default void onFailure(Message message, ExceptionDetails error) {}

  /**
   * When a worker finds that the message it ran was revoked: the attempt was cancelled, or its
   * result arrived after the revocation and was discarded.
   */
  default void onRevocation(Message message) {}

  /** Hooks that do nothing. */
  static <I, O> TaskHooks<I, O> none() {
    return new TaskHooks<>() {};
  }
}
