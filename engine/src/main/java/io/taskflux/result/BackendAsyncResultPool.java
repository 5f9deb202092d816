package io.taskflux.result;

import io.taskflux.internal.Checks;
import io.taskflux.internal.Waits;
import io.taskflux.spi.Backend;
import io.taskflux.spi.StoredResult;
import io.taskflux.task.MessageRef;
import java.time.Duration;
import java.util.Base64;
import java.util.Objects;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * An {@link AsyncResultPool} shared through a {@link Backend}: keys come from the backend counter
 * {@code async-result-pool:{name}}, values are results stored (set-if-absent, for {@code
 * maxExpire}) under the queue name {@code async-result-pool:{name}}, and readers wait on the
 * backend's result wait. Values are stored as base64 text, which every backend's JSON form keeps as
 * it is. The backend has no way to tell whether a key was prepared, so {@code set} accepts any key
 * it has not seen set.
 */
final class BackendAsyncResultPool implements AsyncResultPool {

  private final Backend backend;
  private final String space;
  private final Duration maxExpire;

  BackendAsyncResultPool(Backend backend, String name, Duration maxExpire) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("name must not be blank, got '" + name + "'");
    }
    this.backend = Objects.requireNonNull(backend, "backend");
    this.space = "async-result-pool:" + name;
    this.maxExpire = Checks.positive(maxExpire, "maxExpire");
  }

  private MessageRef ref(long key) {
    return MessageRef.of(space, Long.toString(key));
  }

  @Override
  public Mono<Long> prepare() {
    return backend.increment(space);
  }

  @Override
  public Mono<Void> set(long key, byte[] value) {
    JsonNode text =
        JsonNodeFactory.instance.stringNode(
            Base64.getEncoder().encodeToString(Objects.requireNonNull(value, "value")));
    return backend
        .setResult(ref(key), text, maxExpire, true)
        .flatMap(
            written ->
                written
                    ? Mono.<Void>empty()
                    : Mono.error(new ResultAlreadyExistsException(Long.toString(key))));
  }

  @Override
  public Mono<byte[]> get(long key, Duration timeout) {
    return read(key, Waits.timeout(timeout, "timeout"));
  }

  @Override
  public Mono<byte[]> get(long key) {
    return read(key, null);
  }

  private Mono<byte[]> read(long key, Duration timeout) {
    MessageRef ref = ref(key);
    return Waits.lookOrAwait(
            backend.getResult(ref),
            backend.awaitResult(ref),
            backend.clock(),
            timeout,
            () ->
                timeout != null && timeout.isZero()
                    ? "No async result for task[" + key + "]"
                    : "Waiting timeout for async result of task[" + key + "] after " + timeout)
        .map(BackendAsyncResultPool::decode);
  }

  private static byte[] decode(StoredResult stored) {
    return Base64.getDecoder().decode(stored.value().asString());
  }

  @Override
  public String toString() {
    return "BackendAsyncResultPool[" + space + ", maxExpire=" + maxExpire + "]";
  }
}
