package io.taskflux.caller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** BEHAVIOUR.md §4.3 and DESIGN.md decision 6: tracking, exit, failures, modes. */
class PendingGroupTest {

  private static final Duration WAIT = Duration.ofSeconds(5);
  private final Caller caller = Caller.create(CallerOptions.named("groups").maxThreads(4));

  @AfterEach
  void stop() {
    caller.stop();
  }

  private static GroupOptions mode(GroupMode mode) {
    return GroupOptions.defaults().mode(mode);
  }

  @Test
  void theGroupEndsOnlyWhenEveryMemberIsDoneIncludingOnesAddedWhileWaiting() {
    Pending<String> first = Pending.create();
    Pending<String> addedLater = Pending.create();
    AtomicReference<PendingGroup> group = new AtomicReference<>();
    StepVerifier.create(
            caller.inGroup(
                GroupOptions.defaults(),
                g -> {
                  group.set(g);
                  g.add(first);
                  return "value";
                }))
        .expectSubscription()
        .then(() -> group.get().add(addedLater))
        .then(() -> first.complete("1"))
        .expectNoEvent(Duration.ofMillis(30))
        .then(() -> assertEquals(List.of(addedLater), List.copyOf(group.get().members())))
        .then(() -> addedLater.complete("2"))
        .expectNext("value")
        .expectComplete()
        .verify(WAIT);
  }

  @Test
  void recursiveSpawnsKeepTheGroupOpen() {
    ConcurrentLinkedQueue<Integer> ran = new ConcurrentLinkedQueue<>();
    StepVerifier.create(
            caller.inGroup(
                GroupOptions.defaults(),
                g -> {
                  spawn(g, 5, ran);
                  return "done";
                }))
        .expectNext("done")
        .verifyComplete();
    assertEquals(List.of(5, 4, 3, 2, 1, 0), List.copyOf(ran));
  }

  private void spawn(PendingGroup g, int depth, ConcurrentLinkedQueue<Integer> ran) {
    g.toThread(
        () -> {
          ran.add(depth);
          if (depth > 0) {
            // A call made through the caller inside a member joins the member's group.
            caller.callSoon(
                () -> {
                  spawn(g, depth - 1, ran);
                  return null;
                });
          }
          return depth;
        });
  }

  @Test
  void callsMadeThroughTheCallerInTheBodyJoinTheGroup() {
    AtomicReference<Pending<String>> member = new AtomicReference<>();
    AtomicReference<PendingGroup> group = new AtomicReference<>();
    Pending<String> plain = Pending.create();
    Mono<String> run =
        caller.inGroup(
            GroupOptions.defaults(),
            g -> {
              group.set(g);
              member.set(caller.callLater(Duration.ofHours(1), () -> "x"));
              plain.metadata().put("created", "in the body"); // a plain pending is not tracked
              return "v";
            });
    StepVerifier.create(run)
        .expectSubscription()
        .then(() -> assertEquals(List.of(member.get()), List.copyOf(group.get().members())))
        .then(() -> member.get().cancel("enough"))
        .expectNext("v") // IGNORE_CANCELLED: the member's cancellation is ignored
        .verifyComplete();
    assertFalse(group.get().isCancelled());
    assertFalse(plain.isDone());
  }

  @Test
  void ignoreCancelledModeIgnoresAMembersCancellation() {
    Pending<String> a = Pending.create();
    Pending<String> b = Pending.create();
    AtomicReference<PendingGroup> group = new AtomicReference<>();
    StepVerifier.create(
            caller.inGroup(
                mode(GroupMode.IGNORE_CANCELLED),
                g -> {
                  group.set(g);
                  g.add(a);
                  g.add(b);
                  return "v";
                }))
        .then(() -> a.cancel("a"))
        .then(() -> assertFalse(b.isDone(), "siblings are not cancelled"))
        .then(() -> b.complete("b"))
        .expectNext("v")
        .verifyComplete();
    assertFalse(group.get().isCancelled());
  }

  @Test
  void cancelAndRaiseModeCancelsSiblingsAndFails() {
    Pending<String> a = Pending.create();
    Pending<String> b = Pending.create();
    AtomicReference<PendingGroup> group = new AtomicReference<>();
    StepVerifier.create(
            caller.inGroup(
                mode(GroupMode.CANCEL_AND_RAISE),
                g -> {
                  group.set(g);
                  g.add(a);
                  g.add(b);
                  return "v";
                }))
        .then(() -> a.cancel("a"))
        .expectError(PendingCancelledException.class)
        .verify(WAIT);
    assertTrue(group.get().isCancelled());
    assertTrue(b.isCancelled());
  }

