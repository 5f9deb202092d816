package io.taskflux.broker;

import io.taskflux.spi.Backend;
import io.taskflux.spi.ClaimRequest;
import io.taskflux.spi.Delivery;
import io.taskflux.spi.ReapRequest;
import io.taskflux.time.Timers;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;

/**
 * One subscription of {@link Consumer#stream()}: a loop of backend calls driven by demand.
 *
 * <p><b>State.</b> At most one backend call is in flight ({@code busy}); it is one step of
 * <i>claim</i> → (short?) <i>reap</i> → (nothing reaped?) <i>await work</i>, and each step's
 * completion clears {@code busy} and calls {@link #drain()}. {@code drain} starts the next claim
 * when there is demand and nothing is in flight; a work-in-progress counter lets requests (any
 * thread), and completions (backend threads) call it concurrently and re-entrantly while only one
 * runs the check, so synchronous backends trampoline instead of recursing. Claims never ask for
 * more than the demand outstanding when they start, and only the loop emits, so emissions never
 * exceed demand. The in-flight call is kept in {@code inFlight}, which cancellation disposes (an
 * idle wait unregisters from the backend). {@code afterWait}, {@code emptyWakes} and {@code
 * lastWaitWasTimer} drive the fallback of {@link #waitForWork()}; like {@code nextReap} they are
 * only touched by the one step in flight.
 */
final class ClaimLoop {

  /** The longest timer wait of the task-filter fallback (see {@link #waitForWork()}). */
  static final Duration MAX_FALLBACK = Duration.ofSeconds(1);

  private final Backend backend;
  private final ConsumerOptions options;
  private final FluxSink<Delivery> sink;
  private final List<String> queues;
  private final ReapRequest reap;
  private final AtomicInteger wip = new AtomicInteger();
  private final Disposable.Swap inFlight = Disposables.swap();
  private volatile boolean busy;
  private volatile Instant nextReap;
  // Fallback state for awaitWork's lack of task filters; see wait().
  private volatile boolean afterWait;
  private volatile boolean lastWaitWasTimer;
  private volatile int emptyWakes;

  ClaimLoop(Backend backend, ConsumerOptions options, FluxSink<Delivery> sink) {
    this.backend = backend;
    this.options = options;
    this.sink = sink;
    this.queues = options.queueNames();
    this.reap = new ReapRequest(queues, options.retention());
  }

  void start() {
    nextReap = backend.clock().instant();
    sink.onDispose(inFlight);
    sink.onRequest(n -> drain());
  }

  private void drain() {
    if (wip.getAndIncrement() != 0) {
      return;
    }
    int missed = 1;
    do {
      if (!busy && !sink.isCancelled() && sink.requestedFromDownstream() > 0) {
        busy = true;
        claim();
      }
      missed = wip.addAndGet(-missed);
    } while (missed != 0);
  }

  private void stepDone() {
    busy = false;
    drain();
  }

  private void claim() {
    int want = (int) Math.min(sink.requestedFromDownstream(), options.maxBatch());
    Instant now = backend.clock().instant();
    Mono<?> reapFirst = Mono.empty();
    if (!now.isBefore(nextReap)) {
      // Busy queues never reach the idle path: take back expired leases once per lease period.
      nextReap = now.plus(options.lease());
      reapFirst = backend.requeueExpired(reap);
    }
    ClaimRequest request =
        new ClaimRequest(
            options.subset(), want, options.owner(), options.lease(), options.retention());
    call(
        reapFirst.then(backend.claim(request)),
        deliveries -> {
          if (!deliveries.isEmpty()) {
            emptyWakes = 0;
          } else if (afterWait) {
            emptyWakes++;
          }
          afterWait = false;
          for (Delivery d : deliveries) {
            sink.next(d);
          }
          if (deliveries.size() < want) {
            idle();
          } else {
            stepDone();
          }
        });
  }

  /** The queues ran dry for us: reap expired leases, else wait for work. */
  private void idle() {
    nextReap = backend.clock().instant().plus(options.lease());
    call(
        backend.requeueExpired(reap),
        reaped -> {
          if (reaped.requeued().isEmpty()) {
            waitForWork();
          } else {
            stepDone();
          }
        });
  }

  /**
   * Waits with {@link Backend#awaitWork}, which knows queues but not task filters: a ready message
   * of a task this consumer does not take makes it return at once, every time. So after two wakes
   * in a row that brought nothing claimable, every other wait is a timer instead (10 ms, doubling
   * up to {@link #MAX_FALLBACK}), and the first successful claim ends the fallback. Without task
   * filters this only happens when other consumers win the same work twice in a row.
   */
  private void waitForWork() {
    Mono<?> wait;
    if (emptyWakes >= 2 && !lastWaitWasTimer) {
      lastWaitWasTimer = true;
      wait = Timers.after(backend.clock(), fallbackDelay(emptyWakes));
    } else {
      lastWaitWasTimer = false;
      wait = backend.awaitWork(queues, options.maxIdleWait());
    }
    call(
        wait,
        nothing -> {
          afterWait = true;
          stepDone();
        });
  }

  private Duration fallbackDelay(int wakes) {
    Duration cap =
        options.maxIdleWait().compareTo(MAX_FALLBACK) < 0 ? options.maxIdleWait() : MAX_FALLBACK;
    long millis = 10L << Math.min(wakes - 2, 16);
    return millis >= cap.toMillis() ? cap : Duration.ofMillis(millis);
  }

  /** Subscribes to one backend call, registered for cancellation before it can complete. */
  private <T> void call(Mono<T> op, Consumer<T> then) {
    BaseSubscriber<T> subscriber =
        new BaseSubscriber<>() {
          private T value;

          @Override
          protected void hookOnNext(T v) {
            value = v;
          }

          @Override
          protected void hookOnComplete() {
            then.accept(value);
          }

          @Override
          protected void hookOnError(Throwable e) {
            sink.error(e);
          }
        };
    // replace, not update: the previous call has finished (we are in its completion) and must not
    // be cancelled; the swap only needs to hold the live one.
    inFlight.replace(subscriber);
    op.subscribe(subscriber);
  }
}
