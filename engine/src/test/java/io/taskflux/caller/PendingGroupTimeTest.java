package io.taskflux.caller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/** PendingGroup deadlines and the cancellation timeout, in virtual time. */
class PendingGroupTimeTest {

  private static final Duration WAIT = Duration.ofSeconds(5);
  private final Caller caller = Caller.create(CallerOptions.named("timed").maxThreads(2));
  private final VirtualTimeScheduler vts = VirtualTimeScheduler.create();

  @AfterEach
  void stop() {
    caller.stop();
    vts.dispose();
  }

  @Test
  void theDefaultCancellationTimeoutIsTenSeconds() {
    assertEquals(Duration.ofSeconds(10), GroupOptions.defaults().cancellationTimeout());
  }

  @Test
  void aDeadlineCancelsTheGroupAndModeZeroExitsQuietly() {
    Pending<String> member = Pending.create();
    AtomicReference<PendingGroup> group = new AtomicReference<>();
    StepVerifier.withVirtualTime(
            () ->
                caller.inGroup(
                    GroupOptions.defaults().deadline(Duration.ofSeconds(30)).timer(vts),
                    g -> {
                      group.set(g);
                      g.add(member);
                      return "v";
                    }),
            () -> vts,
            1)
        .expectSubscription()
        .expectNoEvent(Duration.ofSeconds(29))
        .then(() -> assertFalse(member.isDone()))
        .thenAwait(Duration.ofSeconds(1))
        .verifyComplete();
    assertTrue(group.get().isCancelled());
    assertTrue(member.isCancelled());
  }

  @Test
  void aDeadlineInCancelAndRaiseModeFails() {
    StepVerifier.withVirtualTime(
            () ->
                caller.inGroup(
                    GroupOptions.defaults()
                        .mode(GroupMode.CANCEL_AND_RAISE)
                        .deadline(Duration.ofSeconds(30))
                        .timer(vts),
                    g -> g.callLater(Duration.ofMinutes(5), () -> "too late", vts)),
            () -> vts,
            1)
        .expectSubscription()
        .thenAwait(Duration.ofSeconds(30))
        .expectErrorSatisfies(
            e -> {
              assertTrue(e instanceof PendingCancelledException, e.toString());
              assertTrue(e.getMessage().contains("deadline"), e.getMessage());
            })
        .verify(WAIT);
  }

  @Test
  void aGroupThatEndsBeforeItsDeadlineIsNotCancelled() {
    AtomicReference<PendingGroup> group = new AtomicReference<>();
    StepVerifier.withVirtualTime(
            () ->
                caller.inGroup(
                    GroupOptions.defaults().deadline(Duration.ofSeconds(30)).timer(vts),
                    g -> {
                      group.set(g);
                      g.callLater(Duration.ofSeconds(10), () -> 1, vts);
                      return "v";
                    }),
            () -> vts,
            1)
        .thenAwait(Duration.ofSeconds(10))
        .expectNext("v")
        .verifyComplete();
    vts.advanceTimeBy(Duration.ofSeconds(60));
    assertFalse(group.get().isCancelled());
  }

  @Test
  void theCancellationTimeoutBoundsTheWaitForAMemberThatDoesNotStop() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicReference<Pending<String>> stubborn = new AtomicReference<>();
    StepVerifier.withVirtualTime(
            () ->
                caller.inGroup(
                    GroupOptions.defaults().mode(GroupMode.CANCEL_AND_RAISE).timer(vts),
                    g -> {
                      stubborn.set(g.toThread(() -> ignoreInterrupts(started, release)));
                      started.await(5, TimeUnit.SECONDS);
                      g.cancel("give up");
                      return "v";
                    }),
            () -> vts,
            1)
        .expectSubscription()
        .expectNoEvent(Duration.ofMillis(9_999))
        .then(() -> assertFalse(stubborn.get().isDone(), "the member is still stopping"))
        .thenAwait(Duration.ofMillis(1))
        .expectErrorMessage("give up")
        .verify(WAIT);
    release.countDown();
    StepVerifier.create(stubborn.get().whenDone()).expectNextCount(1).verifyComplete();
    assertTrue(stubborn.get().isCancelled());
  }

  @Test
  void aCancelledGroupEndsAsSoonAsItsMembersStopWithinTheTimeout() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    StepVerifier.withVirtualTime(
            () ->
                caller.inGroup(
                    GroupOptions.defaults().mode(GroupMode.CANCEL_QUIETLY).timer(vts),
                    g -> {
                      g.toThread(
                          () -> {
                            started.countDown();
                            new CountDownLatch(1).await(); // interrupted by the cancel
                            return "never";
                          });
                      started.await(5, TimeUnit.SECONDS);
                      g.cancel("stop");
                      return "v";
                    }),
            () -> vts,
            1)
        .expectSubscription()
        .verifyComplete(); // no virtual time passes: the interrupted member stopped at once
  }

  /** Blocks until released, swallowing interrupts, as some blocking library code does. */
  private static String ignoreInterrupts(CountDownLatch started, CountDownLatch release) {
    started.countDown();
    boolean interrupted = false;
    while (true) {
      try {
        release.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    return "released";
  }
}
