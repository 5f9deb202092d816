package io.taskflux.caller;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.reactivestreams.Publisher;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.scheduler.Scheduler;

/*
 * State machine. One volatile field, `state`, changed only by CAS:
 *
 *   Waiting(callbacks) ──complete(v)──────────────▶ v (or NULL)          ┐
 *        │             ──fail(e)──────────────────▶ Failure(e)           │ done: never
 *        │             ──cancel, no canceller─────▶ Cancelled(msg)       │ changes again
 *        └──cancel, canceller──▶ Cancelling(msg, callbacks)              │
 *                                   │ cancel: append msg                 │
 *                                   └─complete/fail/settle─▶ Cancelled(msg)┘
 *
 * The first CAS out of Waiting decides the outcome; Cancelling only waits for the work to stop
 * (the canceller interrupts or unschedules it, and the runner then reports back). Callbacks are
 * an immutable LIFO list inside Waiting/Cancelling, so adding one is a CAS too; whoever moves the
 * state to done owns the list it replaced and runs it, reversed (FIFO). A value is stored as
 * itself (no allocation on the fast path); the private marker classes cannot be a user's T.
 */
final class DefaultPending<T> implements Pending<T> {

  private static final System.Logger LOG = System.getLogger("io.taskflux.caller");
  private static final VarHandle STATE;
  private static final VarHandle METADATA;

