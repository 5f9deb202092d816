package io.taskflux.result;

import io.taskflux.internal.Checks;
import io.taskflux.spi.StoredResult;
import io.taskflux.task.MessageRef;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import reactor.core.publisher.Flux;

/** {@link ResultPool} as bounded-concurrency merges of {@link ResultStore#get} waits. */
final class DefaultResultPool implements ResultPool {

  private final ResultStore store;
  private final int concurrency;

  DefaultResultPool(ResultStore store, int concurrency) {
    this.store = store;
    this.concurrency = concurrency;
  }

  @Override
  public int concurrency() {
    return concurrency;
  }

  @Override
  public Flux<StoredResult> stream(List<MessageRef> refs, GetOptions options) {
    List<MessageRef> distinct = distinct(refs);
    Objects.requireNonNull(options, "options");
    return Flux.fromIterable(distinct)
        .flatMapSequential(ref -> store.get(ref, options), concurrency, 1);
  }

  @Override
  public Flux<StoredResult> istream(List<MessageRef> refs, GetOptions options) {
    List<MessageRef> distinct = distinct(refs);
    Objects.requireNonNull(options, "options");
    return Flux.fromIterable(distinct).flatMap(ref -> store.get(ref, options), concurrency, 1);
  }

  @Override
  public Flux<List<StoredResult>> batches(
      List<MessageRef> refs, int minResults, int maxResults, Duration maxWait, GetOptions options) {
    List<MessageRef> distinct = distinct(refs);
    if (minResults < 0 || maxResults < 0) {
      throw new IllegalArgumentException(
          "minResults and maxResults must be >= 0, got " + minResults + " and " + maxResults);
    }
    if (maxWait != null) {
      Checks.positive(maxWait, "maxWait");
    }
    Flux<StoredResult> completions = istream(distinct, options);
    return Flux.create(
        sink ->
            new Batcher(sink, distinct.size(), minResults, maxResults, maxWait, store.clock())
                .start(completions));
  }

  private static List<MessageRef> distinct(List<MessageRef> refs) {
    List<MessageRef> copy = List.copyOf(Objects.requireNonNull(refs, "refs"));
    Set<MessageRef> seen = new HashSet<>();
    for (MessageRef ref : copy) {
      if (!seen.add(ref)) {
        throw new IllegalArgumentException("refs must be distinct; duplicate: " + ref);
      }
    }
    return copy;
  }
}
