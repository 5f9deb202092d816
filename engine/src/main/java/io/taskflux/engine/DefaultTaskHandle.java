package io.taskflux.engine;

import io.taskflux.NotFoundException;
import io.taskflux.TaskRevokedException;
import io.taskflux.serde.Serializer;
import io.taskflux.spi.Backend;
import io.taskflux.spi.Retention;
import io.taskflux.spi.RevokeRequest;
import io.taskflux.spi.RevokeResult;
import io.taskflux.spi.StoredResult;
import io.taskflux.task.ExceptionDetails;
import io.taskflux.task.Message;
import io.taskflux.task.MessageRef;
import io.taskflux.task.StatusUpdate;
import io.taskflux.task.TaskStatus;
import io.taskflux.time.Timers;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** A {@link TaskHandle} over a backend; holds the address and, when built here, the message. */
final class DefaultTaskHandle<O> implements TaskHandle<O> {

  private final Backend backend;
  private final Serializer serializer;
  private final Retention retention;
  private final MessageRef ref;
  private final Class<O> outputType;
  private final Message message;

  DefaultTaskHandle(
      Backend backend,
      Serializer serializer,
      Retention retention,
      MessageRef ref,
      Class<O> outputType,
      Message message) {
    this.backend = backend;
    this.serializer = serializer;
    this.retention = retention;
    this.ref = Objects.requireNonNull(ref, "ref");
    this.outputType = Objects.requireNonNull(outputType, "outputType");
    this.message = message;
  }

  @Override
  public String id() {
    return ref.id();
  }

  @Override
  public MessageRef ref() {
    return ref;
  }

  @Override
  public Optional<Message> message() {
    return Optional.ofNullable(message);
  }

  @Override
  public Mono<O> result(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("timeout must be >= 0, got " + timeout);
    }
    if (timeout.isZero()) {
      return lookOnce().flatMap(Mono::justOrEmpty);
    }
    return awaitOutcome()
        .timeout(
            timeout,
            Mono.error(
                () -> new TimeoutException("no result for task " + ref + " within " + timeout)),
            Timers.scheduler(backend.clock()))
        .flatMap(Mono::justOrEmpty);
  }

  @Override
  public Mono<O> result() {
    return awaitOutcome().flatMap(Mono::justOrEmpty);
  }

  @Override
  public Mono<Result<O>> outcome() {
    return awaitOutcome()
        .map(value -> Result.success(ref.id(), value.orElse(null)))
        .onErrorResume(e -> Mono.just(Result.<O>failure(ref.id(), e)));
  }

  /** The stored result, or the failure of a task that ended FAILED, whichever comes first. */
  private Mono<Optional<O>> awaitOutcome() {
    return backend
        .awaitOutcome(ref)
        .flatMap(
            o ->
                o.isFailure()
                    ? Mono.error(new TaskFailedException(ref, o.failure().error()))
                    : Mono.just(decode(o.result())));
  }

  /** Decision 1 of the design: {@code Duration.ZERO} looks once and does not wait. */
  private Mono<Optional<O>> lookOnce() {
    return backend
        .getResult(ref)
        .map(this::decode)
        .switchIfEmpty(
            backend
                .getStatus(ref)
                .filter(u -> u.status() == TaskStatus.FAILED)
                .flatMap(u -> Mono.<Optional<O>>error(new TaskFailedException(ref, u.error())))
                .switchIfEmpty(
                    Mono.error(() -> new NotFoundException("no result for task " + ref + " yet"))));
  }

  private Optional<O> decode(StoredResult stored) {
    if (outputType == Void.class) {
      return Optional.empty();
    }
    return Optional.ofNullable(serializer.fromTree(stored.value(), outputType, ref.id()));
  }

  @Override
  public Mono<StatusUpdate> status() {
    return backend.getStatus(ref);
  }

  @Override
  public Flux<StatusUpdate> statusUpdates() {
    return backend.watchStatus(ref).distinctUntilChanged().takeUntil(u -> u.status().isTerminal());
  }

  @Override
  public Mono<RevokeResult> revoke(boolean skipIfRunning) {
    return backend.revoke(
        new RevokeRequest(
            ref,
            skipIfRunning,
            ExceptionDetails.of(TaskRevokedException.class.getName(), "Task revoked"),
            retention));
  }

  @Override
  public String toString() {
    return "TaskHandle[" + ref + "]";
  }
}
