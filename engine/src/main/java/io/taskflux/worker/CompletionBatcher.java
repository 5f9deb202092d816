package io.taskflux.worker;

import io.taskflux.MessageTooLargeException;
import io.taskflux.spi.Backend;
import io.taskflux.spi.CompleteRequest;
import io.taskflux.spi.SettleResult;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.scheduler.Schedulers;

/**
 * Group commit for completions: attempts that finish while a {@link Backend#complete(List)} call is
 * in progress are committed together by the next call, each still atomic on its own. At most one
 * call is in progress per worker, so under load the batches grow by themselves and with no load a
 * completion goes out at once (no timer, no added latency).
 *
 * <p>Thread-safe: requests are queued lock-free; {@link #busy} elects the one thread that sends.
 */
final class CompletionBatcher {

  /** The most completions per backend call. */
  static final int MAX_BATCH = 128;

  private record Item(CompleteRequest request, MonoSink<SettleResult> sink) {}

  private final Backend backend;
  private final ConcurrentLinkedQueue<Item> queue = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean busy = new AtomicBoolean();

  CompletionBatcher(Backend backend) {
    this.backend = backend;
  }

  /** Completes one attempt in the next batch; emits what the backend did for it. */
  Mono<SettleResult> complete(CompleteRequest request) {
    return Mono.create(
        sink -> {
          queue.offer(new Item(request, sink));
          drain();
        });
  }

  private void drain() {
    if (!busy.compareAndSet(false, true)) {
      return;
    }
    List<Item> batch = new ArrayList<>();
    for (Item item; batch.size() < MAX_BATCH && (item = queue.poll()) != null; ) {
      batch.add(item);
    }
    if (batch.isEmpty()) {
      busy.set(false);
      if (!queue.isEmpty()) {
        drain(); // an item arrived after the poll but before busy was cleared
      }
      return;
    }
    List<CompleteRequest> requests = batch.stream().map(Item::request).toList();
    Mono.defer(() -> backend.complete(requests))
        // On a fresh task, so a backend that answers synchronously cannot make drain recurse.
        .subscribeOn(Schedulers.parallel())
        .subscribe(
            results -> {
              for (int i = 0; i < batch.size(); i++) {
                batch.get(i).sink().success(results.get(i));
              }
            },
            error -> {
              if (error instanceof MessageTooLargeException && batch.size() > 1) {
                // One attempt's callback is too large; the backend applied nothing. Complete the
                // items one by one so only that attempt gets the error, not its batch mates.
                Flux.fromIterable(batch)
                    .concatMap(
                        item ->
                            backend
                                .complete(List.of(item.request()))
                                .doOnNext(r -> item.sink().success(r.get(0)))
                                .doOnError(item.sink()::error)
                                .onErrorResume(e -> Mono.empty()))
                    .subscribe(null, e -> next(), this::next);
                return;
              }
              batch.forEach(item -> item.sink().error(error));
              next();
            },
            this::next);
  }

  private void next() {
    busy.set(false);
    if (!queue.isEmpty()) {
      drain();
    }
  }
}
