package io.taskflux.result;

import io.taskflux.NotFoundException;
import io.taskflux.internal.Checks;
import io.taskflux.internal.Waits;
import io.taskflux.spi.Backend;
import io.taskflux.spi.StoredResult;
import io.taskflux.task.Message;
import io.taskflux.task.MessageRef;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.NullNode;

/** {@link ResultStore} on the backend's result operations and result wait. */
final class DefaultResultStore implements ResultStore {

  private final Backend backend;
  private final Duration defaultTtl;

  DefaultResultStore(Backend backend, Duration defaultTtl) {
    this.backend = backend;
    this.defaultTtl = defaultTtl;
  }

  @Override
  public Clock clock() {
    return backend.clock();
  }

  @Override
  public Duration defaultTtl() {
    return defaultTtl;
  }

  @Override
  public Mono<Void> set(MessageRef ref, JsonNode result, Duration ttl, boolean nx) {
    Objects.requireNonNull(ref, "ref");
    Checks.positive(ttl, "ttl");
    JsonNode value = result == null ? NullNode.getInstance() : result;
    return backend
        .setResult(ref, value, ttl, nx)
        .flatMap(
            written ->
                written
                    ? Mono.<Void>empty()
                    : Mono.error(new ResultAlreadyExistsException(ref.toString())));
  }

  @Override
  public Mono<StoredResult> get(MessageRef ref, GetOptions options) {
    Objects.requireNonNull(ref, "ref");
    Objects.requireNonNull(options, "options");
    return fetch(ref, options.timeout()).flatMap(r -> consumed(r, options.keep()));
  }

  /** The result, waiting as decision 1 says, without deleting it. */
  private Mono<StoredResult> fetch(MessageRef ref, Duration timeout) {
    return Waits.lookOrAwait(
        backend.getResult(ref),
        backend.awaitResult(ref),
        backend.clock(),
        timeout,
        () ->
            (timeout != null && timeout.isZero()
                    ? "No result for "
                    : "Timeout waiting on result for ")
                + ref
                + (timeout == null || timeout.isZero() ? "" : " after " + timeout));
  }

  private Mono<StoredResult> consumed(StoredResult result, boolean keep) {
    return keep ? Mono.just(result) : backend.deleteResult(result.ref()).thenReturn(result);
  }

  @Override
  public Mono<List<StoredResult>> getDescendants(Message message, GetOptions options) {
    Objects.requireNonNull(options, "options");
    List<MessageRef> refs = chain(message);
    return Flux.fromIterable(refs)
        .flatMapSequential(ref -> fetch(ref, options.timeout()))
        .collectList()
        .map(
            found -> {
              List<StoredResult> sorted = new ArrayList<>(found);
              // List.sort is stable: chain order stays among equal timestamps.
              sorted.sort(Comparator.comparing(StoredResult::storedAt));
              return sorted;
            })
        .flatMap(
            sorted ->
                Flux.fromIterable(sorted)
                    .concatMap(r -> consumed(r, options.keep()))
                    .then(Mono.just(sorted)));
  }

  @Override
  public Mono<Boolean> exists(MessageRef ref) {
    Objects.requireNonNull(ref, "ref");
    return backend.getResult(ref).hasElement();
  }

  @Override
  public Mono<Boolean> existsWithDescendants(Message message) {
    return Flux.fromIterable(chain(message)).concatMap(this::exists).all(Boolean::booleanValue);
  }

  @Override
  public Mono<Boolean> delete(MessageRef ref) {
    Objects.requireNonNull(ref, "ref");
    return backend.deleteResult(ref);
  }

  @Override
  public Mono<Long> deleteWithDescendants(Message message, boolean missingOk) {
    List<MessageRef> refs = chain(message);
    return Flux.fromIterable(refs)
        .concatMap(backend::deleteResult)
        .filter(Boolean::booleanValue)
        .count()
        .flatMap(
            n ->
                n == 0 && !missingOk
                    ? Mono.error(new NotFoundException("No result for " + message.ref()))
                    : Mono.just(n));
  }

  /** The message's ref, then those of its callback chain. */
  static List<MessageRef> chain(Message message) {
    Objects.requireNonNull(message, "message");
    List<MessageRef> refs = new ArrayList<>();
    for (Message m = message; m != null; m = m.callback()) {
      refs.add(m.ref());
    }
    return refs;
  }
}
