package io.taskflux.caller;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.reactivestreams.Publisher;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.publisher.SignalType;
import reactor.core.scheduler.Scheduler;

/** {@link Caller#asCompleted} and {@link Caller#wait}, which need no caller state. */
final class Awaiting {

  private Awaiting() {}

  static <T> Flux<Pending<T>> asCompleted(
      Publisher<? extends Pending<T>> items, int maxConcurrent, boolean cancelUnfinished) {
    Objects.requireNonNull(items, "items");
    Pending<?> self = DefaultCaller.CURRENT.get();
    return Flux.defer(
        () -> {
          Set<Pending<T>> unfinished = ConcurrentHashMap.newKeySet();
          Flux<Pending<T>> completed =
              Flux.<Pending<T>>from(items)
                  .flatMap(
                      p -> {
                        if (p == self) {
                          return Mono.error(
                              new IllegalStateException(
                                  "asCompleted() including the pending that is waiting ("
                                      + p
                                      + ") would result in deadlock!"));
                        }
                        unfinished.add(p);
                        return p.whenDone().doOnNext(unfinished::remove);
                      },
                      maxConcurrent,
                      1);
          return completed.doFinally(
              signal -> {
                if (cancelUnfinished && signal != SignalType.ON_COMPLETE) {
                  unfinished.forEach(p -> p.cancel("asCompleted() ended early (" + signal + ")"));
                }
              });
        });
  }

  static <T> Mono<WaitResult<T>> waitFor(
      java.util.Collection<? extends Pending<T>> items,
      Duration timeout,
      ReturnWhen returnWhen,
      Scheduler timer) {
    Objects.requireNonNull(returnWhen, "returnWhen");
    List<Pending<T>> list = List.copyOf(items);
    return Mono.create(sink -> new Waiter<>(list, returnWhen, sink).start(timeout, timer));
  }

  /** One subscription of {@code wait}: ends once, on the condition, the timer or a cancel. */
  private static final class Waiter<T> implements Consumer<Pending<T>> {
    private final List<Pending<T>> items;
    private final ReturnWhen returnWhen;
    private final MonoSink<WaitResult<T>> sink;
    private final AtomicBoolean ended = new AtomicBoolean();
    private final java.util.concurrent.atomic.AtomicInteger remaining;
    private final Disposable.Swap timer = Disposables.swap();

    Waiter(List<Pending<T>> items, ReturnWhen returnWhen, MonoSink<WaitResult<T>> sink) {
      this.items = items;
      this.returnWhen = returnWhen;
      this.sink = sink;
      this.remaining = new java.util.concurrent.atomic.AtomicInteger(items.size());
    }

    void start(Duration timeout, Scheduler scheduler) {
      sink.onCancel(() -> end(false));
      if (items.isEmpty()) {
        end(true);
        return;
      }
      if (timeout != null) {
        timer.update(scheduler.schedule(() -> end(true), timeout.toNanos(), TimeUnit.NANOSECONDS));
      }
      for (Pending<T> p : items) {
        if (ended.get()) {
          return;
        }
        p.onDone(this);
      }
    }

    @Override
    public void accept(Pending<T> p) {
      boolean allDone = remaining.decrementAndGet() == 0; // each item calls back once
      boolean met =
          switch (returnWhen) {
            case FIRST_COMPLETED -> true;
            case FIRST_EXCEPTION -> allDone || isExceptional(p);
            case ALL_COMPLETED -> allDone;
          };
      if (met) {
        end(true);
      }
    }

    private void end(boolean emit) {
      if (!ended.compareAndSet(false, true)) {
        return;
      }
      timer.dispose();
      for (Pending<T> p : items) {
        p.removeDoneCallback(this);
      }
      if (emit) {
        Set<Pending<T>> done = new LinkedHashSet<>();
        List<Pending<T>> notDone = new ArrayList<>();
        for (Pending<T> p : items) {
          if (p.isDone()) {
            done.add(p);
          } else {
            notDone.add(p);
          }
        }
        sink.success(new WaitResult<>(done, new LinkedHashSet<>(notDone)));
      }
    }
  }

  /** Whether a done pending ended with an error or a cancellation. */
  static boolean isExceptional(Pending<?> p) {
    if (p.isCancelled()) {
      return true;
    }
    return p instanceof DefaultPending<?> d ? d.isFailed() : p.exceptionNow() != null;
  }
}
