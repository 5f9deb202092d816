package io.taskflux.caller;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.scheduler.Scheduler;

/**
 * Runs submitted tasks one at a time, in submission order, on one worker of a Reactor scheduler.
 *
 * <p>A lock-free queue plus a work-in-progress counter: the submitter that moves {@code wip} from 0
 * schedules one drain; the drain runs tasks until the queue is empty and {@code wip} drops back to
 * 0, so a burst of submissions costs one scheduler hop, not one per task. After {@link #BATCH}
 * tasks the drain yields its thread by rescheduling itself (other work on a shared scheduler still
 * runs). {@code wip} orders successive drains (a backing worker may in principle change threads).
 */
final class SerialExecutor implements Runnable {

  private static final System.Logger LOG = System.getLogger("io.taskflux.caller");
  private static final int BATCH = 4096;

  private final Queue<Runnable> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger wip = new AtomicInteger();
  private final Scheduler.Worker backing;
  private volatile Runnable current;

  SerialExecutor(Scheduler scheduler) {
    // One worker: every drain of this queue runs on the same backing thread (cache-warm, and the
    // caller behaves like upstream's per-thread caller).
    this.backing = scheduler.createWorker();
  }

  /** Releases the backing worker; later submissions are cancelled. */
  void dispose() {
    backing.dispose();
  }

  void execute(Runnable task) {
    queue.offer(task);
    if (wip.getAndIncrement() == 0) {
      schedule();
    }
  }

  private void schedule() {
    try {
      backing.schedule(this);
    } catch (RejectedExecutionException e) {
      LOG.log(System.Logger.Level.ERROR, "The caller's scheduler rejected its work", e);
      drainCancelled("The caller's scheduler rejected the call: " + e.getMessage());
    }
  }

  @Override
  public void run() {
    int missed = 1;
    int ran = 0;
    for (; ; ) {
      Runnable task;
      while ((task = queue.poll()) != null) {
        current = task;
        try {
          task.run();
        } catch (Throwable e) {
          LOG.log(System.Logger.Level.WARNING, "A call on the caller's scheduler failed", e);
        } finally {
          current = null;
        }
        if (++ran == BATCH) {
          schedule(); // wip stays above 0: this drain continues in the rescheduled run
          return;
        }
      }
      missed = wip.addAndGet(-missed);
      if (missed == 0) {
        return;
      }
    }
  }

  /**
   * Removes every queued task, cancelling the pendings of calls, and cancels the running call (it
   * ends as cancelled when it returns). Safe from any thread.
   */
  void drainCancelled(String message) {
    if (current instanceof CallTask<?> running) {
      running.pending.cancel(message);
    }
    Runnable task;
    while ((task = queue.poll()) != null) {
      if (task instanceof CallTask<?> call) {
        call.pending.cancel(message);
      }
    }
  }
}
