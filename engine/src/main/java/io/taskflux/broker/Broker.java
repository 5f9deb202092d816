package io.taskflux.broker;

import io.taskflux.spi.Backend;
import io.taskflux.spi.Delivery;
import io.taskflux.spi.Retention;
import io.taskflux.spi.SettleResult;
import io.taskflux.task.ExceptionDetails;
import io.taskflux.task.Message;
import io.taskflux.task.MessageRef;
import java.time.Duration;
import java.util.Objects;
import reactor.core.publisher.Mono;

/**
 * Puts messages into queues and moves them between states (the seed's {@code Broker}), over a
 * {@link Backend}. Two kinds of operations:
 *
 * <ul>
 *   <li><b>By message</b> ({@link MessageRef}), as the seed does them, whoever holds the message:
 *       {@link #submit}, {@link #ack}/{@link #remove}, {@link #fail(Message, ExceptionDetails)},
 *       {@link #retry(MessageRef)}, {@link #exists}, {@link #inDlq}, {@link #syncFromBackend},
 *       {@link #syncToBackend}. They act on a running message too (its attempt loses its lease).
 *   <li><b>By delivery</b> (a claimed message and its lease, from a {@link Consumer}): {@link
 *       #fail(Delivery, ExceptionDetails)} and {@link #retry(Delivery, ExceptionDetails)}, applied
 *       only while the lease holds.
 * </ul>
 *
 * <p><b>TTLs</b> come from the broker's {@link Retention}: messages live {@code message()} (seven
 * days by default, the seed's), dead letters {@code deadLetter()} (the seed's {@code dlq_ttl}; zero
 * keeps none), statuses {@code status()}.
 *
 * <p><b>Threading.</b> Thread-safe. Every method returns a cold {@code Mono} that does its work on
 * subscription (again on each one), never blocks, and may signal on any thread. <b>Errors</b>
 * arrive through {@code onError} as documented per method, and {@link
 * io.taskflux.BackendUnavailableException} / {@link io.taskflux.CapacityExceededException} from the
 * backend. Invalid arguments throw at call time.
 */
public interface Broker {

  /** A broker with {@link Retention#defaults()} (seven days for everything). */
  static Broker create(Backend backend) {
    return create(backend, Retention.defaults());
  }

  /** A broker with the given TTLs. */
  static Broker create(Backend backend, Retention retention) {
    return new DefaultBroker(
        Objects.requireNonNull(backend, "backend"), Objects.requireNonNull(retention, "retention"));
  }

  /** The TTLs this broker writes with. */
  Retention retention();

  /** {@link #submit(Message, Duration)} with the broker's message TTL. */
  default Mono<Void> submit(Message message) {
    return submit(message, retention().message());
  }

  /**
   * Stores a new message, claimable at its {@code readyAt}, for {@code ttl} ({@code > 0}), and
   * writes its {@code SUBMITTED} status. Fails with {@link
   * io.taskflux.MessageAlreadyExistsException} when a live message with the same ref exists
   * (nothing changes).
   */
  Mono<Void> submit(Message message, Duration ttl);

  /** Whether a live message (waiting or running) has this ref. */
  Mono<Boolean> exists(MessageRef ref);

  /** Whether the message is in the dead-letter queue (whether or not a live one exists too). */
  Mono<Boolean> inDlq(MessageRef ref);

  /**
   * Acknowledges a message: the same as {@link #remove}. Idempotent.
   *
   * @return {@code true} if a live message was removed
   */
  default Mono<Boolean> ack(MessageRef ref) {
    return remove(ref);
  }

  /**
   * Removes a live message whatever its state (a running attempt loses its lease), without
   * dead-lettering it and without touching its status or result. Idempotent.
   *
   * @return {@code true} if a live message was removed
   */
  Mono<Boolean> remove(MessageRef ref);

  /** {@link #fail(Message, ExceptionDetails)} with the message's own exception details. */
  Mono<Boolean> fail(Message message);

  /**
   * Ends a message for good, as the seed does: the live message with its ref, if any, leaves its
   * queue whatever its state (a running attempt loses its lease), and {@code message} (with {@code
   * error} as its exception details) is kept as its dead letter for the broker's dead-letter TTL
   * (none when zero), replacing an older one — also when no live message was there. If a live
   * message was removed, its status then becomes {@code FAILED} with {@code error} (a second write,
   * so a finished task's status is never overwritten). Safe to call twice.
   *
   * @return {@code true} if a live message was removed
   */
  Mono<Boolean> fail(Message message, ExceptionDetails error);

  /**
   * Fails a claimed message while its lease holds (the worker's path): dead letter, {@code FAILED}.
   *
   * @return what the backend did; {@link SettleResult#LEASE_LOST} and {@link SettleResult#REVOKED}
   *     changed nothing
   */
  Mono<SettleResult> fail(Delivery delivery, ExceptionDetails error);

  /**
   * Schedules another attempt of a live message: one more retry counted, ready after its backoff
   * counted from now (DESIGN decision 2); a running attempt loses its lease. The content is
   * rewritten and its TTL kept. Fails with {@link io.taskflux.NotFoundException} when no live
   * message has this ref.
   *
   * @return the message as now stored
   */
  Mono<Message> retry(MessageRef ref);

  /**
   * Schedules another attempt of a claimed message while its lease holds (the worker's path): one
   * more retry counted, {@code error} recorded, ready after its backoff counted from now, status
   * {@code RETRYING}.
   *
   * @throws IllegalArgumentException if the delivery has no decodable message
   */
  Mono<SettleResult> retry(Delivery delivery, ExceptionDetails error);

  /**
   * The message as stored: the live one, else its dead letter. Fails with {@link
   * io.taskflux.NotFoundException} when neither exists, and with {@link
   * io.taskflux.UndecodablePayloadException} when its payload cannot be decoded.
   */
  Mono<Message> syncFromBackend(MessageRef ref);

  /**
   * Replaces the stored content (live message, else dead letter) with {@code message}, keeping its
   * state, lease and TTL. Fails with {@link io.taskflux.NotFoundException} when neither exists.
   */
  Mono<Void> syncToBackend(Message message);
}
