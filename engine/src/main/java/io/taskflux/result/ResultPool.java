package io.taskflux.result;

import io.taskflux.spi.StoredResult;
import io.taskflux.task.MessageRef;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import reactor.core.publisher.Flux;

/**
 * Collects the results of many messages from a {@link ResultStore} (the seed's {@code ResultPool},
 * plus Dispatch's batched polling). Each result is read as the {@link GetOptions} say (by default:
 * wait for ever, delete after reading); every read wakes on the write, nothing polls.
 *
 * <p><b>Arguments.</b> The refs must be distinct: a duplicate throws {@link
 * IllegalArgumentException} at call time (the seed's {@code ValidationError}).
 *
 * <p><b>Concurrency.</b> At most {@link #concurrency()} results are awaited at once (the rest wait
 * their turn, and a result's timeout counts from when it is awaited): a stream over 100k messages
 * holds a bounded number of waiters.
 *
 * <p><b>Threading.</b> Thread-safe. Every stream is cold (each subscription reads again), respects
 * downstream demand, never blocks and may signal on any thread. A read that fails (a timeout, a
 * {@link io.taskflux.NotFoundException} with {@link Duration#ZERO}, an unreachable backend) ends
 * the stream with that error.
 */
public interface ResultPool {

  /** The default number of results awaited at once. */
  int DEFAULT_CONCURRENCY = 256;

  /** A pool over {@code store} with the default concurrency. */
  static ResultPool create(ResultStore store) {
    return create(store, DEFAULT_CONCURRENCY);
  }

  /** A pool over {@code store} awaiting at most {@code concurrency} ({@code >= 1}) at once. */
  static ResultPool create(ResultStore store, int concurrency) {
    if (concurrency < 1) {
      throw new IllegalArgumentException("concurrency must be >= 1, got " + concurrency);
    }
    return new DefaultResultPool(Objects.requireNonNull(store, "store"), concurrency);
  }

  /** How many results are awaited at once. */
  int concurrency();

  /** {@link #stream(List, GetOptions)} with the default options. */
  default Flux<StoredResult> stream(List<MessageRef> refs) {
    return stream(refs, GetOptions.defaults());
  }

  /** The results in the order of {@code refs} (a result that arrives early is held back). */
  Flux<StoredResult> stream(List<MessageRef> refs, GetOptions options);

  /** {@link #istream(List, GetOptions)} with the default options. */
  default Flux<StoredResult> istream(List<MessageRef> refs) {
    return istream(refs, GetOptions.defaults());
  }

  /** The results in the order they become available. */
  Flux<StoredResult> istream(List<MessageRef> refs, GetOptions options);

  /** {@link #batches(List, int, int, Duration, GetOptions)} with the default options. */
  default Flux<List<StoredResult>> batches(
      List<MessageRef> refs, int minResults, int maxResults, Duration maxWait) {
    return batches(refs, minResults, maxResults, maxWait, GetOptions.defaults());
  }

  /**
   * The results in completion order, in batches shaped as Dispatch polls them ({@code
   * poll_min_results}, {@code poll_max_results}, {@code poll_max_wait_seconds}). For each batch,
   * with {@code outstanding} the results not yet emitted, the bounds are clamped as Dispatch does:
   * {@code min = max(1, min(outstanding, minResults))}, {@code max = max(1, min(outstanding,
   * maxResults))}, and {@code min} is lowered to {@code max} if above it. A batch is emitted (when
   * requested) as soon as {@code min} results are ready, or once {@code maxWait} has passed since
   * the previous batch (or the subscription) with at least one ready (then with the first that
   * arrives); it never holds more than {@code max}. {@code maxWait} runs on the store's clock.
   *
   * @param minResults Dispatch's {@code poll_min_results} ({@code >= 0}; Dispatch's default is 1)
   * @param maxResults Dispatch's {@code poll_max_results} ({@code >= 0}; Dispatch's default is 10)
   * @param maxWait the longest wait for {@code min} ({@code > 0}), or null to wait for {@code min}
   */
  Flux<List<StoredResult>> batches(
      List<MessageRef> refs, int minResults, int maxResults, Duration maxWait, GetOptions options);
}
