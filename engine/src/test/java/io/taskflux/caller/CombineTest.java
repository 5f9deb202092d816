package io.taskflux.caller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

/** BEHAVIOUR.md §5: Dispatch's all / any / race, over pendings and any other handle. */
class CombineTest {

  private static final Duration WAIT = Duration.ofSeconds(5);
  private final Pending<String> a = Pending.create();
  private final Pending<String> b = Pending.create();
  private final Pending<String> c = Pending.create();

  @Test
  void allKeepsDeclarationOrderNotArrivalOrder() {
    Pending<List<String>> all = Pending.all(a, b, c);
    c.complete("c");
    a.complete("a");
    assertFalse(all.isDone(), "partial results are not a result");
    b.complete(null);
    assertEquals(Arrays.asList("a", null, "c"), all.resultNow());
  }

  @Test
  void allFailsFastWithTheFirstErrorAndCancelsTheRest() {
    Pending<List<String>> all = Pending.all(a, b, c);
    a.complete("a");
    IllegalStateException first = new IllegalStateException("first");
    b.fail(first);
    assertSame(first, all.exceptionNow());
    assertTrue(c.isCancelled(), "the outstanding input is cancelled");
    assertFalse(a.isCancelled());
  }

  @Test
  void aCancelledInputFailsAll() {
    Pending<List<String>> all = Pending.all(a, b);
    a.cancel("gone");
    assertInstanceOf(PendingCancelledException.class, all.exceptionNow());
    assertTrue(b.isCancelled());
  }

  @Test
  void anyGivesTheFirstSuccessAndIgnoresEarlierErrors() {
    Pending<String> any = Pending.any(a, b, c);
    a.fail(new IllegalStateException("a"));
    assertFalse(any.isDone());
    c.complete("c");
    assertEquals("c", any.resultNow());
    assertTrue(b.isCancelled());
  }

  @Test
  void anyWithOneInputFailingGivesThatError() {
    IllegalStateException only = new IllegalStateException("only");
    Pending<String> any = Pending.any(List.of(a));
    a.fail(only);
    assertSame(only, any.exceptionNow());
  }

  @Test
  void anyWithAllFailingGivesAnAggregateInDeclarationOrder() {
    Pending<String> any = Pending.any(a, b, c);
    Exception ec = new IllegalStateException("c");
    Exception ea = new IllegalArgumentException("a");
    Exception eb = new UnsupportedOperationException("b");
    c.fail(ec);
    a.fail(ea);
    b.fail(eb);
    AllFailedException e = assertInstanceOf(AllFailedException.class, any.exceptionNow());
    assertEquals("3 tasks failed", e.getMessage());
    assertEquals(List.of(ea, eb, ec), e.errors());
    assertEquals(List.of(ea, eb, ec), List.of(e.getSuppressed()));
  }

  @Test
  void raceGivesTheFirstCompletionValueOrError() {
    Pending<String> race = Pending.race(a, b);
    IllegalStateException first = new IllegalStateException("first");
    b.fail(first);
    assertFalse(a.complete("late"), "the loser was cancelled when the race was decided");
    assertSame(first, race.exceptionNow());
    assertTrue(a.isCancelled());

    Pending<String> x = Pending.create();
    Pending<String> y = Pending.create();
    Pending<String> valueRace = Pending.race(x, y);
    x.complete("x");
    assertEquals("x", valueRace.resultNow());
    assertTrue(y.isCancelled());
  }

  @Test
  void emptyInputsGiveAnEmptyListAndNothing() {
    assertEquals(List.of(), Pending.<String>all(List.of()).resultNow());
    assertNull(Pending.<String>any(List.of()).resultNow());
    assertNull(Pending.<String>race(List.of()).resultNow());
    StepVerifier.create(Combine.<String>all(List.<Mono<String>>of()))
        .expectNext(List.of())
        .verifyComplete();
    StepVerifier.create(Combine.<String>any(List.<Mono<String>>of())).verifyComplete();
    StepVerifier.create(Combine.<String>race(List.<Mono<String>>of())).verifyComplete();
  }

  @Test
  void cancellingTheCombinedPendingCancelsEveryInput() {
    Pending<List<String>> all = Pending.all(a, b);
    all.cancel("not needed");
    assertTrue(all.isCancelled());
    assertTrue(a.isCancelled());
    assertTrue(b.isCancelled());
  }

  @Test
  void overPublishersALoserIsCancelledByUnsubscribing() {
    Sinks.One<String> slow = Sinks.one();
    AtomicInteger cancelled = new AtomicInteger();
    Mono<String> loser = slow.asMono().doOnCancel(cancelled::incrementAndGet);
    StepVerifier.create(Combine.race(List.of(loser, Mono.just("fast"))))
        .expectNext("fast")
        .verifyComplete();
    assertEquals(1, cancelled.get());
    StepVerifier.create(Combine.all(List.of(Mono.just(1), Mono.<Integer>empty(), Mono.just(3))))
        .expectNext(Arrays.asList(1, null, 3))
        .verifyComplete();
  }

  /** A handle that exposes a Mono result and a cancel of its own, as a TaskHandle will. */
  private static final class FakeHandle {
    final Sinks.One<String> result = Sinks.one();
    final List<String> revoked = new ArrayList<>();

    Mono<String> result() {
      return result.asMono();
    }

    void revoke(String why) {
      revoked.add(why);
    }
  }

  @Test
  void anyHandleTypeUsesTheSameRulesAndItsOwnCancel() {
    FakeHandle h1 = new FakeHandle();
    FakeHandle h2 = new FakeHandle();
    FakeHandle h3 = new FakeHandle();
    List<FakeHandle> handles = List.of(h1, h2, h3);
    StepVerifier.create(Combine.any(handles, FakeHandle::result, FakeHandle::revoke))
        .then(() -> h1.result.tryEmitError(new IllegalStateException("h1")))
        .then(() -> h2.result.tryEmitValue("h2"))
        .expectNext("h2")
        .verifyComplete();
    assertEquals(List.of(), h1.revoked, "a finished source is not a loser");
    assertEquals(List.of(), h2.revoked);
    assertEquals(1, h3.revoked.size());

    FakeHandle g1 = new FakeHandle();
    FakeHandle g2 = new FakeHandle();
    StepVerifier.create(Combine.all(List.of(g1, g2), FakeHandle::result, FakeHandle::revoke))
        .then(() -> g2.result.tryEmitError(new IllegalStateException("g2")))
        .expectErrorMessage("g2")
        .verify(WAIT);
    assertEquals(1, g1.revoked.size());
  }

  @Test
  void cancellingTheMonoSubscriptionDoesNotCancelTheSources() {
    FakeHandle h = new FakeHandle();
    StepVerifier.create(Combine.race(List.of(h), FakeHandle::result, FakeHandle::revoke))
        .expectSubscription()
        .thenCancel()
        .verify(WAIT);
    assertEquals(List.of(), h.revoked);
  }
}