  static {
    try {
      MethodHandles.Lookup l = MethodHandles.lookup();
      STATE = l.findVarHandle(DefaultPending.class, "state", Object.class);
      METADATA = l.findVarHandle(DefaultPending.class, "metadata", Map.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Stops the work behind a pending; it must make the pending settle once the work stopped. */
  interface Canceller {
    void cancelRequested(DefaultPending<?> pending);
  }

  private static final Object NULL = new Object();

  private record Node(Consumer<Object> callback, Node next) {}

  private record Waiting(Node callbacks) {
    static final Waiting EMPTY = new Waiting(null);
  }

  private record Cancelling(String message, Node callbacks) {}

  private record Failure(Throwable error) {}

  private static final class Cancelled {
    final PendingCancelledException error;

    Cancelled(String message) {
      this.error = new PendingCancelledException(message);
    }
  }

  private final Canceller canceller;
  private volatile Object state = Waiting.EMPTY;
  private volatile Map<String, Object> metadata;

  DefaultPending(Canceller canceller) {
    this.canceller = canceller;
  }

  static <T> DefaultPending<T> fromPublisher(Publisher<? extends T> source, Runnable onCancel) {
    Disposable.Swap subscription = Disposables.swap();
    DefaultPending<T> p =
        new DefaultPending<>(
            pending -> {
              subscription.dispose();
              onCancel.run();
              pending.settle();
            });
    subscription.update(Mono.from(source).subscribe(p::complete, p::fail, () -> p.complete(null)));
    return p;
  }

  // ---- completing ------------------------------------------------------------------------

  @Override
  public boolean complete(T value) {
    return finish(value == null ? NULL : value);
  }

  @Override
  public boolean fail(Throwable error) {
    if (error == null) {
      throw new NullPointerException("error");
    }
    return finish(new Failure(error));
  }

  /** Reports that the work stopped without an outcome of its own (used after a cancel). */
  void settle() {
    finish(null);
  }

  /** Moves to done; {@code outcome == null} only settles a cancellation. */
  private boolean finish(Object outcome) {
    for (; ; ) {
      Object s = state;
      if (s instanceof Waiting w) {
        if (outcome == null) {
          return false;
        }
        if (STATE.compareAndSet(this, s, outcome)) {
          runCallbacks(w.callbacks());
          return true;
        }
      } else if (s instanceof Cancelling c) {
        if (STATE.compareAndSet(this, s, new Cancelled(c.message()))) {
          runCallbacks(c.callbacks());
          return false;
        }
      } else {
        return false;
      }
    }
  }

  @Override
  public boolean cancel(String message) {
    for (; ; ) {
      Object s = state;
      if (s instanceof Waiting w) {
        if (canceller == null) {
          if (STATE.compareAndSet(this, s, new Cancelled(join(null, message)))) {
            runCallbacks(w.callbacks());
            return true;
          }
        } else if (STATE.compareAndSet(
            this, s, new Cancelling(join(null, message), w.callbacks()))) {
          canceller.cancelRequested(this);
          return true;
        }
      } else if (s instanceof Cancelling c) {
        if (message == null
            || message.isEmpty()
            || STATE.compareAndSet(
                this, s, new Cancelling(join(c.message(), message), c.callbacks()))) {
          return true;
        }
      } else {
        return false;
      }
    }
  }

  private static String join(String a, String b) {
    if (b == null || b.isEmpty()) {
      return a == null ? "" : a;
    }
    return a == null || a.isEmpty() ? b : a + "\n" + b;
  }

  // ---- reading ---------------------------------------------------------------------------

  @Override
  public boolean isDone() {
    Object s = state;
    return !(s instanceof Waiting) && !(s instanceof Cancelling);
  }

  @Override
  public boolean isCancelled() {
    Object s = state;
    return s instanceof Cancelled || s instanceof Cancelling;
  }

  /** Whether the pending is done with an error (not a cancellation). */
  boolean isFailed() {
    return state instanceof Failure;
  }

  @Override
  @SuppressWarnings("unchecked")
  public T resultNow() {
    Object s = checkDone();
    if (s instanceof Failure f) {
      Throwable e = f.error();
      if (e instanceof RuntimeException re) {
        throw re;
      }
      if (e instanceof Error err) {
        throw err;
      }
      throw new CompletionException(e);
    }
    return s == NULL ? null : (T) s;
  }

  @Override
  public Throwable exceptionNow() {
    Object s = checkDone();
    return s instanceof Failure f ? f.error() : null;
  }

  private Object checkDone() {
    Object s = state;
    if (s instanceof Cancelling c) {
      throw new PendingCancelledException(c.message());
    }
    if (s instanceof Cancelled c) {
      throw c.error;
    }
    if (s instanceof Waiting) {
      throw new IllegalStateException("The pending is not done: " + this);
    }
    return s;
  }

  // ---- callbacks -------------------------------------------------------------------------

  @Override
  @SuppressWarnings("unchecked")
  public void onDone(Consumer<? super Pending<T>> callback) {
    Consumer<Object> cb = (Consumer<Object>) (Consumer<?>) callback;
    for (; ; ) {
      Object s = state;
      if (s instanceof Waiting w) {
        if (STATE.compareAndSet(this, s, new Waiting(new Node(cb, w.callbacks())))) {
          return;
        }
      } else if (s instanceof Cancelling c) {
        if (STATE.compareAndSet(
            this, s, new Cancelling(c.message(), new Node(cb, c.callbacks())))) {
          return;
        }
      } else {
        runOne(cb);
        return;
      }
    }
  }

  @Override
  public int removeDoneCallback(Consumer<? super Pending<T>> callback) {
    for (; ; ) {
      Object s = state;
      Node head;
      if (s instanceof Waiting w) {
        head = w.callbacks();
      } else if (s instanceof Cancelling c) {
        head = c.callbacks();
      } else {
        return 0;
      }
      int removed = 0;
      Node kept = null;
      for (Node n = reverse(head); n != null; n = n.next()) {
        if (n.callback() == callback) {
          removed++;
        } else {
          kept = new Node(n.callback(), kept);
        }
      }
      if (removed == 0) {
        return 0;
      }
      Object next =
          s instanceof Cancelling c ? new Cancelling(c.message(), kept) : new Waiting(kept);
      if (STATE.compareAndSet(this, s, next)) {
        return removed;
      }
    }
  }

  private static Node reverse(Node head) {
    Node r = null;
    for (Node n = head; n != null; n = n.next()) {
      r = new Node(n.callback(), r);
    }
    return r;
  }

  private void runCallbacks(Node head) {
    if (head == null) {
      return;
    }
    Error fatal = null;
    for (Node n = reverse(head); n != null; n = n.next()) {
      try {
        n.callback().accept(this);
      } catch (Error e) {
        // As upstream re-raises a BaseException: every callback still runs, then it is thrown.
        fatal = fatal == null ? e : fatal;
      } catch (Throwable e) {
        LOG.log(System.Logger.Level.WARNING, "A done-callback of " + this + " failed", e);
      }
    }
    if (fatal != null) {
      throw fatal;
    }
  }

  private void runOne(Consumer<Object> cb) {
    try {
      cb.accept(this);
    } catch (Error e) {
      throw e;
    } catch (Throwable e) {
      LOG.log(System.Logger.Level.WARNING, "A done-callback of " + this + " failed", e);
    }
  }

  // ---- awaiting (the plumbing is in PendingAwaits) ---------------------------------------

  @Override
  public Mono<T> asMono(boolean cancelOnDispose) {
    return PendingAwaits.asMono(this, cancelOnDispose);
  }

  @Override
  public Mono<Pending<T>> whenDone() {
    return PendingAwaits.whenDone(this);
  }

  @Override
  public Mono<T> await(Duration timeout, Scheduler timer) {
    return PendingAwaits.await(this, timeout, timer);
  }

  @Override
  public CompletableFuture<T> toFuture() {
    return PendingAwaits.toFuture(this);
  }

  @Override
  public T join(Duration timeout) throws InterruptedException, TimeoutException {
    return PendingAwaits.join(this, timeout);
  }

  /** Signals the outcome of this done pending to {@code sink}. */
  @SuppressWarnings("unchecked")
  void deliver(MonoSink<T> sink) {
    Object s = state;
    if (s instanceof Failure f) {
      sink.error(f.error());
    } else if (s instanceof Cancelled c) {
      sink.error(c.error);
    } else if (s == NULL) {
      sink.success();
    } else {
      sink.success((T) s);
    }
  }

  /** Completes {@code future} with the outcome of this done pending. */
  @SuppressWarnings("unchecked")
  void deliver(CompletableFuture<T> future) {
    Object s = state;
    if (s instanceof Failure f) {
      future.completeExceptionally(f.error());
    } else if (s instanceof Cancelled c) {
      future.completeExceptionally(c.error);
    } else {
      future.complete(s == NULL ? null : (T) s);
    }
  }

  // ---- metadata --------------------------------------------------------------------------

  @Override
  public Map<String, Object> metadata() {
    Map<String, Object> m = metadata;
    if (m == null) {
      METADATA.compareAndSet(this, null, new ConcurrentHashMap<String, Object>());
      m = metadata;
    }
    return m;
  }

  @Override
  public String toString() {
    Object s = state;
    String what;
    if (s instanceof Waiting) {
      what = "waiting";
    } else if (s instanceof Cancelling c) {
      what = "cancelling: " + c.message();
    } else if (s instanceof Cancelled c) {
      what = "cancelled: " + c.error.getMessage();
    } else if (s instanceof Failure f) {
      what = "failed: " + f.error();
    } else {
      what = "done";
    }
    Object name = metadata == null ? null : metadata.get("name");
    return "Pending@"
        + Integer.toHexString(System.identityHashCode(this))
        + (name == null ? "" : "(" + name + ")")
        + "["
        + what
        + "]";
  }
}
