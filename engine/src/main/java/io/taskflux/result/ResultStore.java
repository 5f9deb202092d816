package io.taskflux.result;

import io.taskflux.internal.Checks;
import io.taskflux.spi.Backend;
import io.taskflux.spi.StoredResult;
import io.taskflux.task.Message;
import io.taskflux.task.MessageRef;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * Stores and reads task results (the seed's {@code ResultStore}). A result is a JSON tree, stored
 * per message ({@link MessageRef}) with a TTL; the engine stores task results itself, atomically
 * with completion, so this service is mostly for reading them.
 *
 * <p><b>Reading</b> follows DESIGN decision 1: a read emits as soon as the result exists (woken by
 * the write, never by polling); if it does not arrive within the timeout the {@code Mono} fails
 * with {@link java.util.concurrent.TimeoutException}; {@link java.time.Duration#ZERO} looks once
 * and fails with {@link io.taskflux.NotFoundException} at once; no timeout waits for ever. As in
 * the seed, a read deletes the result unless asked to keep it.
 *
 * <p><b>Descendants</b> are the callback chain of a message ({@link Message#callback()}, then its
 * callback, and so on): the "descendants" forms act on the message's result and all of theirs.
 *
 * <p><b>Threading.</b> Thread-safe. Every method returns a cold {@code Mono} that does its work on
 * subscription (again on each one), never blocks, and may signal on any thread; timeouts run on the
 * backend's clock. <b>Errors</b> arrive through {@code onError} as documented per method, and
 * {@link io.taskflux.BackendUnavailableException} when the backend cannot be reached. Invalid
 * arguments throw at call time.
 */
public interface ResultStore {

  /** The TTL of a result whose message has none ({@link Message#resultTtl()} null): 7 days. */
  Duration DEFAULT_TTL = Duration.ofDays(7);

  /** A store with the default TTL. */
  static ResultStore create(Backend backend) {
    return create(backend, DEFAULT_TTL);
  }

  /** A store whose results live {@code defaultTtl} unless their message sets another. */
  static ResultStore create(Backend backend, Duration defaultTtl) {
    return new DefaultResultStore(
        Objects.requireNonNull(backend, "backend"), Checks.positive(defaultTtl, "defaultTtl"));
  }

  /** The clock of the backend (timeouts and result timestamps). */
  Clock clock();

  /** {@link #set(Message, JsonNode, boolean)} with {@code nx}. */
  default Mono<Void> set(Message message, JsonNode result) {
    return set(message, result, true);
  }

  /**
   * Stores the result of {@code message} for its {@link Message#resultTtl()} (or the default TTL)
   * and wakes its readers. With {@code nx}, an existing result is kept and the {@code Mono} fails
   * with {@link ResultAlreadyExistsException}; without, it is replaced.
   *
   * @param result the value; null is stored as JSON {@code null}
   */
  default Mono<Void> set(Message message, JsonNode result, boolean nx) {
    Objects.requireNonNull(message, "message");
    Duration ttl = message.resultTtl() != null ? message.resultTtl() : defaultTtl();
    return set(message.ref(), result, ttl, nx);
  }

  /** As {@link #set(Message, JsonNode, boolean)}, by ref with an explicit TTL ({@code > 0}). */
  Mono<Void> set(MessageRef ref, JsonNode result, Duration ttl, boolean nx);

  /** The TTL of results whose message sets none. */
  Duration defaultTtl();

  /** The result's value, waiting for ever; deleted after reading. */
  default Mono<JsonNode> get(MessageRef ref) {
    return get(ref, GetOptions.defaults()).map(StoredResult::value);
  }

  /** The result's value, waiting up to {@code timeout} (decision 1); deleted after reading. */
  default Mono<JsonNode> get(MessageRef ref, Duration timeout) {
    return get(ref, GetOptions.waiting(timeout)).map(StoredResult::value);
  }

  /**
   * The result with its metadata (the seed's {@code with_metadata}: value, message ref, time
   * written), read as {@code options} say.
   */
  Mono<StoredResult> get(MessageRef ref, GetOptions options);

  /**
   * The results of {@code message} and of its callback chain, ordered by the time they were written
   * (chain order among equal times), once every one of them exists. The timeout of {@code options}
   * bounds the wait for all of them; {@link Duration#ZERO} fails with {@link
   * io.taskflux.NotFoundException} when any is missing. Unless kept, they are deleted after
   * reading.
   */
  Mono<List<StoredResult>> getDescendants(Message message, GetOptions options);

  /** Whether the result of {@code ref} exists. */
  Mono<Boolean> exists(MessageRef ref);

  /** Whether the results of {@code message} and of every message of its callback chain exist. */
  Mono<Boolean> existsWithDescendants(Message message);

  /**
   * Deletes a result.
   *
   * @return {@code true} if one was stored
   */
  Mono<Boolean> delete(MessageRef ref);

  /**
   * Deletes the results of {@code message} and of its callback chain (the seed's {@code delete},
   * whose default includes descendants).
   *
   * @param missingOk when none was stored: emit 0 instead of failing with {@link
   *     io.taskflux.NotFoundException}
   * @return how many were deleted
   */
  Mono<Long> deleteWithDescendants(Message message, boolean missingOk);
}
