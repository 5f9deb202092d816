package io.taskflux.caller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/** BEHAVIOUR.md §4.2 wait: never fails on timeout, cancels nothing. */
class WaitTest {

  private final Caller caller = Caller.create("wait");
  private final VirtualTimeScheduler vts = VirtualTimeScheduler.create();
  private final Pending<String> a = Pending.create();
  private final Pending<String> b = Pending.create();
  private final Pending<String> c = Pending.create();

  @AfterEach
  void stop() {
    caller.stop();
  }

  @Test
  void firstCompletedReturnsAtTheFirstDoneItem() {
    StepVerifier.create(caller.wait(List.of(a, b, c), ReturnWhen.FIRST_COMPLETED))
        .expectSubscription()
        .then(() -> b.complete("b"))
        .assertNext(
            r -> {
              assertEquals(Set.of(b), r.done());
              assertEquals(List.of(a, c), List.copyOf(r.notDone()));
            })
        .verifyComplete();
  }

  @Test
  void anItemAlreadyDoneCountsAtOnce() {
    a.complete("a");
    StepVerifier.create(caller.wait(List.of(a, b), ReturnWhen.FIRST_COMPLETED))
        .assertNext(r -> assertEquals(Set.of(a), r.done()))
        .verifyComplete();
    Pending<String> failed = Pending.failed(new IllegalStateException("x"));
    StepVerifier.create(caller.wait(List.of(b, failed), ReturnWhen.FIRST_EXCEPTION))
        .assertNext(r -> assertEquals(Set.of(failed), r.done()))
        .verifyComplete();
  }

  @Test
  void firstExceptionIgnoresSuccessesAndCountsCancellation() {
    StepVerifier.create(caller.wait(List.of(a, b, c), ReturnWhen.FIRST_EXCEPTION))
        .expectSubscription()
        .then(() -> a.complete("fine"))
        .expectNoEvent(Duration.ofMillis(20))
        .then(() -> c.cancel("cancelled counts as an exception"))
        .assertNext(
            r -> {
              assertEquals(Set.of(a, c), r.done());
              assertEquals(Set.of(b), r.notDone());
            })
        .verifyComplete();
  }

  @Test
  void firstExceptionReturnsWhenAllSucceeded() {
    StepVerifier.create(caller.wait(List.of(a, b), ReturnWhen.FIRST_EXCEPTION))
        .then(() -> a.complete("1"))
        .then(() -> b.complete("2"))
        .assertNext(r -> assertEquals(Set.of(a, b), r.done()))
        .verifyComplete();
  }

  @Test
  void allCompletedWaitsForEveryItem() {
    StepVerifier.create(caller.wait(List.of(a, b), ReturnWhen.ALL_COMPLETED))
        .then(() -> a.fail(new IllegalStateException("fails but does not end the wait")))
        .expectNoEvent(Duration.ofMillis(20))
        .then(() -> b.complete("b"))
        .assertNext(
            r -> {
              assertEquals(Set.of(a, b), r.done());
              assertEquals(Set.of(), r.notDone());
            })
        .verifyComplete();
  }

  @Test
  void aTimeoutReturnsTheNotDoneItemsWithoutFailingOrCancelling() {
    StepVerifier.withVirtualTime(
            () -> caller.wait(List.of(a, b), Duration.ofSeconds(10), ReturnWhen.ALL_COMPLETED, vts),
            () -> vts,
            1)
        .expectSubscription()
        .then(() -> a.complete("a"))
        .expectNoEvent(Duration.ofSeconds(9))
        .thenAwait(Duration.ofSeconds(1))
        .assertNext(
            r -> {
              assertEquals(Set.of(a), r.done());
              assertEquals(Set.of(b), r.notDone());
            })
        .verifyComplete();
    assertFalse(b.isDone(), "wait cancels nothing");
  }

  @Test
  void anEmptyWaitReturnsAtOnce() {
    StepVerifier.create(caller.<String>wait(List.of(), ReturnWhen.ALL_COMPLETED))
        .assertNext(r -> assertEquals(Set.of(), r.done()))
        .verifyComplete();
  }
}
