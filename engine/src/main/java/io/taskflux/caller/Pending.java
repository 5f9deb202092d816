package io.taskflux.caller;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * The outcome of one piece of in-process work: a value, an error or a cancellation, whichever is
 * set first.
 *
 * <p><b>Hot and thread-safe.</b> A pending returned by a {@link Caller} is already scheduled;
 * nothing here starts or repeats the work. Every method may be called from any thread. The first of
 * {@link #complete}, {@link #fail} and {@link #cancel} wins, also under a race from several
 * threads; later ones return {@code false} and change nothing.
 *
 * <p><b>Cancellation.</b> {@link #cancel(String)} fixes the outcome at once. If the work can be
 * stopped (a scheduled call, a worker thread, a subscription), the pending asks it to stop and
 * becomes {@linkplain #isDone() done} when it has; until then {@link #isCancelled()} is true and
 * further messages are appended. Everyone who awaits the pending sees a {@link
 * PendingCancelledException} whose message is every cancel message joined with {@code "\n"}.
 *
 * <p><b>Awaiting.</b> {@link #asMono()}, {@link #whenDone()}, {@link #await} and {@link
 * #toFuture()} never block; {@link #join(Duration)} is the one blocking method and says so. A
 * {@code null} value is delivered as an empty {@code Mono}.
 *
 * <p><b>Callbacks</b> added with {@link #onDone} run in the order they were added, on the thread
 * that completes the pending; one added after completion runs at once on the adding thread. A
 * callback that throws is logged and the others still run.
 *
 * @param <T> the value type
 */
public interface Pending<T> {

  /** A new pending that nothing completes but its holder (no canceller: cancel completes it). */
  static <T> Pending<T> create() {
    return new DefaultPending<>(null);
  }

  /** A pending already completed with {@code value} (which may be {@code null}). */
  static <T> Pending<T> completed(T value) {
    Pending<T> p = create();
    p.complete(value);
    return p;
  }

  /** A pending already failed with {@code error}. */
  static <T> Pending<T> failed(Throwable error) {
    Pending<T> p = create();
    p.fail(error);
    return p;
  }

  /**
   * A pending fed by {@code source}, which is subscribed at once (hot): its first value completes
   * the pending, an empty completion completes it with {@code null}, an error fails it. Cancelling
   * the pending cancels the subscription. This is how other handles (a task's {@code Mono} result)
   * join a {@link PendingGroup} or the combinators.
   */
  static <T> Pending<T> from(Publisher<? extends T> source) {
    return DefaultPending.fromPublisher(source, () -> {});
  }

  /**
   * {@link #from(Publisher)} for work that outlives its subscription, such as a submitted task:
   * cancelling the pending cancels the subscription and then runs {@code onCancel} once (e.g.
   * {@code () -> handle.revoke().subscribe()}), so a task handle can be a {@link PendingGroup}
   * member whose cancellation really stops the task.
   */
  static <T> Pending<T> from(Publisher<? extends T> source, Runnable onCancel) {
    return DefaultPending.fromPublisher(source, java.util.Objects.requireNonNull(onCancel));
  }

  /**
   * Dispatch's {@code all}: completes with every value <b>in declaration order</b> once all have
   * completed, or fails with the first error to arrive (a cancelled input fails it with {@link
   * PendingCancelledException}); the inputs still running then are cancelled. No input gives an
   * empty list. Hot: starts at once. Cancelling the result cancels every input.
   */
  static <T> Pending<List<T>> all(List<? extends Pending<? extends T>> pendings) {
    List<Pending<? extends T>> inputs = List.copyOf(pendings);
    return DefaultPending.fromPublisher(
        Combine.all(inputs, Pending::asMono, Pending::cancel),
        () -> inputs.forEach(p -> p.cancel("all() was cancelled")));
  }

  /** {@link #all(List)} over the arguments. */
  @SafeVarargs
  static <T> Pending<List<T>> all(Pending<? extends T>... pendings) {
    List<Pending<? extends T>> list = new ArrayList<>(pendings.length);
    for (Pending<? extends T> p : pendings) {
      list.add(p);
    }
    return all(list);
  }

  /**
   * Dispatch's {@code any}: completes with the first value to arrive (the other inputs are then
   * cancelled); if every input fails, fails with the single error, or with {@link
   * AllFailedException} ({@code "N tasks failed"}, every error in declaration order) when there
   * were two or more. No input completes with {@code null}. Hot; cancelling the result cancels
   * every input.
   */
  static <T> Pending<T> any(List<? extends Pending<? extends T>> pendings) {
    List<Pending<? extends T>> inputs = List.copyOf(pendings);
    return DefaultPending.fromPublisher(
        Combine.any(inputs, Pending::asMono, Pending::cancel),
        () -> inputs.forEach(p -> p.cancel("any() was cancelled")));
  }

  /** {@link #any(List)} over the arguments. */
  @SafeVarargs
  static <T> Pending<T> any(Pending<? extends T>... pendings) {
    List<Pending<? extends T>> list = new ArrayList<>(pendings.length);
    for (Pending<? extends T> p : pendings) {
      list.add(p);
    }
    return any(list);
  }

  /**
   * Dispatch's {@code race}: the first input to finish decides, with its value or its error; the
   * others are cancelled. No input completes with {@code null}. Hot; cancelling the result cancels
   * every input.
   */
  static <T> Pending<T> race(List<? extends Pending<? extends T>> pendings) {
    List<Pending<? extends T>> inputs = List.copyOf(pendings);
    return DefaultPending.fromPublisher(
        Combine.race(inputs, Pending::asMono, Pending::cancel),
        () -> inputs.forEach(p -> p.cancel("race() was cancelled")));
  }

  /** {@link #race(List)} over the arguments. */
  @SafeVarargs
  static <T> Pending<T> race(Pending<? extends T>... pendings) {
    List<Pending<? extends T>> list = new ArrayList<>(pendings.length);
    for (Pending<? extends T> p : pendings) {
      list.add(p);
    }
    return race(list);
  }

  /** Sets the value if nothing was set yet; returns whether this call decided the outcome. */
  boolean complete(T value);

  /** Sets the error if nothing was set yet; returns whether this call decided the outcome. */
  boolean fail(Throwable error);

  /** {@link #cancel(String)} without a message. */
  default boolean cancel() {
    return cancel(null);
  }

  /**
   * Cancels the pending if it is not done, appending {@code message} (nullable) to the messages;
   * returns {@code true} if it was not done. Asks the work to stop; see the class comment.
   */
  boolean cancel(String message);

  /** Whether the outcome is final and the work has stopped. */
  boolean isDone();

  /** Whether the outcome is (or will be, once the work stops) a cancellation. */
  boolean isCancelled();

  /**
   * The value of a done pending. Throws {@link PendingCancelledException} if it was cancelled,
   * {@link IllegalStateException} if it is not done, and rethrows the error it failed with (the
   * same instance if unchecked, else wrapped in {@link java.util.concurrent.CompletionException}).
   */
  T resultNow();

  /**
   * The error of a done pending, or {@code null} if it has a value. Throws {@link
   * PendingCancelledException} if it was cancelled and {@link IllegalStateException} if not done.
   */
  Throwable exceptionNow();

  /**
   * The outcome as a {@code Mono}: the value (empty for {@code null}), the error, or {@link
   * PendingCancelledException}. Every subscriber gets the same outcome; cancelling a subscription
   * does not cancel the pending. Never blocks.
   */
  default Mono<T> asMono() {
    return asMono(false);
  }

  /** {@link #asMono()}, which cancels the pending when a subscriber cancels if asked to. */
  Mono<T> asMono(boolean cancelOnDispose);

  /** Emits this pending once it is done, whatever the outcome; never fails. */
  Mono<Pending<T>> whenDone();

  /**
   * Waits like upstream's {@code wait(timeout)}: the outcome, or {@link TimeoutException} after
   * {@code timeout}, in which case the pending is cancelled; cancelling the subscription cancels
   * the pending too. {@link Duration#ZERO} looks once: the outcome if done, else the timeout at
   * once. Use {@code asMono().timeout(..)} to wait without cancelling. The timer runs on {@code
   * Schedulers.parallel()}.
   */
  default Mono<T> await(Duration timeout) {
    return await(timeout, reactor.core.scheduler.Schedulers.parallel());
  }

  /** {@link #await(Duration)} with the timer on {@code timer} (for virtual time). */
  Mono<T> await(Duration timeout, Scheduler timer);

  /**
   * The outcome as a new {@link CompletableFuture} (a cancellation as {@link
   * PendingCancelledException}); cancelling the future cancels the pending.
   */
  CompletableFuture<T> toFuture();

  /**
   * <b>Blocks</b> the calling thread until the pending is done or {@code timeout} has passed, and
   * returns the value as {@link #resultNow()} does. Does not cancel the pending on timeout. Must
   * not be called on a non-blocking (Reactor parallel) thread.
   *
   * @throws TimeoutException if not done in time
   * @throws InterruptedException if the waiting thread is interrupted
   */
  T join(Duration timeout) throws InterruptedException, TimeoutException;

  /** Adds a callback run once when the pending is done (at once if it already is). */
  void onDone(Consumer<? super Pending<T>> callback);

  /** Removes every registration of {@code callback} (by identity); returns how many. */
  int removeDoneCallback(Consumer<? super Pending<T>> callback);

  /** A mutable, thread-safe map for the holder's own data; never {@code null}. */
  Map<String, Object> metadata();
}
