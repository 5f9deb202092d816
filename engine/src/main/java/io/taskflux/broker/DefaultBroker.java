package io.taskflux.broker;

import io.taskflux.MessageAlreadyExistsException;
import io.taskflux.NotFoundException;
import io.taskflux.TaskfluxException;
import io.taskflux.backoff.Backoff;
import io.taskflux.internal.Checks;
import io.taskflux.spi.Backend;
import io.taskflux.spi.Delivery;
import io.taskflux.spi.EnqueueRequest;
import io.taskflux.spi.FailRequest;
import io.taskflux.spi.MessageState;
import io.taskflux.spi.Retention;
import io.taskflux.spi.RetryRequest;
import io.taskflux.spi.SettleResult;
import io.taskflux.spi.StoredMessage;
import io.taskflux.task.ExceptionDetails;
import io.taskflux.task.Message;
import io.taskflux.task.MessageRef;
import io.taskflux.task.StatusUpdate;
import io.taskflux.task.TaskStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;

/**
 * {@link Broker} on the backend's message operations. The by-message forms of {@code fail} and
 * {@code retry} read the message's state and then act with the operation that fits it
 * (lease-checked settlement with the current lease for a running message; revoke or update for a
 * waiting one); if the state changed in between (the backend refused), they read again, a bounded
 * number of times.
 */
final class DefaultBroker implements Broker {

  /** How often a by-message operation re-reads a message whose state keeps changing under it. */
  private static final int MAX_ATTEMPTS = 8;

  /** The type recorded by {@link #retry(MessageRef)} for a running message without details. */
  static final String RETRIED_BY_BROKER = "io.taskflux.broker.RetriedByBroker";

  private final Backend backend;
  private final Retention retention;

  DefaultBroker(Backend backend, Retention retention) {
    this.backend = backend;
    this.retention = retention;
  }

  @Override
  public Retention retention() {
    return retention;
  }

  @Override
  public Mono<Void> submit(Message message, Duration ttl) {
    Objects.requireNonNull(message, "message");
    Checks.positive(ttl, "ttl");
    return backend
        .enqueue(new EnqueueRequest(message, retention.withMessage(ttl)))
        .flatMap(
            stored ->
                stored
                    ? Mono.<Void>empty()
                    : Mono.error(new MessageAlreadyExistsException(message.id())));
  }

  @Override
  public Mono<Boolean> exists(MessageRef ref) {
    Objects.requireNonNull(ref, "ref");
    return backend.find(ref).map(s -> s.state() != MessageState.DEAD_LETTER).defaultIfEmpty(false);
  }

  @Override
  public Mono<Boolean> inDlq(MessageRef ref) {
    Objects.requireNonNull(ref, "ref");
    return backend.findDeadLetter(ref).hasElement();
  }

  @Override
  public Mono<Boolean> remove(MessageRef ref) {
    Objects.requireNonNull(ref, "ref");
    return backend.remove(ref);
  }

  @Override
  public Mono<Boolean> fail(Message message) {
    Objects.requireNonNull(message, "message");
    return deadLetter(message, message.exceptionDetails());
  }

  @Override
  public Mono<Boolean> fail(Message message, ExceptionDetails error) {
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(error, "error");
    return deadLetter(message.withExceptionDetails(error), error);
  }

  private Mono<Boolean> deadLetter(Message dead, ExceptionDetails error) {
    return backend
        .deadLetter(dead, retention)
        .flatMap(
            removed ->
                removed
                    ? Mono.defer(
                            () ->
                                backend.setStatus(
                                    dead.ref(),
                                    new StatusUpdate(
                                        TaskStatus.FAILED, backend.clock().instant(), error),
                                    retention.status()))
                        .thenReturn(true)
                    : Mono.just(false));
  }

  @Override
  public Mono<SettleResult> fail(Delivery delivery, ExceptionDetails error) {
    Objects.requireNonNull(delivery, "delivery");
    Objects.requireNonNull(error, "error");
    return backend.fail(new FailRequest(delivery.lease(), error, retention));
  }