  @Test
  void cancelQuietlyModeCancelsSiblingsAndCompletesEmpty() {
    Pending<String> a = Pending.create();
    Pending<String> b = Pending.create();
    AtomicReference<PendingGroup> group = new AtomicReference<>();
    StepVerifier.create(
            caller.inGroup(
                mode(GroupMode.CANCEL_QUIETLY),
                g -> {
                  group.set(g);
                  g.add(a);
                  g.add(b);
                  return "v";
                }))
        .then(() -> a.cancel("a"))
        .verifyComplete();
    assertTrue(group.get().isCancelled());
    assertTrue(b.isCancelled());
  }

  @Test
  void aMemberExceptionCancelsTheGroupAndFailsItInEveryMode() {
    for (GroupMode m : GroupMode.values()) {
      Pending<String> a = Pending.create();
      Pending<String> sibling = Pending.create();
      IllegalStateException boom = new IllegalStateException("boom " + m);
      StepVerifier.create(
              caller.inGroup(
                  mode(m),
                  g -> {
                    g.add(a);
                    g.add(sibling);
                    return "v";
                  }))
          .then(() -> a.fail(boom))
          .expectErrorSatisfies(
              e -> {
                assertInstanceOf(PendingGroupException.class, e, m.name());
                assertSame(boom, e.getCause());
                assertEquals(List.of(boom), ((PendingGroupException) e).errors());
              })
          .verify(WAIT);
      assertTrue(sibling.isCancelled(), m.name());
    }
  }

  @Test
  void allMemberErrorsAreKeptFirstAsCauseTheRestSuppressed() {
    FakeUncancellablePending<String> a = new FakeUncancellablePending<>();
    FakeUncancellablePending<String> b = new FakeUncancellablePending<>();
    IllegalStateException first = new IllegalStateException("first");
    IllegalArgumentException second = new IllegalArgumentException("second");
    StepVerifier.create(
            caller.inGroup(
                GroupOptions.defaults(),
                g -> {
                  g.add(a);
                  g.add(b);
                  return "v";
                }))
        .then(() -> a.fail(first))
        .then(() -> b.fail(second))
        .expectErrorSatisfies(
            e -> {
              assertSame(first, e.getCause());
              assertEquals(List.of(second), List.of(e.getSuppressed()));
              assertEquals(List.of(first, second), ((PendingGroupException) e).errors());
            })
        .verify(WAIT);
  }

  @Test
  void cancellingTheGroupInCancelAndRaiseModeRaisesAndCancelsMembers() {
    Pending<String> a = Pending.create();
    StepVerifier.create(
            caller.inGroup(
                mode(GroupMode.CANCEL_AND_RAISE),
                g -> {
                  g.add(a);
                  g.cancel("Stop");
                  return "v";
                }))
        .expectErrorMessage("Stop")
        .verify(WAIT);
    assertTrue(a.isCancelled());
  }

  @Test
  void aMemberAddedToACancelledGroupIsCancelledAtOnce() {
    PendingGroup g = caller.newGroup(GroupOptions.defaults()).enter();
    g.cancel("closed for business");
    Pending<Integer> late = g.callSoon(() -> 1);
    assertTrue(late.isCancelled());
    StepVerifier.create(g.exit()).verifyComplete();
  }

  @Test
  void anExceptionInTheBodyCancelsTheGroupAndIsRaised() {
    Pending<String> a = Pending.create();
    IllegalStateException boom = new IllegalStateException("body failed");
    StepVerifier.create(
            caller.inGroup(
                GroupOptions.defaults(),
                g -> {
                  g.add(a);
                  throw boom;
                }))
        .expectErrorMatches(e -> e == boom)
        .verify(WAIT);
    assertTrue(a.isCancelled());
  }

  @Test
  void reEntryFails() {
    PendingGroup g = caller.newGroup(GroupOptions.defaults().name("once"));
    Mono<String> run = g.run(x -> "v");
    StepVerifier.create(run).expectNext("v").verifyComplete();
    StepVerifier.create(run)
        .expectErrorSatisfies(
            e -> {
              assertInstanceOf(IllegalStateException.class, e);
              assertTrue(e.getMessage().contains("Re-entry of group 'once'"), e.getMessage());
            })
        .verify(WAIT);
    assertThrows(IllegalStateException.class, g::enter);
  }

  @Test
  void theExplicitFormWaitsForItsMembers() {
    PendingGroup g = caller.newGroup(GroupOptions.defaults()).enter();
    Pending<Integer> member = g.toThread(() -> 42);
    StepVerifier.create(g.exit()).verifyComplete();
    assertEquals(42, member.resultNow());
    assertThrows(
        IllegalStateException.class, () -> caller.newGroup(GroupOptions.defaults()).exit());
  }

