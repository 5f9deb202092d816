package io.taskflux.caller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/** BEHAVIOUR.md §4.1: completing, cancelling, callbacks, waiting. */
class PendingTest {

  @Test
  void theFirstOutcomeWinsAndLaterOnesChangeNothing() {
    Pending<String> p = Pending.create();
    assertFalse(p.isDone());
    assertTrue(p.complete("a"));
    assertFalse(p.complete("b"));
    assertFalse(p.fail(new IllegalStateException("late")));
    assertFalse(p.cancel("late"));
    assertTrue(p.isDone());
    assertFalse(p.isCancelled());
    assertEquals("a", p.resultNow());
    assertNull(p.exceptionNow());
  }

  @Test
  void resultNowRethrowsTheSameUncheckedInstanceAndWrapsACheckedOne() {
    IllegalStateException boom = new IllegalStateException("boom");
    Pending<String> failed = Pending.failed(boom);
    assertSame(boom, assertThrows(IllegalStateException.class, failed::resultNow));
    assertSame(boom, failed.exceptionNow());

    IOException io = new IOException("io");
    Pending<String> checked = Pending.failed(io);
    assertSame(io, assertThrows(CompletionException.class, checked::resultNow).getCause());
  }

  @Test
  void resultNowOfAPendingNotDoneFails() {
    Pending<String> p = Pending.create();
    assertThrows(IllegalStateException.class, p::resultNow);
    assertThrows(IllegalStateException.class, p::exceptionNow);
  }

  @Test
  void cancelWithoutACancellerCompletesAtOnceAndResultRaisesCancelled() {
    Pending<String> p = Pending.create();
    assertTrue(p.cancel("stop"));
    assertTrue(p.isDone());
    assertTrue(p.isCancelled());
    assertEquals("stop", assertThrows(PendingCancelledException.class, p::resultNow).getMessage());
    assertThrows(PendingCancelledException.class, p::exceptionNow);
    assertFalse(p.cancel("again"), "cancel after done changes nothing");
  }

  @Test
  void cancelWithACancellerJoinsMessagesAndIsDoneWhenTheWorkStops() {
    Sinks.One<String> work = Sinks.one();
    AtomicInteger cancelledSubscriptions = new AtomicInteger();
    Mono<String> source = work.asMono().doOnCancel(cancelledSubscriptions::incrementAndGet);
    List<String> stops = new ArrayList<>();
    DefaultPending<String> p =
        new DefaultPending<>(
            pending -> stops.add("asked")); // the work acknowledges later, via settle()
    assertTrue(p.cancel("first"));
    assertTrue(p.isCancelled());
    assertFalse(p.isDone(), "done only when the work has stopped");
    assertTrue(p.cancel("second"));
    assertFalse(p.complete("too late"), "the outcome is already a cancellation");
    assertTrue(p.isDone());
    assertEquals(
        "first\nsecond", assertThrows(PendingCancelledException.class, p::resultNow).getMessage());
    assertEquals(List.of("asked"), stops, "the canceller is asked once");

    Pending<String> fromMono = Pending.from(source);
    fromMono.cancel("x");
    assertTrue(fromMono.isDone());
    assertEquals(1, cancelledSubscriptions.get(), "cancelling cancels the subscription");
  }

  @Test
  void fromAPublisherIsHotAndItsCancelRunsTheGivenCancelOnce() {
    Sinks.One<String> task = Sinks.one();
    List<String> revoked = new ArrayList<>();
    Pending<String> p = Pending.from(task.asMono(), () -> revoked.add("revoke"));
    assertEquals(1, task.currentSubscriberCount(), "subscribed at once");
    assertTrue(p.cancel("stop the task"));
    assertFalse(p.cancel("again"));
    assertEquals(List.of("revoke"), revoked);
    assertEquals(0, task.currentSubscriberCount());

    Pending<String> done = Pending.from(Mono.just("v"), () -> revoked.add("never"));
    assertEquals("v", done.resultNow());
    assertFalse(done.cancel("too late"));
    assertEquals(List.of("revoke"), revoked);
    assertTrue(Pending.from(Mono.empty()).isDone());
  }

