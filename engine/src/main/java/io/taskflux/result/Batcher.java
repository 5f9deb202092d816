package io.taskflux.result;

import io.taskflux.spi.StoredResult;
import io.taskflux.time.Timers;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;

/**
 * The state machine behind {@link ResultPool#batches}.
 *
 * <p><b>State</b> (guarded by {@code this}): the results that arrived and were not emitted ({@code
 * ready}), how many were emitted ({@code delivered}), whether the current batch's {@code maxWait}
 * has elapsed, and the upstream's end (completion or error). <b>Signals</b> come from three threads
 * at will — a result arriving, the wait timer, a downstream request — and each only updates the
 * state and calls {@link #drain()}, which a work-in-progress counter makes run on one thread at a
 * time, emitting outside the monitor. A batch is emitted only against outstanding demand, so the
 * sink never buffers.
 */
final class Batcher {

  private final FluxSink<List<StoredResult>> sink;
  private final int total;
  private final int minResults;
  private final int maxResults;
  private final Duration maxWait;
  private final Clock clock;
  private final AtomicInteger wip = new AtomicInteger();
  private final Disposable.Swap timer = Disposables.swap();
  private final Disposable.Swap upstream = Disposables.swap();

  private final ArrayDeque<StoredResult> ready = new ArrayDeque<>();
  private int delivered;
  private boolean waitElapsed;
  private boolean upstreamDone;
  private Throwable error;
  private boolean terminated;
  private boolean started;

  Batcher(
      FluxSink<List<StoredResult>> sink,
      int total,
      int minResults,
      int maxResults,
      Duration maxWait,
      Clock clock) {
    this.sink = sink;
    this.total = total;
    this.minResults = minResults;
    this.maxResults = maxResults;
    this.maxWait = maxWait;
    this.clock = clock;
  }

  /** Dispatch's clamping of the lower bound for {@code outstanding} results. */
  static int clampMin(int outstanding, int minResults, int maxResults) {
    return Math.min(
        Math.max(1, Math.min(outstanding, minResults)), clampMax(outstanding, maxResults));
  }

  /** Dispatch's clamping of the upper bound for {@code outstanding} results. */
  static int clampMax(int outstanding, int maxResults) {
    return Math.max(1, Math.min(outstanding, maxResults));
  }

  void start(Flux<StoredResult> completions) {
    sink.onDispose(
        () -> {
          upstream.dispose();
          timer.dispose();
        });
    startTimer();
    upstream.update(
        completions.subscribe(
            result -> {
              synchronized (this) {
                ready.add(result);
              }
              drain();
            },
            e -> {
              synchronized (this) {
                error = e;
              }
              drain();
            },
            () -> {
              synchronized (this) {
                upstreamDone = true;
              }
              drain();
            }));
    // Results already there arrived synchronously above: only now may a batch go out, so they
    // leave together (up to max) rather than one by one.
    synchronized (this) {
      started = true;
    }
    sink.onRequest(n -> drain());
  }

  private void startTimer() {
    if (maxWait == null) {
      return;
    }
    timer.update(
        Timers.after(clock, maxWait)
            .subscribe(
                tick -> {
                  synchronized (this) {
                    waitElapsed = true;
                  }
                  drain();
                }));
  }

  private void drain() {
    if (wip.getAndIncrement() != 0) {
      return;
    }
    int missed = 1;
    do {
      while (step()) {
        // keep emitting while batches are due and demanded
      }
      missed = wip.addAndGet(-missed);
    } while (missed != 0);
  }

  /** Emits at most one signal; returns whether another may be due. */
  private boolean step() {
    List<StoredResult> batch = null;
    Throwable failure = null;
    boolean complete = false;
    synchronized (this) {
      if (!started || terminated || sink.isCancelled()) {
        return false;
      }
      if (error != null) {
        failure = error;
        terminated = true;
      } else if (!ready.isEmpty() && sink.requestedFromDownstream() > 0) {
        int outstanding = total - delivered;
        int min = clampMin(outstanding, minResults, maxResults);
        int max = clampMax(outstanding, maxResults);
        if (ready.size() >= min || waitElapsed || upstreamDone) {
          batch = new ArrayList<>(Math.min(max, ready.size()));
          while (batch.size() < max && !ready.isEmpty()) {
            batch.add(ready.poll());
          }
          delivered += batch.size();
          waitElapsed = false;
        }
      } else if (ready.isEmpty() && (upstreamDone || delivered == total)) {
        complete = true;
        terminated = true;
      }
    }
    if (failure != null) {
      timer.dispose();
      sink.error(failure);
      return false;
    }
    if (complete) {
      timer.dispose();
      sink.complete();
      return false;
    }
    if (batch == null) {
      return false;
    }
    startTimer();
    sink.next(batch);
    return true;
  }
}
