package io.taskflux.cli;

import java.io.PrintWriter;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import sun.misc.Signal;

/**
 * SIGINT/SIGTERM for long-running commands: the first signal asks for a graceful stop (drain), a
 * second one halts the process at once. Tests call {@link #request()} instead of sending signals.
 */
final class Shutdown {

  /** The exit status of a forced stop (128 + SIGINT). */
  static final int FORCED_EXIT = 130;

  private final CountDownLatch requested = new CountDownLatch(1);
  private final AtomicInteger signals = new AtomicInteger();
  private final PrintWriter err;
  private final java.util.List<Runnable> onForce =
      new java.util.concurrent.CopyOnWriteArrayList<>();

  Shutdown(PrintWriter err) {
    this.err = err;
  }

  /** Handles SIGINT and SIGTERM for the rest of this process's life. */
  Shutdown installSignalHandlers() {
    for (String name : new String[] {"INT", "TERM"}) {
      try {
        Signal.handle(new Signal(name), s -> onSignal("SIG" + s.getName()));
      } catch (IllegalArgumentException e) {
        // Not available on this platform (or taken by the JVM, e.g. with -Xrs): keep the default.
      }
    }
    return this;
  }

  private void onSignal(String name) {
    if (signals.incrementAndGet() == 1) {
      err.println(name + ": stopping gracefully (running tasks may finish); again to force");
      err.flush();
      request();
    } else {
      err.println(name + ": forced exit");
      err.flush();
      onForce.forEach(Runnable::run);
      Runtime.getRuntime().halt(FORCED_EXIT);
    }
  }

  /** Asks for a graceful stop. */
  void request() {
    requested.countDown();
  }

  /** Runs {@code action} just before a forced exit (e.g. to kill child processes). */
  void onForce(Runnable action) {
    onForce.add(action);
  }

  /**
   * Blocks the calling (main) thread until a stop is asked for or {@code limit} passes; returns
   * whether a stop was asked for.
   */
  boolean await(java.time.Duration limit) throws InterruptedException {
    return requested.await(limit.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  boolean isRequested() {
    return requested.getCount() == 0;
  }
}
