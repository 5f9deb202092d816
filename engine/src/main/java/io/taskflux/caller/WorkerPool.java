package io.taskflux.caller;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * The bounded thread pool behind {@link Caller#toThread}: at most {@code maxThreads} threads, at
 * most {@code queueCapacity} calls waiting, idle threads stop after {@code idleShutdownNanos} (0:
 * never).
 *
 * <p>Lock-free on the submitting side (a submitter may be a non-blocking Reactor thread, where a
 * contended lock would park it): {@code admitted} counts running plus waiting calls and is raised
 * by CAS only below {@code maxThreads + queueCapacity}; the call goes to a lock-free queue; then
 * one idle worker is popped and unparked, or a thread is started if there are fewer than {@code
 * maxThreads}. A worker that finds the queue empty pushes itself on the idle stack and looks at the
 * queue once more before parking, so a call offered meanwhile is never stranded; a worker that
 * exits on idle timeout looks once more too, and restarts a thread if work arrived.
 */
final class WorkerPool {

  private static final System.Logger LOG = System.getLogger("io.taskflux.caller");

  private final String name;
  private final int maxThreads;
  private final int capacity;
  private final long idleShutdownNanos;
  private final ConcurrentLinkedQueue<Runnable> queue = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedDeque<Worker> idle = new ConcurrentLinkedDeque<>();
  private final Set<Worker> workers = ConcurrentHashMap.newKeySet();
  private final AtomicInteger admitted = new AtomicInteger();
  private final AtomicInteger threads = new AtomicInteger();
  private final AtomicInteger serial = new AtomicInteger();
  private volatile boolean shutdown;
  private final Sinks.Empty<Void> terminated = Sinks.empty();

  WorkerPool(String name, int maxThreads, int queueCapacity, long idleShutdownNanos) {
    this.name = name;
    this.maxThreads = maxThreads;
    this.capacity = maxThreads + queueCapacity;
    this.idleShutdownNanos = idleShutdownNanos;
  }

  /** Queues {@code task}; returns {@code false} (and queues nothing) when the pool is full. */
  boolean offer(Runnable task) {
    for (; ; ) {
      int a = admitted.get();
      if (a >= capacity || shutdown) {
        return false;
      }
      if (admitted.compareAndSet(a, a + 1)) {
        break;
      }
    }
    queue.offer(task);
    Worker w = idle.pollFirst();
    if (w != null) {
      LockSupport.unpark(w.thread);
    } else if (!(Thread.currentThread() instanceof WorkerThread t
        && t.pool == this
        && t.completing)) {
      // A worker of this pool completing its call (running done-callbacks that submit the next
      // call, as asCompleted does) polls the queue right after: no new thread needed for it.
      startThreadIfBelowMax();
    }
    return true;
  }

  /**
   * Marks the current thread, if it is a worker, as completing its call (the call has returned);
   * returns the previous mark.
   */
  static boolean completing(boolean completing) {
    if (Thread.currentThread() instanceof WorkerThread t) {
      boolean before = t.completing;
      t.completing = completing;
      return before;
    }
    return false;
  }

  /** Stops the threads once the queue is empty; later offers are refused. */
  void shutdown() {
    shutdown = true;
    Worker w;
    while ((w = idle.pollFirst()) != null) {
      LockSupport.unpark(w.thread);
    }
    if (threads.get() == 0) {
      terminated.tryEmitEmpty();
    }
  }

  /**
   * Completes once the pool is shut down and its last thread has returned from its call (a call
   * that ignores interruption keeps it waiting). Best effort if a submission races the shutdown: a
   * thread started by it may still be finishing that (cancelled) call.
   */
  Mono<Void> terminated() {
    return terminated.asMono();
  }

  /**
   * Cancels the calls of {@code caller} that wait in the queue or run on a worker (a running one is
   * interrupted by its canceller). Weakly consistent: a call offered meanwhile is cancelled when it
   * starts, by {@link CallTask#run()}, because its caller is stopped by then.
   */
  void cancelCallsOf(DefaultCaller caller, String message) {
    for (Runnable task : queue) {
      cancelIfOf(task, caller, message);
    }
    for (Worker w : workers) {
      cancelIfOf(w.current, caller, message);
    }
  }

  private static void cancelIfOf(Runnable task, DefaultCaller caller, String message) {
    if (task instanceof CallTask<?> call && call.caller() == caller) {
      call.pending.cancel(message);
    }
  }

  /** Threads alive now (for tests and diagnostics). */
  int threads() {
    return threads.get();
  }

  private void startThreadIfBelowMax() {
    for (; ; ) {
      int t = threads.get();
      if (t >= maxThreads) {
        return;
      }
      if (threads.compareAndSet(t, t + 1)) {
        break;
      }
    }
    Worker w = new Worker();
    Thread thread = new WorkerThread(this, w, name + "-worker-" + serial.incrementAndGet());
    w.thread = thread;
    workers.add(w);
    thread.start();
  }

  private static final class WorkerThread extends Thread {
    final WorkerPool pool;
    boolean completing; // only touched by this thread

    WorkerThread(WorkerPool pool, Runnable body, String name) {
      super(body, name);
      this.pool = pool;
      setDaemon(true);
    }
  }

  private final class Worker implements Runnable {
    volatile Thread thread;
    volatile Runnable current;

    @Override
    public void run() {
      for (; ; ) {
        Runnable task = queue.poll();
        if (task != null) {
          current = task;
          try {
            task.run();
          } catch (Throwable e) {
            LOG.log(System.Logger.Level.WARNING, "A worker call failed", e);
          } finally {
            current = null;
            admitted.decrementAndGet();
          }
          continue;
        }
        if (shutdown) {
          break;
        }
        idle.push(this);
        if (!queue.isEmpty() || shutdown) {
          idle.remove(this); // false if a submitter popped us: then its unpark is a spare permit
          continue;
        }
        long deadline = System.nanoTime() + idleShutdownNanos;
        if (idleShutdownNanos == 0) {
          LockSupport.park(this);
        } else {
          LockSupport.parkNanos(this, idleShutdownNanos);
        }
        boolean notPopped = idle.remove(this);
        if (notPopped
            && idleShutdownNanos != 0
            && System.nanoTime() - deadline >= 0
            && queue.isEmpty()) {
          break;
        }
      }
      workers.remove(this);
      int left = threads.decrementAndGet();
      if (!queue.isEmpty() && !shutdown) {
        startThreadIfBelowMax();
      } else if (left == 0 && shutdown) {
        terminated.tryEmitEmpty();
      }
    }
  }
}
