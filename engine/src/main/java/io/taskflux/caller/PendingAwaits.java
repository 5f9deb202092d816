package io.taskflux.caller;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * The ways to await a {@link DefaultPending}, all built on its done-callbacks: a subscriber or a
 * future registers one and removes it again if it leaves first, so nothing accumulates on a
 * long-lived pending.
 */
final class PendingAwaits {

  private PendingAwaits() {}

  static <T> Mono<T> asMono(DefaultPending<T> pending, boolean cancelOnDispose) {
    return Mono.create(
        sink -> {
          Consumer<Pending<T>> cb = p -> pending.deliver(sink);
          pending.onDone(cb);
          sink.onCancel(
              () -> {
                pending.removeDoneCallback(cb);
                if (cancelOnDispose) {
                  pending.cancel("The subscriber was cancelled");
                }
              });
        });
  }

  static <T> Mono<Pending<T>> whenDone(DefaultPending<T> pending) {
    return Mono.create(
        sink -> {
          Consumer<Pending<T>> cb = sink::success;
          pending.onDone(cb);
          sink.onCancel(() -> pending.removeDoneCallback(cb));
        });
  }

  static <T> Mono<T> await(DefaultPending<T> pending, Duration timeout, Scheduler timer) {
    if (timeout.isZero()) { // look once (DESIGN.md decision 1): no timer race with a done pending
      return Mono.defer(
          () -> pending.isDone() ? pending.asMono(false) : timedOut(pending, timeout));
    }
    return pending
        .asMono(false)
        .timeout(timeout, Mono.defer(() -> timedOut(pending, timeout)), timer)
        .doOnCancel(() -> pending.cancel("The waiter was cancelled"));
  }

  private static <T> Mono<T> timedOut(DefaultPending<T> pending, Duration timeout) {
    TimeoutException e =
        new TimeoutException("Timeout waiting for " + pending + " after " + timeout);
    pending.cancel(e.getMessage());
    return Mono.error(e);
  }

  static <T> CompletableFuture<T> toFuture(DefaultPending<T> pending) {
    CompletableFuture<T> f = new CompletableFuture<>();
    pending.onDone(p -> pending.deliver(f));
    f.whenComplete(
        (v, e) -> {
          if (f.isCancelled()) {
            pending.cancel("The future was cancelled");
          }
        });
    return f;
  }

  static <T> T join(DefaultPending<T> pending, Duration timeout)
      throws InterruptedException, TimeoutException {
    if (!pending.isDone()) {
      CountDownLatch latch = new CountDownLatch(1);
      Consumer<Pending<T>> cb = p -> latch.countDown();
      pending.onDone(cb);
      if (!latch.await(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
        pending.removeDoneCallback(cb);
        throw new TimeoutException("Timeout waiting for " + pending + " after " + timeout);
      }
    }
    return pending.resultNow();
  }
}
