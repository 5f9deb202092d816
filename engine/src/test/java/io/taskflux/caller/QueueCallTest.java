package io.taskflux.caller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** BEHAVIOUR.md §4.2 queue_call / queue_get / queue_close. */
class QueueCallTest {

  private final Caller caller = Caller.create("queues");

  @AfterEach
  void stop() {
    caller.stop();
  }

  private void barrier() throws Exception {
    caller.callSoon(() -> null).join(Duration.ofSeconds(5));
  }

  @Test
  void callsOfOneKeyRunInOrderAndAnErrorDoesNotStopTheQueue() throws Exception {
    List<Integer> seen = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      int n = i;
      caller.queueCall(
          "k",
          () -> {
            if (n == 10) {
              throw new IllegalStateException("queued call failed on purpose");
            }
            seen.add(n);
          });
    }
    barrier();
    List<Integer> expected = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      if (i != 10) {
        expected.add(i);
      }
    }
    assertEquals(expected, seen);
    assertFalse(caller.queueGet("k").orElseThrow().isDone(), "the queue stays open");
  }

  @Test
  void queueGetReturnsTheQueuesPendingAndCurrentPendingInsideACall() throws Exception {
    assertTrue(caller.queueGet("k").isEmpty());
    AtomicReference<Pending<?>> inside = new AtomicReference<>();
    caller.queueCall("k", () -> inside.set(Caller.currentPending().orElseThrow()));
    barrier();
    Pending<Void> queue = caller.queueGet("k").orElseThrow();
    assertSame(queue, inside.get());
  }

  @Test
  void queueCloseCancelsTheQueueAndDropsCallsNotStarted() throws Exception {
    List<String> seen = new ArrayList<>();
    caller.queueCall("k", () -> seen.add("before"));
    barrier();
    Pending<Void> queue = caller.queueGet("k").orElseThrow();
    // Hold the serial queue so the next call is queued, not started, when the queue closes.
    java.util.concurrent.CountDownLatch hold = new java.util.concurrent.CountDownLatch(1);
    caller.callSoon(
        () -> {
          while (hold.getCount() > 0) {
            // busy: the serial queue must not block
          }
          return null;
        });
    caller.queueCall("k", () -> seen.add("dropped"));
    assertTrue(caller.queueClose("k"));
    hold.countDown();
    barrier();
    assertEquals(List.of("before"), seen);
    assertTrue(queue.isCancelled());
    assertTrue(caller.queueGet("k").isEmpty());
    assertFalse(caller.queueClose("k"));
    caller.queueCall("k", () -> seen.add("new queue"));
    barrier();
    assertEquals(List.of("before", "new queue"), seen);
  }

  @Test
  void stopClosesEveryQueue() {
    caller.queueCall("a", () -> {});
    caller.queueCall("b", () -> {});
    Pending<Void> a = caller.queueGet("a").orElseThrow();
    caller.stop();
    assertTrue(a.isCancelled());
    assertTrue(caller.queueGet("b").isEmpty());
  }
}