  @Test
  void cancellingTheSubscriptionCancelsTheMembersUnlessShielded() {
    Pending<String> a = Pending.create();
    Disposable d = caller.inGroup(GroupOptions.defaults(), g -> g.add(a)).subscribe();
    d.dispose();
    assertTrue(a.isCancelled());

    Pending<String> shielded = Pending.create();
    AtomicReference<PendingGroup> group = new AtomicReference<>();
    caller
        .inGroup(
            GroupOptions.defaults().shield(true),
            g -> {
              group.set(g);
              return g.add(shielded);
            })
        .subscribe()
        .dispose();
    assertFalse(shielded.isDone());
    assertFalse(group.get().isCancelled());
    shielded.complete("still runs");
  }

  @Test
  void aMemberOfANestedGroupIsAMemberOfTheOuterGroup() {
    AtomicReference<PendingGroup> outer = new AtomicReference<>();
    AtomicReference<Pending<String>> innerMember = new AtomicReference<>();
    Pending<String> gate = Pending.create();
    StepVerifier.create(
            caller.inGroup(
                GroupOptions.defaults().name("outer"),
                o -> {
                  outer.set(o);
                  Pending.from(
                      caller.inGroup(
                          GroupOptions.defaults().name("inner"),
                          i -> innerMember.getAndSet(i.add(gate))));
                  return "outer done";
                }))
        .expectSubscription()
        .then(() -> assertTrue(outer.get().members().contains(gate)))
        .expectNoEvent(Duration.ofMillis(20))
        .then(() -> gate.complete("go"))
        .expectNext("outer done")
        .verifyComplete();
  }

  @Test
  void aNestedMembersFailureFailsTheOuterGroupToo() {
    IllegalStateException boom = new IllegalStateException("inner member failed");
    StepVerifier.create(
            caller.inGroup(
                GroupOptions.defaults().name("outer"),
                o -> {
                  Pending.from(
                      caller.inGroup(
                          GroupOptions.defaults().name("inner"),
                          i ->
                              i.toThread(
                                  () -> {
                                    throw boom;
                                  })));
                  return "never";
                }))
        .expectErrorSatisfies(e -> assertSame(boom, e.getCause()))
        .verify(WAIT);
  }

  @Test
  void aShieldedGroupInsideACancelledGroupStillCompletesItsMembers() {
    AtomicReference<Pending<Object>> inner = new AtomicReference<>();
    AtomicReference<PendingGroup> innerGroup = new AtomicReference<>();
    AtomicReference<Pending<Integer>> innerMember = new AtomicReference<>();
    StepVerifier.create(
            caller.inGroup(
                GroupOptions.defaults(),
                o -> {
                  o.cancel("outer cancelled");
                  inner.set(
                      Pending.from(
                          caller.inGroup(
                              GroupOptions.defaults().shield(true),
                              i -> {
                                innerGroup.set(i);
                                innerMember.set(i.callSoon(() -> 1));
                                return "inner";
                              })));
                  return "outer";
                }))
        .verifyComplete(); // IGNORE_CANCELLED: the cancelled outer group exits quietly
    StepVerifier.create(inner.get().asMono()).expectNext("inner").verifyComplete();
    assertEquals(1, innerMember.get().resultNow());
    assertFalse(innerGroup.get().isCancelled());
  }

  @Test
  void anUnshieldedNestedGroupIsCancelledWithItsParent() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    AtomicReference<PendingGroup> outer = new AtomicReference<>();
    AtomicReference<PendingGroup> innerGroup = new AtomicReference<>();
    AtomicReference<Pending<String>> innerResult = new AtomicReference<>();
    Pending<String> member = Pending.create();
    Disposable run =
        caller
            .inGroup(
                GroupOptions.defaults(),
                o -> {
                  outer.set(o);
                  innerResult.set(
                      Pending.from(
                          caller.inGroup(
                              mode(GroupMode.CANCEL_AND_RAISE),
                              i -> {
                                innerGroup.set(i);
                                i.add(member);
                                return "inner";
                              })));
                  entered.countDown();
                  return "x";
                })
            .subscribe();
    entered.await();
    outer.get().cancel("outer stop");
    assertTrue(innerGroup.get().isCancelled());
    assertTrue(member.isCancelled());
    StepVerifier.create(innerResult.get().asMono()).expectErrorMessage("outer stop").verify(WAIT);
    run.dispose();
  }
}
