package io.taskflux.caller;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.reactivestreams.Publisher;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * One subscription of a {@link Combine} rule. Sources report concurrently; {@code decided} makes
 * exactly one of them (or the downstream cancel) end the combination; {@code finished} marks which
 * sources have reported, so only the unfinished ones are cancelled as losers. Values and errors are
 * written to their slot before {@code remaining} is decremented, so whoever brings it to zero sees
 * every slot.
 */
final class Combination<S, T, R> {

  private final Combine.Rule rule;
  private final List<? extends S> sources;
  private final Function<? super S, ? extends Publisher<? extends T>> result;
  private final BiConsumer<? super S, String> cancel;
  private final MonoSink<R> sink;
  private final Object[] slots;
  private final AtomicIntegerArray finished;
  private final AtomicInteger remaining;
  private final AtomicBoolean decided = new AtomicBoolean();
  private final AtomicReferenceArray<Inner> inners;

  Combination(
      Combine.Rule rule,
      List<? extends S> sources,
      Function<? super S, ? extends Publisher<? extends T>> result,
      BiConsumer<? super S, String> cancel,
      MonoSink<R> sink) {
    this.rule = rule;
    this.sources = sources;
    this.result = result;
    this.cancel = cancel;
    this.sink = sink;
    this.slots = new Object[sources.size()];
    this.finished = new AtomicIntegerArray(sources.size());
    this.remaining = new AtomicInteger(sources.size());
    this.inners = new AtomicReferenceArray<>(sources.size());
  }

  void start() {
    sink.onCancel(() -> decide(null, false));
    for (int i = 0; i < slots.length && !decided.get(); i++) {
      Inner inner = new Inner(i);
      inners.set(i, inner);
      Mono.from(result.apply(sources.get(i))).subscribe(inner);
    }
    if (decided.get()) {
      // Decided while subscribing: the source subscribed last may have been missed.
      for (int i = 0; i < slots.length; i++) {
        Inner inner = inners.get(i);
        if (inner != null && finished.get(i) != 0) {
          inner.dispose();
        }
      }
    }
  }

  private void sourceValue(int i, T value) {
    if (finished.getAndSet(i, 1) != 0) {
      return;
    }
    switch (rule) {
      case ALL -> {
        slots[i] = value;
        if (remaining.decrementAndGet() == 0) {
          List<Object> list = Collections.unmodifiableList(Arrays.asList(slots));
          decide(() -> sink.success(uncheckedResult(list)), true);
        }
      }
      case ANY, RACE -> decide(() -> sink.success(uncheckedResult(value)), true);
    }
  }

  private void sourceError(int i, Throwable error) {
    if (finished.getAndSet(i, 1) != 0) {
      return;
    }
    switch (rule) {
      case ALL, RACE -> decide(() -> sink.error(error), true);
      case ANY -> {
        slots[i] = error;
        if (remaining.decrementAndGet() == 0) {
          decide(() -> sink.error(anyError()), true);
        }
      }
    }
  }

  private Throwable anyError() {
    if (slots.length == 1) {
      return (Throwable) slots[0];
    }
    List<Throwable> errors = new ArrayList<>(slots.length);
    for (Object o : slots) {
      errors.add((Throwable) o);
    }
    return new AllFailedException(errors);
  }

  /** Ends the combination once; {@code cancelLosers} is false for a downstream cancel. */
  private void decide(Runnable signal, boolean cancelLosers) {
    if (!decided.compareAndSet(false, true)) {
      return;
    }
    if (cancelLosers) {
      cancelLosers();
    } else {
      for (int i = 0; i < slots.length; i++) {
        Inner inner = inners.get(i);
        if (inner != null) {
          inner.dispose();
        }
      }
    }
    if (signal != null) {
      signal.run();
    }
  }

  private void cancelLosers() {
    String why =
        rule.name().toLowerCase(java.util.Locale.ROOT) + "() was decided by another source";
    for (int i = 0; i < slots.length; i++) {
      if (finished.getAndSet(i, 1) == 0) {
        Inner inner = inners.get(i);
        if (inner != null) {
          inner.dispose();
        }
        cancel.accept(sources.get(i), why);
      }
    }
  }

  @SuppressWarnings("unchecked")
  private R uncheckedResult(Object o) {
    return (R) o;
  }

  private final class Inner extends BaseSubscriber<T> {
    private final int index;
    private boolean gotValue;

    Inner(int index) {
      this.index = index;
    }

    @Override
    protected void hookOnNext(T value) {
      gotValue = true;
      sourceValue(index, value);
    }

    @Override
    protected void hookOnComplete() {
      if (!gotValue) {
        sourceValue(index, null);
      }
    }

    @Override
    protected void hookOnError(Throwable error) {
      sourceError(index, error);
    }
  }
}
