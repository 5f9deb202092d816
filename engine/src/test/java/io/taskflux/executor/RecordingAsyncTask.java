package io.taskflux.executor;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.Mono;

/** An {@link AsyncTask} that never ends by itself, and records what happened to it. */
final class RecordingAsyncTask implements AsyncTask {

  private final String id;

  /** Completes with the name of the thread the body was subscribed on. */
  final CompletableFuture<String> started = new CompletableFuture<>();

  final CompletableFuture<Void> cancelled = new CompletableFuture<>();
  final AtomicInteger stopCalls = new AtomicInteger();

  RecordingAsyncTask(String id) {
    this.id = id;
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public Mono<Void> runAsync() {
    return Mono.<Void>never()
        .doOnSubscribe(s -> started.complete(Thread.currentThread().getName()))
        .doOnCancel(() -> cancelled.complete(null));
  }

  @Override
  public void stop() {
    stopCalls.incrementAndGet();
  }
}
