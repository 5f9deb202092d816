package io.taskflux.caller;

import java.time.Duration;
import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * An in-process scheduler with structured concurrency: calls on its own serial queue, after a
 * delay, or on a bounded pool of worker threads, each returning a hot {@link Pending}.
 *
 * <p><b>Threads.</b> Every method may be called from any thread and none blocks. {@code callSoon},
 * {@code callLater}, {@code callDirect} and {@code queueCall} run on the caller's serial queue (one
 * call at a time, in submission order across all four, on {@link CallerOptions#scheduler()}); code
 * there must not block. {@code toThread} runs on a worker thread, where blocking is fine; a
 * cancelled worker call is interrupted.
 *
 * <p><b>Errors.</b> A call's exception fails its pending with that same exception. A full worker
 * pool fails the pending with {@link CallerRejectedException}. After {@link #stop()} every new call
 * returns a pending already cancelled ({@link PendingCancelledException}, "The caller has been
 * stopped").
 *
 * <p><b>Groups.</b> A call made while a {@link PendingGroup} body or a member call runs on this
 * thread joins that group.
 */
public interface Caller extends AutoCloseable {

  /** A new root caller. */
  static Caller create(CallerOptions options) {
    return new DefaultCaller(options, null, null);
  }

  /** A new root caller with default options. */
  static Caller create(String name) {
    return create(CallerOptions.named(name));
  }

  /** Inside a call run by a caller: that call's own pending; elsewhere empty. */
  static Optional<Pending<?>> currentPending() {
    return Optional.ofNullable(DefaultCaller.CURRENT.get());
  }

  /** This caller's name. */
  String name();

  /** The options this caller was created with. */
  CallerOptions options();

  /** Runs {@code call} on the serial queue after the calls submitted before it. */
  <T> Pending<T> callSoon(Callable<? extends T> call);

  /**
   * Runs {@code call} on the serial queue once {@code delay} has passed, counted from now; the
   * timer runs on {@link Schedulers#parallel()}.
   */
  default <T> Pending<T> callLater(Duration delay, Callable<? extends T> call) {
    return callLater(delay, call, Schedulers.parallel());
  }

  /** {@link #callLater(Duration, Callable)} with the timer on {@code timer} (for virtual time). */
  <T> Pending<T> callLater(Duration delay, Callable<? extends T> call, Scheduler timer);

  /**
   * Runs {@code call} on the serial queue without a pending: for short calls only; an exception is
   * logged. Dropped after {@link #stop()}.
   */
  void callDirect(Runnable call);

  /**
   * Runs {@code call} on a worker thread: never more than {@link CallerOptions#maxThreads()} at
   * once; when they are all busy and {@link CallerOptions#queueCapacity()} calls already wait, the
   * pending fails at once with {@link CallerRejectedException}. Cancelling the pending of a running
   * call interrupts its thread; the pending is done when the call returns.
   */
  <T> Pending<T> toThread(Callable<? extends T> call);

  /**
   * Runs {@code call} on the serial queue in the sequential queue of {@code key}: one call at a
   * time, in call order; an exception is logged and the queue goes on. The first call opens the
   * queue.
   */
  void queueCall(Object key, Runnable call);

  /** The long-lived pending of the queue of {@code key}, if it is open. */
  Optional<Pending<Void>> queueGet(Object key);

  /**
   * Closes the queue of {@code key}: its pending is cancelled and its calls not yet started are
   * dropped. Returns whether it was open.
   */
  boolean queueClose(Object key);

  /**
   * {@link #asCompleted(Publisher, int, boolean)} over items that already exist: no concurrency
   * limit; cancelling the subscription cancels the unfinished items.
   */
  <T> Flux<Pending<T>> asCompleted(Collection<? extends Pending<T>> items);

  /** {@link #asCompleted(Publisher, int, boolean)} with at most 10 unfinished, cancelling them. */
  default <T> Flux<Pending<T>> asCompleted(Publisher<? extends Pending<T>> items) {
    return asCompleted(items, 10, true);
  }

  /**
   * Emits each item when it is done, in completion order; a failed or cancelled item is emitted
   * like any other. {@code items} is requested lazily, so at most {@code maxConcurrent} of them are
   * unfinished at once when it creates them on demand (e.g. {@code Flux.range(..).map(i ->
   * caller.toThread(..))}). Leaving early (cancel or error) cancels the unfinished items if {@code
   * cancelUnfinished}. Cold. Fails with {@link IllegalStateException} if an item is the pending of
   * the call doing the waiting (it would wait for itself).
   */
  <T> Flux<Pending<T>> asCompleted(
      Publisher<? extends Pending<T>> items, int maxConcurrent, boolean cancelUnfinished);

  /** {@link #wait(Collection, Duration, ReturnWhen, Scheduler)} without a timeout. */
  <T> Mono<WaitResult<T>> wait(Collection<? extends Pending<T>> items, ReturnWhen returnWhen);

  /**
   * {@link #wait(Collection, Duration, ReturnWhen, Scheduler)} on {@link Schedulers#parallel()}.
   */
  default <T> Mono<WaitResult<T>> wait(
      Collection<? extends Pending<T>> items, Duration timeout, ReturnWhen returnWhen) {
    return wait(items, timeout, returnWhen, Schedulers.parallel());
  }

  /**
   * Emits which items are done once {@code returnWhen} is met or {@code timeout} has passed,
   * whichever is first. <b>Never fails on timeout and cancels nothing</b>: the unfinished items are
   * in {@link WaitResult#notDone()}. Cold; the timer runs on {@code timer}.
   */
  <T> Mono<WaitResult<T>> wait(
      Collection<? extends Pending<T>> items,
      Duration timeout,
      ReturnWhen returnWhen,
      Scheduler timer);

  /** A new group, not yet entered; see {@link PendingGroup}. */
  PendingGroup newGroup(GroupOptions options);

  /** {@code newGroup(options).run(body)}: the group's value once every member is done. */
  default <R> Mono<R> inGroup(GroupOptions options, GroupBody<R> body) {
    return newGroup(options).run(body);
  }

  /** {@link #inGroup(GroupOptions, GroupBody)} with default options but {@code mode}. */
  default <R> Mono<R> inGroup(GroupMode mode, GroupBody<R> body) {
    return inGroup(GroupOptions.defaults().mode(mode), body);
  }

  /**
   * The child caller named {@code name}, created on first use: its own serial queue, this caller's
   * worker pool, stopped when this caller stops.
   */
  Caller child(String name);

  /** The children created so far. */
  Collection<Caller> children();

  /**
   * Stops the caller and its children: every unfinished call is cancelled (a running worker call is
   * interrupted), every queue closed, and every later call gets an already-cancelled pending.
   * Returns at once; idempotent.
   */
  void stop();

  /** Whether {@link #stop()} was called (on this caller or a parent). */
  boolean isStopped();

  /**
   * {@link #stop()}s the caller, then completes once its worker threads have returned from their
   * (interrupted) calls; for a child caller, which shares its root's threads, at once. Cold:
   * nothing happens until subscribed; idempotent. Never blocks.
   */
  Mono<Void> closeAsync();

  /** How long {@link #close()} waits for the worker threads at most: 30 s. */
  Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

  /**
   * {@link #closeAsync()}, waited for on the calling thread for at most {@link #CLOSE_TIMEOUT}, so
   * a caller works in try-with-resources. Blocking: never call it on a Reactor non-blocking thread
   * nor from a call of this caller (it would wait for itself); use {@code stop()} or {@code
   * closeAsync()} there.
   *
   * @throws IllegalStateException if called on a Reactor non-blocking thread (nothing is stopped)
   * @throws io.taskflux.TaskfluxException if a worker thread did not return in time
   */
  @Override
  void close();
}
