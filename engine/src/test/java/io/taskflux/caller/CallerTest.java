package io.taskflux.caller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/** BEHAVIOUR.md §4.2: callSoon, callLater, callDirect, ordering, children, stop. */
class CallerTest {

  private final Caller caller = Caller.create(CallerOptions.named("test").maxThreads(4));

  @AfterEach
  void stop() {
    caller.stop();
  }

  @Test
  void callSoonRunsTheCallAndCurrentPendingIsItsOwnPending() {
    AtomicReference<Optional<Pending<?>>> inside = new AtomicReference<>();
    Pending<String> p =
        caller.callSoon(
            () -> {
              inside.set(Caller.currentPending());
              return "done";
            });
    StepVerifier.create(p.asMono()).expectNext("done").verifyComplete();
    assertSame(p, inside.get().orElseThrow());
    assertTrue(Caller.currentPending().isEmpty(), "outside a call there is none");
  }

  @Test
  void aCallsExceptionFailsItsPendingWithTheSameInstance() {
    IllegalStateException boom = new IllegalStateException("boom");
    Pending<String> p =
        caller.callSoon(
            () -> {
              throw boom;
            });
    StepVerifier.create(p.asMono())
        .expectErrorMatches(e -> e == boom)
        .verify(Duration.ofSeconds(5));
  }

  @Test
  void callSoonWorksOnANonBlockingThreadAndBlockingThereIsCaught() {
    // BlockHound is on: the caller's serial queue runs on Reactor's parallel threads.
    Pending<Integer> p =
        caller.callSoon(
            () -> {
              Thread.sleep(1);
              return 1;
            });
    StepVerifier.create(p.asMono())
        .expectErrorSatisfies(
            e -> assertTrue(e.getMessage().contains("Thread.sleep"), e.toString()))
        .verify(Duration.ofSeconds(5));
  }

  @Test
  void callLaterWaitsTheDelayCountedFromTheCall() {
    VirtualTimeScheduler vts = VirtualTimeScheduler.create();
    AtomicReference<Pending<Long>> ref = new AtomicReference<>();
    StepVerifier.withVirtualTime(
            () -> {
              ref.set(
                  caller.callLater(
                      Duration.ofSeconds(5), () -> vts.now(TimeUnit.MILLISECONDS), vts));
              return ref.get().asMono();
            },
            () -> vts,
            1)
        .expectSubscription()
        .thenAwait(Duration.ofMillis(4_999))
        .then(() -> assertFalse(ref.get().isDone()))
        .thenAwait(Duration.ofMillis(1))
        .assertNext(at -> assertTrue(at >= 5_000, "ran at " + at))
        .expectComplete()
        .verify(Duration.ofSeconds(5));
  }

  @Test
  void callLaterIsCancelledWhenTheCallerStopsFirst() {
    VirtualTimeScheduler vts = VirtualTimeScheduler.create();
    Pending<String> p = caller.callLater(Duration.ofSeconds(5), () -> "never", vts);
    caller.stop();
    assertTrue(p.isDone());
    assertEquals(
        CallTask.STOPPED, assertThrows(PendingCancelledException.class, p::resultNow).getMessage());
    vts.advanceTimeBy(Duration.ofSeconds(10));
    assertTrue(p.isCancelled());
  }

  @Test
  void cancellingACallLaterBeforeItFiresMeansItNeverRuns() throws Exception {
    VirtualTimeScheduler vts = VirtualTimeScheduler.create();
    List<String> ran = new ArrayList<>();
    Pending<String> p =
        caller.callLater(
            Duration.ofSeconds(5),
            () -> {
              ran.add("ran");
              return "x";
            },
            vts);
    assertTrue(p.cancel("not needed"));
    assertTrue(p.isDone(), "a call not started settles at once");
    vts.advanceTimeBy(Duration.ofSeconds(10));
    caller.callSoon(() -> "barrier").join(Duration.ofSeconds(5));
    assertTrue(ran.isEmpty());
  }

