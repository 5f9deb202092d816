package io.taskflux.engine;

import io.taskflux.caller.Pending;
import io.taskflux.spi.RevokeResult;
import io.taskflux.task.Message;
import io.taskflux.task.MessageRef;
import io.taskflux.task.StatusUpdate;
import java.time.Duration;
import java.util.Optional;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A submitted task, seen from anywhere: the process that submitted it, another request, another
 * host ({@link TaskEngine#handle}). A handle holds only the message's address; every method reads
 * the backend, returns a cold {@code Mono}/{@code Flux} and never blocks. Thread-safe.
 *
 * @param <O> the task's output type
 */
public interface TaskHandle<O> {

  /** The message id. */
  String id();

  /** The message's queue and id. */
  MessageRef ref();

  /**
   * The message this handle was made from when it was built here ({@link
   * SubmitOptions#deferred(boolean) deferred} or just submitted); empty for a re-attached handle.
   */
  Optional<Message> message();

  /**
   * The result, as soon as it is stored. Fails with {@link java.util.concurrent.TimeoutException}
   * if neither a result nor a final failure arrives within {@code timeout}; with {@link
   * TaskFailedException} (carrying the remote exception details) once the task ended {@code
   * FAILED}; with {@link io.taskflux.UndecodablePayloadException} if the stored result does not fit
   * the output type. {@link Duration#ZERO} looks once and fails with {@link
   * io.taskflux.NotFoundException} when there is no result yet. A {@code null} result completes
   * empty. Waits on a notification, not by polling; the timer runs on the engine clock's scheduler.
   * A backend outage is waited out (within {@code timeout}); a backend that refuses (a permission,
   * the credentials, the TLS handshake) fails the wait at once with {@link
   * io.taskflux.BackendRejectedException} naming the cause.
   */
  Mono<O> result(Duration timeout);

  /** {@link #result(Duration)} without a time limit. */
  Mono<O> result();

  /**
   * The outcome as a value that never fails: a {@link Result} holding the value or the error of
   * {@link #result()}.
   */
  Mono<Result<O>> outcome();

  /** The current status, or empty when none is stored (never submitted, or expired). */
  Mono<StatusUpdate> status();

  /**
   * The current status, then every later one, without repeats; completes after a terminal one
   * ({@code SUCCEEDED} or {@code FAILED}). Never completes for a task that never ends; cancel it or
   * bound it with a timeout. A backend outage is waited out; a refusal fails the stream at once
   * with {@link io.taskflux.BackendRejectedException}.
   */
  Flux<StatusUpdate> statusUpdates();

  /**
   * Revokes the task: a waiting message never starts; a running one is cancelled (unless {@code
   * skipIfRunning}) and its result, if one still arrives, is discarded. Its status ends {@code
   * FAILED} with a {@link io.taskflux.TaskRevokedException} in the details.
   */
  Mono<RevokeResult> revoke(boolean skipIfRunning);

  /** {@link #revoke(boolean)} that also cancels a running attempt. */
  default Mono<RevokeResult> revoke() {
    return revoke(false);
  }

  /**
   * The result as a hot {@link Pending}, so {@code Pending.all/any/race} and {@code PendingGroup}
   * work on tasks: subscribes to {@link #result()} at once; cancelling the pending stops waiting
   * (it does not revoke the task).
   */
  default Pending<O> toPending() {
    return Pending.from(result());
  }
}
