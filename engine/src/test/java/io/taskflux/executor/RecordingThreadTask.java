package io.taskflux.executor;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link ThreadTask} that runs until it is released or interrupted, and records what happened to
 * it.
 */
final class RecordingThreadTask implements ThreadTask {

  private final String id;
  final CountDownLatch started = new CountDownLatch(1);
  final CountDownLatch release = new CountDownLatch(1);

  /** "released" or "interrupted". */
  final CompletableFuture<String> ended = new CompletableFuture<>();

  final AtomicInteger stopCalls = new AtomicInteger();

  RecordingThreadTask(String id) {
    this.id = id;
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public void runInThread() throws InterruptedException {
    started.countDown();
    try {
      release.await();
      ended.complete("released");
    } catch (InterruptedException e) {
      ended.complete("interrupted");
      throw e;
    }
  }

  @Override
  public void stop() {
    stopCalls.incrementAndGet();
  }

  void awaitStarted() throws InterruptedException {
    if (!started.await(10, TimeUnit.SECONDS)) {
      throw new AssertionError(id + " did not start");
    }
  }
}