  @Override
  public Mono<Message> retry(MessageRef ref) {
    Objects.requireNonNull(ref, "ref");
    return Mono.defer(() -> retryLive(ref, 1));
  }

  private Mono<Message> retryLive(MessageRef ref, int attempt) {
    return backend
        .find(ref)
        .filter(s -> s.state() != MessageState.DEAD_LETTER)
        .switchIfEmpty(Mono.error(() -> new NotFoundException("No live message " + ref)))
        .flatMap(
            stored -> {
              if (stored.message() == null) {
                return Mono.error(stored.error());
              }
              Message m = stored.message();
              Instant now = backend.clock().instant();
              Instant readyAt = nextReadyAt(m, now);
              if (stored.state() == MessageState.LEASED) {
                ExceptionDetails error = detailsOf(stored, RETRIED_BY_BROKER);
                return backend
                    .retry(new RetryRequest(stored.lease(), readyAt, error, retention))
                    .flatMap(
                        r ->
                            switch (r) {
                              case APPLIED -> syncFromBackend(ref);
                              case LEASE_LOST ->
                                  again(ref, attempt, () -> retryLive(ref, attempt + 1));
                              case REVOKED ->
                                  Mono.error(
                                      new NotFoundException("Message " + ref + " was revoked"));
                            });
              }
              Message updated =
                  m.toBuilder().retries(m.retries() + 1).updatedAt(now).readyAt(readyAt).build();
              return backend
                  .update(updated)
                  .flatMap(
                      ok ->
                          ok
                              ? Mono.just(updated)
                              : Mono.error(new NotFoundException("No live message " + ref)));
            });
  }

  @Override
  public Mono<SettleResult> retry(Delivery delivery, ExceptionDetails error) {
    Objects.requireNonNull(delivery, "delivery");
    Objects.requireNonNull(error, "error");
    if (delivery.message() == null) {
      throw new IllegalArgumentException(
          "delivery has no decodable message (" + delivery.error().getMessage() + "); fail it");
    }
    return Mono.defer(
        () -> {
          Instant readyAt = nextReadyAt(delivery.message(), backend.clock().instant());
          return backend.retry(new RetryRequest(delivery.lease(), readyAt, error, retention));
        });
  }

  /** DESIGN decision 2: the backoff of the coming retry, counted from now (the failure). */
  private static Instant nextReadyAt(Message m, Instant now) {
    return now.plus(Backoff.fromSettings(m.backoff()).delay(m.retries() + 1));
  }

  @Override
  public Mono<Message> syncFromBackend(MessageRef ref) {
    Objects.requireNonNull(ref, "ref");
    return backend
        .find(ref)
        .switchIfEmpty(Mono.error(() -> new NotFoundException("No message " + ref)))
        .flatMap(s -> s.message() != null ? Mono.just(s.message()) : Mono.error(s.error()));
  }

  @Override
  public Mono<Void> syncToBackend(Message message) {
    Objects.requireNonNull(message, "message");
    return backend
        .update(message)
        .flatMap(
            ok ->
                ok
                    ? Mono.<Void>empty()
                    : Mono.error(new NotFoundException("No message " + message.ref())));
  }

  private static ExceptionDetails detailsOf(StoredMessage stored, String fallbackType) {
    Message m = stored.message();
    if (m != null && m.exceptionDetails() != null) {
      return m.exceptionDetails();
    }
    if (m == null) {
      return ExceptionDetails.of(stored.error());
    }
    return ExceptionDetails.of(fallbackType, "by Broker, without exception details");
  }

  private static <T> Mono<T> again(MessageRef ref, int attempt, Supplier<Mono<T>> next) {
    if (attempt >= MAX_ATTEMPTS) {
      return Mono.error(
          new TaskfluxException(
              "Message " + ref + " changed state " + attempt + " times during the operation"));
    }
    return Mono.defer(next);
  }
}
