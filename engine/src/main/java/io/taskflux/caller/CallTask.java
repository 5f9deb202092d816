package io.taskflux.caller;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Set;
import java.util.concurrent.Callable;
import reactor.core.Disposable;

/*
 * One scheduled call and the canceller of its pending. `phase` (CAS only):
 *
 *   NEW ──run──▶ RUNNING ──call returned──▶ DONE
 *    │              └──cancel (interruptible)──▶ INTERRUPTING ──▶ INTERRUPTED
 *    └──cancel before it started──▶ DONE (the pending settles at once; a later run() does nothing)
 *
 * A worker thread is interrupted only while it is still inside this call: the runner cannot leave
 * RUNNING while a canceller is between INTERRUPTING and INTERRUPTED, and clears the flag after, so
 * an interrupt never leaks into the next call on that thread (FutureTask does the same).
 */
final class CallTask<T> implements Runnable, DefaultPending.Canceller {

  static final String STOPPED = "The caller has been stopped";

  private static final int NEW = 0;
  private static final int RUNNING = 1;
  private static final int DONE = 2;
  private static final int INTERRUPTING = 3;
  private static final int INTERRUPTED = 4;
  private static final VarHandle PHASE;

  static {
    try {
      PHASE = MethodHandles.lookup().findVarHandle(CallTask.class, "phase", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  final DefaultPending<T> pending;
  private final DefaultCaller caller;
  private final Callable<? extends T> call;
  private final boolean interruptible;
  private final Set<CallTask<?>> live;
  private final DefaultPendingGroup group;
  private volatile int phase;
  private volatile Thread runner;
  private volatile Disposable.Swap timer;

  CallTask(
      DefaultCaller caller,
      Callable<? extends T> call,
      boolean interruptible,
      Set<CallTask<?>> live,
      DefaultPendingGroup group) {
    this.caller = caller;
    this.call = call;
    this.interruptible = interruptible;
    this.live = live;
    this.group = group;
    this.pending = new DefaultPending<>(this);
  }

  DefaultCaller caller() {
    return caller;
  }

  /** The group that was current when the call was made (its members join it), or null. */
  DefaultPendingGroup group() {
    return group;
  }

  void timer(Disposable.Swap timer) {
    this.timer = timer;
  }

  @Override
  public void run() {
    if (caller.isStopped()) {
      pending.cancel(STOPPED);
    }
    if (interruptible) {
      runner = Thread.currentThread(); // before RUNNING, so a canceller always finds it
    }
    if (!PHASE.compareAndSet(this, NEW, RUNNING)) {
      return;
    }
    DefaultPending<?> outerPending = DefaultCaller.CURRENT.get();
    DefaultPendingGroup outerGroup = DefaultCaller.GROUP.get();
    DefaultCaller.CURRENT.set(pending);
    DefaultCaller.GROUP.set(group);
    T value = null;
    Throwable error = null;
    try {
      value = call.call();
    } catch (Throwable e) {
      error = e;
    } finally {
      DefaultCaller.CURRENT.set(outerPending); // done-callbacks run outside the call's context
      DefaultCaller.GROUP.set(outerGroup);
    }
    boolean before = WorkerPool.completing(true);
    try {
      if (error == null) {
        pending.complete(value);
      } else {
        pending.fail(error);
      }
    } finally {
      WorkerPool.completing(before);
      forget();
      if (!PHASE.compareAndSet(this, RUNNING, DONE)) {
        while (phase == INTERRUPTING) {
          Thread.onSpinWait();
        }
        Thread.interrupted();
      }
    }
  }

  @Override
  public void cancelRequested(DefaultPending<?> p) {
    for (; ; ) {
      int ph = phase;
      if (ph == NEW) {
        if (PHASE.compareAndSet(this, NEW, DONE)) {
          Disposable.Swap t = timer;
          if (t != null) {
            t.dispose();
          }
          forget();
          pending.settle();
          return;
        }
      } else if (ph == RUNNING && interruptible) {
        if (PHASE.compareAndSet(this, RUNNING, INTERRUPTING)) {
          Thread t = runner;
          if (t != null) {
            t.interrupt();
          }
          phase = INTERRUPTED;
          return;
        }
      } else {
        // Running a non-interruptible call (the caller's own scheduler): it settles when it ends.
        return;
      }
    }
  }

  private void forget() {
    if (live != null) {
      live.remove(this);
    }
  }
}
