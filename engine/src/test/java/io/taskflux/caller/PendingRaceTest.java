package io.taskflux.caller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** First outcome wins under a race of value, error and cancel from three threads. */
class PendingRaceTest {

  private static final int ROUNDS = 3_000;
  private final ExecutorService threads = Executors.newFixedThreadPool(3);

  @AfterEach
  void shutdown() {
    threads.shutdownNow();
  }

  @Test
  void aPlainPendingHasExactlyOneOutcome() throws Exception {
    race(Pending::create);
  }

  @Test
  void aPendingWithACancellerHasExactlyOneOutcome() throws Exception {
    // The canceller settles at once, as a call that had not started yet does.
    race(() -> new DefaultPending<>(DefaultPending::settle));
  }

  @Test
  void aWorkerCallCancelledWhileItStartsOrEndsIsDoneOnceAndNoInterruptLeaks() throws Exception {
    Caller caller = Caller.create(CallerOptions.named("race").maxThreads(1));
    try {
      for (int round = 0; round < ROUNDS; round++) {
        CyclicBarrier start = new CyclicBarrier(2);
        Future<Pending<Boolean>> submitted =
            threads.submit(
                () -> {
                  await(start);
                  return caller.toThread(() -> Thread.currentThread().isInterrupted());
                });
        start.await(5, TimeUnit.SECONDS);
        Pending<Boolean> p = submitted.get(5, TimeUnit.SECONDS);
        p.cancel("race");
        Pending<Boolean> next = caller.toThread(() -> Thread.currentThread().isInterrupted());
        assertEquals(false, next.join(java.time.Duration.ofSeconds(5)), "round " + round);
        assertTrue(p.isDone(), "round " + round + ": " + p);
        assertTrue(p.isCancelled() || p.resultNow() != null);
      }
    } finally {
      caller.stop();
    }
  }

  @Test
  void aGroupEndsExactlyOnceWhenItsLastMemberRacesAGroupCancel() throws Exception {
    Caller caller = Caller.create("group-race");
    try {
      for (int round = 0; round < ROUNDS / 3; round++) {
        PendingGroup group =
            caller.newGroup(GroupOptions.defaults().mode(GroupMode.CANCEL_QUIETLY)).enter();
        Pending<String> member = group.add(Pending.create());
        CountDownLatch ended = new CountDownLatch(1);
        AtomicInteger endings = new AtomicInteger();
        group
            .exit()
            .subscribe(
                x -> {},
                e -> {},
                () -> {
                  endings.incrementAndGet();
                  ended.countDown();
                });
        CyclicBarrier start = new CyclicBarrier(2);
        Future<Boolean> complete = threads.submit(() -> await(start) && member.complete("v"));
        Future<Boolean> cancel = threads.submit(() -> await(start) && group.cancel("c"));
        complete.get(5, TimeUnit.SECONDS);
        cancel.get(5, TimeUnit.SECONDS);
        assertTrue(ended.await(5, TimeUnit.SECONDS), "round " + round);
        assertEquals(1, endings.get());
        assertTrue(member.isDone());
      }
    } finally {
      caller.stop();
    }
  }

  private void race(Supplier<Pending<String>> factory) throws Exception {
    int[] wins = new int[3];
    for (int round = 0; round < ROUNDS; round++) {
      Pending<String> p = factory.get();
      AtomicInteger callbacks = new AtomicInteger();
      p.onDone(x -> callbacks.incrementAndGet());
      CyclicBarrier start = new CyclicBarrier(3);
      Future<Boolean> value = threads.submit(() -> await(start) && p.complete("v"));
      Future<Boolean> error =
          threads.submit(() -> await(start) && p.fail(new IllegalStateException("e")));
      Future<Boolean> cancel = threads.submit(() -> await(start) && p.cancel("c"));
      boolean v = value.get(5, TimeUnit.SECONDS);
      boolean e = error.get(5, TimeUnit.SECONDS);
      boolean c = cancel.get(5, TimeUnit.SECONDS);
      assertEquals(1, (v ? 1 : 0) + (e ? 1 : 0) + (c ? 1 : 0), "exactly one winner");
      assertTrue(p.isDone());
      assertEquals(1, callbacks.get(), "callbacks run exactly once");
      CountDownLatch seen = new CountDownLatch(1);
      String[] outcome = new String[1];
      p.asMono().subscribe(x -> outcome[0] = "v:" + x, x -> outcome[0] = "e:" + x, seen::countDown);
      if (v) {
        wins[0]++;
        assertEquals("v:v", outcome[0]);
      } else if (e) {
        wins[1]++;
        assertEquals("e:java.lang.IllegalStateException: e", outcome[0]);
      } else {
        wins[2]++;
        assertTrue(p.isCancelled());
        assertEquals(
            "e:io.taskflux.caller.PendingCancelledException: c", String.valueOf(outcome[0]));
      }
    }
    assertEquals(ROUNDS, wins[0] + wins[1] + wins[2]);
  }

  private static boolean await(CyclicBarrier start) throws Exception {
    start.await(5, TimeUnit.SECONDS);
    return true;
  }
}
