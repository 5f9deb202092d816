package io.taskflux.caller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/** The bounded worker pool behind toThread. */
class ToThreadTest {

  @Test
  void fortyJobsOnTwoThreadsNeverRunMoreThanTwoAtOnce() {
    Caller caller = Caller.create(CallerOptions.named("pool").maxThreads(2).queueCapacity(100));
    try {
      AtomicInteger running = new AtomicInteger();
      AtomicInteger highWater = new AtomicInteger();
      Set<Thread> threads = ConcurrentHashMap.newKeySet();
      List<Pending<Integer>> jobs = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        int n = i;
        jobs.add(
            caller.toThread(
                () -> {
                  int now = running.incrementAndGet();
                  highWater.accumulateAndGet(now, Math::max);
                  threads.add(Thread.currentThread());
                  // Hold the thread a little so that jobs overlap if the pool allowed it.
                  long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2);
                  while (System.nanoTime() < until) {
                    Thread.onSpinWait();
                  }
                  running.decrementAndGet();
                  return n;
                }));
      }
      StepVerifier.create(Pending.all(jobs).asMono())
          .assertNext(values -> assertEquals(40, values.size()))
          .verifyComplete();
      assertTrue(highWater.get() <= 2, "high-water mark " + highWater.get());
      assertEquals(2, highWater.get(), "the two threads did overlap");
      assertEquals(2, threads.size());
    } finally {
      caller.stop();
    }
  }

  @Test
  void aFullQueueRejectsWithTheTypedException() throws Exception {
    Caller caller = Caller.create(CallerOptions.named("full").maxThreads(2).queueCapacity(3));
    CountDownLatch release = new CountDownLatch(1);
    try {
      List<Pending<String>> accepted = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        accepted.add(
            caller.toThread(
                () -> {
                  release.await();
                  return "ok";
                }));
      }
      Pending<String> rejected = caller.toThread(() -> "no room");
      assertTrue(rejected.isDone());
      assertInstanceOf(CallerRejectedException.class, rejected.exceptionNow());
      assertTrue(accepted.stream().noneMatch(Pending::isDone));
      release.countDown();
      StepVerifier.create(Pending.all(accepted).asMono())
          .assertNext(v -> assertEquals(List.of("ok", "ok", "ok", "ok", "ok"), v))
          .verifyComplete();
      // Room again once they are done.
      StepVerifier.create(caller.toThread(() -> "again").asMono())
          .expectNext("again")
          .verifyComplete();
    } finally {
      release.countDown();
      caller.stop();
    }
  }

  @Test
  void cancellingARunningCallInterruptsItsThread() throws Exception {
    Caller caller = Caller.create(CallerOptions.named("interrupt").maxThreads(1));
    try {
      CountDownLatch started = new CountDownLatch(1);
      AtomicReference<Throwable> seen = new AtomicReference<>();
      Pending<String> p =
          caller.toThread(
              () -> {
                started.countDown();
                try {
                  new CountDownLatch(1).await();
                } catch (InterruptedException e) {
                  seen.set(e);
                  throw e;
                }
                return "never";
              });
      assertTrue(started.await(5, TimeUnit.SECONDS));
      assertTrue(p.cancel("stop it"));
      StepVerifier.create(p.asMono()).expectErrorMessage("stop it").verify(Duration.ofSeconds(5));
      assertInstanceOf(InterruptedException.class, seen.get());
      // The interrupt does not leak into the next call on the same thread.
      StepVerifier.create(caller.toThread(() -> Thread.currentThread().isInterrupted()).asMono())
          .expectNext(false)
          .verifyComplete();
    } finally {
      caller.stop();
    }
  }

  @Test
  void idleWorkersStopAfterTheIdleDuration() throws Exception {
    Caller caller =
        Caller.create(
            CallerOptions.named("idle").maxThreads(2).idleWorkerShutdown(Duration.ofMillis(50)));
    try {
      Thread worker = caller.toThread(Thread::currentThread).join(Duration.ofSeconds(5));
      worker.join(5_000); // returns when the idle worker has stopped
      assertFalse(worker.isAlive());
      assertEquals(0, ((DefaultCaller) caller).pool().threads());
      StepVerifier.create(caller.toThread(() -> "new thread").asMono())
          .expectNext("new thread")
          .verifyComplete();
    } finally {
      caller.stop();
    }
  }

  @Test
  void workersAreKeptWhenIdleShutdownIsZero() throws Exception {
    Caller caller =
        Caller.create(CallerOptions.named("keep").maxThreads(1).idleWorkerShutdown(Duration.ZERO));
    try {
      Thread first = caller.toThread(Thread::currentThread).join(Duration.ofSeconds(5));
      Thread second = caller.toThread(Thread::currentThread).join(Duration.ofSeconds(5));
      assertEquals(first, second);
      assertTrue(first.isAlive());
    } finally {
      caller.stop();
    }
  }
}
