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