  @Test
  void aStoppedCallerCancelsNewCallsAtOnce() {
    caller.stop();
    assertTrue(caller.isStopped());
    for (Pending<?> p :
        List.of(
            caller.callSoon(() -> 1),
            caller.toThread(() -> 1),
            caller.callLater(Duration.ofSeconds(1), () -> 1))) {
      assertTrue(p.isDone());
      assertEquals(
          "The caller has been stopped",
          assertThrows(PendingCancelledException.class, p::resultNow).getMessage());
    }
  }

  @Test
  void stopCancelsQueuedAndRunningWork() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Pending<String> running =
        caller.toThread(
            () -> {
              started.countDown();
              release.await(); // interrupted by stop()
              return "not reached";
            });
    assertTrue(started.await(5, TimeUnit.SECONDS));
    CountDownLatch blockSerial = new CountDownLatch(1);
    Pending<String> first = caller.callSoon(() -> blockWhile(blockSerial));
    Pending<String> queued = caller.callSoon(() -> "never");
    caller.stop();
    blockSerial.countDown();
    StepVerifier.create(running.asMono())
        .expectError(PendingCancelledException.class)
        .verify(Duration.ofSeconds(5));
    StepVerifier.create(queued.asMono())
        .expectError(PendingCancelledException.class)
        .verify(Duration.ofSeconds(5));
    StepVerifier.create(first.whenDone()).expectNextCount(1).verifyComplete();
    assertTrue(first.isCancelled(), "the running call ends cancelled: " + first);
  }

  /** A busy wait that BlockHound accepts (the serial queue must not block; onSpinWait counts). */
  private static String blockWhile(CountDownLatch latch) {
    long spins = 0;
    while (latch.getCount() > 0) {
      spins++;
    }
    return "spun " + spins;
  }

  @Test
  void callDirectQueueCallAndCallSoonRunInSubmissionOrder() throws Exception {
    List<String> order = new ArrayList<>(); // only touched on the serial queue
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      String d = "d" + i;
      String q = "q" + i;
      String s = "s" + i;
      caller.callDirect(() -> order.add(d));
      caller.queueCall("key", () -> order.add(q));
      caller.callSoon(() -> order.add(s));
      expected.add(d);
      expected.add(q);
      expected.add(s);
    }
    caller.callSoon(() -> null).join(Duration.ofSeconds(10));
    assertEquals(expected, caller.callSoon(() -> List.copyOf(order)).join(Duration.ofSeconds(5)));
  }

  @Test
  void aChildIsReusedByNameAndStoppedWithItsParent() {
    Caller child = caller.child("kid");
    assertSame(child, caller.child("kid"));
    assertEquals("test/kid", child.name());
    assertEquals(List.of(child), List.copyOf(caller.children()));
    Pending<String> later = child.callLater(Duration.ofHours(1), () -> "x");
    caller.stop();
    assertTrue(child.isStopped());
    assertTrue(later.isCancelled());
    assertTrue(child.callSoon(() -> 1).isCancelled());
  }

  @Test
  void stoppingAChildLeavesTheParentRunning() {
    Caller child = caller.child("kid");
    child.stop();
    assertFalse(caller.isStopped());
    StepVerifier.create(caller.toThread(() -> 2).asMono()).expectNext(2).verifyComplete();
  }

  @Test
  void optionsRejectBadArgumentsNamingTheParameter() {
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> CallerOptions.named("x").maxThreads(0))
            .getMessage()
            .contains("maxThreads"));
    assertTrue(
        assertThrows(
                IllegalArgumentException.class, () -> CallerOptions.named("x").queueCapacity(-1))
            .getMessage()
            .contains("queueCapacity"));
    assertInstanceOf(
        NullPointerException.class,
        assertThrows(NullPointerException.class, () -> caller.callSoon(null)));
  }
}
