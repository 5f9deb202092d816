package io.taskflux.executor;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.Exceptions;
import reactor.core.scheduler.Scheduler;

/**
 * Runs actions one at a time, in submission order, on a scheduler that may block (the executor uses
 * {@code Schedulers.boundedElastic()}: its actions log, call user stop hooks and start processes).
 * {@link #execute} never blocks, so it is safe from any thread, Reactor's non-blocking ones
 * included. An action that throws is logged and the next one runs.
 */
final class SerialQueue implements Executor {

  private final Queue<Runnable> actions = new ConcurrentLinkedQueue<>();
  // Counts submitted-but-not-drained actions; the submitter that moves it from 0 starts a drain.
  private final AtomicInteger pending = new AtomicInteger();
  private final Scheduler scheduler;
  private final System.Logger log;

  SerialQueue(Scheduler scheduler, System.Logger log) {
    this.scheduler = scheduler;
    this.log = log;
  }

  @Override
  public void execute(Runnable action) {
    actions.offer(action);
    if (pending.getAndIncrement() == 0) {
      scheduler.schedule(this::drain);
    }
  }

  private void drain() {
    int missed = 1;
    do {
      Runnable action;
      while ((action = actions.poll()) != null) {
        try {
          action.run();
        } catch (Throwable error) {
          Exceptions.throwIfJvmFatal(error);
          log.log(System.Logger.Level.ERROR, "Executor bookkeeping action failed", error);
        }
      }
      missed = pending.addAndGet(-missed);
    } while (missed != 0);
  }
}
