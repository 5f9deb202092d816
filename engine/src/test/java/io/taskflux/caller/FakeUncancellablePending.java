package io.taskflux.caller;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/** A pending whose work cannot be cancelled (cancel is refused), as some real work is. */
final class FakeUncancellablePending<T> implements Pending<T> {

  private final Pending<T> inner = Pending.create();

  @Override
  public boolean complete(T value) {
    return inner.complete(value);
  }

  @Override
  public boolean fail(Throwable error) {
    return inner.fail(error);
  }

  @Override
  public boolean cancel(String message) {
    return false;
  }

  @Override
  public boolean isDone() {
    return inner.isDone();
  }

  @Override
  public boolean isCancelled() {
    return inner.isCancelled();
  }

  @Override
  public T resultNow() {
    return inner.resultNow();
  }

  @Override
  public Throwable exceptionNow() {
    return inner.exceptionNow();
  }

  @Override
  public Mono<T> asMono(boolean cancelOnDispose) {
    return inner.asMono(false);
  }

  @Override
  public Mono<Pending<T>> whenDone() {
    return inner.whenDone().map(p -> this);
  }

  @Override
  public Mono<T> await(Duration timeout, Scheduler timer) {
    return inner.asMono().timeout(timeout, timer);
  }

  @Override
  public CompletableFuture<T> toFuture() {
    return inner.toFuture();
  }

  @Override
  public T join(Duration timeout)
      throws InterruptedException, java.util.concurrent.TimeoutException {
    return inner.join(timeout);
  }

  @Override
  public void onDone(Consumer<? super Pending<T>> callback) {
    inner.onDone(p -> callback.accept(this));
  }

  @Override
  public int removeDoneCallback(Consumer<? super Pending<T>> callback) {
    return 0; // wrapped callbacks are not found by identity; the group tolerates a late callback
  }

  @Override
  public Map<String, Object> metadata() {
    return inner.metadata();
  }
}
