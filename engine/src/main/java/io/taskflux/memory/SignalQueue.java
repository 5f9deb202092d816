package io.taskflux.memory;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Delivers sink signals outside the backend's lock, one at a time and in the order they were queued
 * (the order of the writes, since they are queued under the lock).
 *
 * <p>Signals are queued while the lock is held and run by {@link #drain()} after it is released, so
 * subscriber code never runs inside the lock and a subscriber that calls the backend again cannot
 * recurse without bound. Whichever thread finds the queue idle drains it; others only add (the
 * usual work-in-progress counter), so no two signals ever run at once and sinks are never emitted
 * to concurrently.
 */
final class SignalQueue {

  private final Queue<Runnable> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger wip = new AtomicInteger();

  void add(Runnable signal) {
    queue.add(signal);
  }

  void drain() {
    if (wip.getAndIncrement() != 0) {
      return;
    }
    int missed = 1;
    do {
      Runnable r;
      while ((r = queue.poll()) != null) {
        r.run();
      }
      missed = wip.addAndGet(-missed);
    } while (missed != 0);
  }
}