  @Test
  void callbacksRunFifoOnceAndALateOneRunsAtOnce() {
    Pending<Integer> p = Pending.create();
    List<String> order = new ArrayList<>();
    p.onDone(x -> order.add("1"));
    p.onDone(x -> order.add("2"));
    p.onDone(x -> order.add("3"));
    assertTrue(order.isEmpty());
    p.complete(7);
    p.complete(8);
    assertEquals(List.of("1", "2", "3"), order);
    p.onDone(x -> order.add("late:" + x.resultNow()));
    assertEquals(List.of("1", "2", "3", "late:7"), order);
  }

  @Test
  void aThrowingCallbackIsLoggedAndTheOthersStillRun() {
    // System.Logger goes to java.util.logging here (no other provider on the test class path).
    java.util.logging.Logger jul = java.util.logging.Logger.getLogger("io.taskflux.caller");
    List<java.util.logging.LogRecord> records = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.logging.Handler handler =
        new java.util.logging.Handler() {
          @Override
          public void publish(java.util.logging.LogRecord r) {
            records.add(r);
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    jul.addHandler(handler);
    try {
      Pending<Integer> p = Pending.create();
      List<String> order = new ArrayList<>();
      IllegalStateException thrown = new IllegalStateException("callback failed on purpose");
      p.onDone(x -> order.add("a"));
      p.onDone(
          x -> {
            throw thrown;
          });
      p.onDone(x -> order.add("c"));
      assertTrue(p.complete(1));
      assertEquals(List.of("a", "c"), order);
      assertEquals(1, records.size());
      assertSame(thrown, records.get(0).getThrown());
      assertEquals(java.util.logging.Level.WARNING, records.get(0).getLevel());
    } finally {
      jul.removeHandler(handler);
    }
  }

  @Test
  void whenDoneEmitsThePendingWhateverTheOutcome() {
    Pending<String> failed = Pending.failed(new IllegalStateException("x"));
    StepVerifier.create(failed.whenDone()).expectNext(failed).verifyComplete();
    Pending<String> cancelled = Pending.create();
    StepVerifier.create(cancelled.whenDone())
        .then(() -> cancelled.cancel("c"))
        .expectNext(cancelled)
        .verifyComplete();
  }

  @Test
  void anErrorThrownByACallbackIsRethrownAfterAllCallbacksRan() {
    Pending<Integer> p = Pending.create();
    List<String> order = new ArrayList<>();
    p.onDone(
        x -> {
          throw new AssertionError("fatal on purpose");
        });
    p.onDone(x -> order.add("after"));
    assertThrows(AssertionError.class, () -> p.complete(1));
    assertEquals(List.of("after"), order);
    assertTrue(p.isDone());
  }

  @Test
  void removeDoneCallbackReturnsHowManyWereRemoved() {
    Pending<Integer> p = Pending.create();
    List<String> order = new ArrayList<>();
    Consumer<Pending<Integer>> cb = x -> order.add("removed");
    p.onDone(cb);
    p.onDone(x -> order.add("kept"));
    p.onDone(cb);
    assertEquals(2, p.removeDoneCallback(cb));
    assertEquals(0, p.removeDoneCallback(cb));
    p.complete(1);
    assertEquals(List.of("kept"), order);
  }

  @Test
  void asMonoGivesEverySubscriberTheSameOutcome() {
    Pending<String> p = Pending.create();
    Mono<String> mono = p.asMono();
    p.complete("v");
    StepVerifier.create(mono).expectNext("v").verifyComplete();
    StepVerifier.create(mono).expectNext("v").verifyComplete();

    Pending<String> cancelled = Pending.create();
    cancelled.cancel("gone");
    Throwable[] seen = new Throwable[2];
    StepVerifier.create(cancelled.asMono())
        .expectErrorSatisfies(e -> seen[0] = e)
        .verify(Duration.ofSeconds(5));
    StepVerifier.create(cancelled.asMono())
        .expectErrorSatisfies(e -> seen[1] = e)
        .verify(Duration.ofSeconds(5));
    assertInstanceOf(PendingCancelledException.class, seen[0]);
    assertSame(seen[0], seen[1]);
    assertEquals("gone", seen[0].getMessage());
  }

  @Test
  void aNullValueIsAnEmptyMono() {
    StepVerifier.create(Pending.completed(null).asMono()).verifyComplete();
  }

  @Test
  void cancellingASubscriberDoesNotCancelThePendingUnlessAsked() {
    Pending<String> p = Pending.create();
    Disposable d = p.asMono().subscribe();
    d.dispose();
    assertFalse(p.isDone());
    p.complete("still fine");
    assertEquals("still fine", p.resultNow());

    Pending<String> asked = Pending.create();
    asked.asMono(true).subscribe().dispose();
    assertTrue(asked.isCancelled());
  }

  @Test
  void awaitTimesOutWithTimeoutExceptionAndCancelsThePending() {
    VirtualTimeScheduler vts = VirtualTimeScheduler.create();
    Pending<String> p = Pending.create();
    StepVerifier.withVirtualTime(() -> p.await(Duration.ofSeconds(3), vts), () -> vts, 1)
        .expectSubscription()
        .expectNoEvent(Duration.ofSeconds(2))
        .then(() -> assertFalse(p.isDone()))
        .thenAwait(Duration.ofSeconds(1))
        .expectError(TimeoutException.class)
        .verify(Duration.ofSeconds(5));
    assertTrue(p.isCancelled());
  }

  @Test
  void awaitWithZeroLooksOnce() {
    StepVerifier.create(Pending.completed("v").await(Duration.ZERO))
        .expectNext("v")
        .verifyComplete();
    Pending<String> open = Pending.create();
    StepVerifier.create(open.await(Duration.ZERO))
        .expectError(TimeoutException.class)
        .verify(Duration.ofSeconds(5));
    assertTrue(open.isCancelled());
  }

  @Test
  void aProtectedWaitTimesOutWithoutCancelling() {
    VirtualTimeScheduler vts = VirtualTimeScheduler.create();
    Pending<String> p = Pending.create();
    StepVerifier.withVirtualTime(() -> p.asMono().timeout(Duration.ofSeconds(3), vts), () -> vts, 1)
        .thenAwait(Duration.ofSeconds(3))
        .expectError(TimeoutException.class)
        .verify(Duration.ofSeconds(5));
    assertFalse(p.isDone());
  }

  @Test
  void awaitDeliversTheValueInTimeAndAnOutsideCancelCancelsThePending() {
    Pending<String> p = Pending.create();
    p.complete("ok");
    StepVerifier.create(p.await(Duration.ofSeconds(1))).expectNext("ok").verifyComplete();

    Pending<String> waited = Pending.create();
    StepVerifier.create(waited.await(Duration.ofSeconds(30)))
        .expectSubscription()
        .thenCancel()
        .verify(Duration.ofSeconds(5));
    assertTrue(waited.isCancelled());
  }

  @Test
  void toFutureCarriesTheOutcomeAndCancellingItCancelsThePending() throws Exception {
    Pending<String> p = Pending.create();
    CompletableFuture<String> f = p.toFuture();
    p.complete("v");
    assertEquals("v", f.get());

    Pending<String> c = Pending.create();
    CompletableFuture<String> cf = c.toFuture();
    c.cancel("no");
    assertInstanceOf(
        PendingCancelledException.class,
        assertThrows(ExecutionException.class, cf::get).getCause());

    Pending<String> other = Pending.create();
    other.toFuture().cancel(true);
    assertTrue(other.isCancelled());
  }

  @Test
  void joinBlocksUntilDoneAndTimesOutWithoutCancelling() throws Exception {
    Pending<String> p = Pending.create();
    TimeoutException timeout =
        assertThrows(TimeoutException.class, () -> p.join(Duration.ofMillis(20)));
    assertTrue(timeout.getMessage().startsWith("Timeout waiting for"), timeout.getMessage());
    assertFalse(p.isDone());
    Thread completer = new Thread(() -> p.complete("later"));
    completer.start();
    assertEquals("later", p.join(Duration.ofSeconds(5)));
  }

  @Test
  void metadataIsAMutableMap() {
    Pending<String> p = Pending.create();
    p.metadata().put("name", "job-1");
    assertEquals("job-1", p.metadata().get("name"));
    assertTrue(p.toString().contains("job-1"));
  }
}
