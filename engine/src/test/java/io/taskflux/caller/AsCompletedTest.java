package io.taskflux.caller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

/** BEHAVIOUR.md §4.2 as_completed. */
class AsCompletedTest {

  private final Caller caller = Caller.create(CallerOptions.named("ac").maxThreads(8));

  @AfterEach
  void stop() {
    caller.stop();
  }

  @Test
  void itemsComeInCompletionOrderAndFailuresDoNotStopTheIteration() {
    Pending<String> a = Pending.create();
    Pending<String> b = Pending.create();
    Pending<String> c = Pending.create();
    StepVerifier.create(caller.asCompleted(List.of(a, b, c)))
        .then(() -> c.complete("c"))
        .expectNext(c)
        .then(() -> a.fail(new IllegalStateException("a failed")))
        .expectNext(a)
        .then(() -> b.cancel("b cancelled"))
        .expectNext(b)
        .verifyComplete();
  }

  @Test
  void anEmptyInputEndsAtOnce() {
    StepVerifier.create(caller.<String>asCompleted(List.of())).verifyComplete();
    StepVerifier.create(caller.<String>asCompleted(Flux.empty(), 2, true)).verifyComplete();
  }

  @Test
  void aLazySourceHasAtMostMaxConcurrentUnfinished() {
    AtomicInteger unfinished = new AtomicInteger();
    AtomicInteger highWater = new AtomicInteger();
    Flux<Pending<Integer>> jobs =
        Flux.range(0, 40)
            .map(
                i -> {
                  // Counted before the job is created, uncounted when it is done.
                  highWater.accumulateAndGet(unfinished.incrementAndGet(), Math::max);
                  Pending<Integer> job =
                      caller.toThread(
                          () -> {
                            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1);
                            while (System.nanoTime() < until) {
                              Thread.onSpinWait();
                            }
                            return i;
                          });
                  job.onDone(p -> unfinished.decrementAndGet());
                  return job;
                });
    StepVerifier.create(caller.asCompleted(jobs, 2, true)).expectNextCount(40).verifyComplete();
    assertEquals(2, highWater.get(), "at most two unfinished, and two did overlap");
  }

  @Test
  void cancellingTheSubscriptionCancelsTheUnfinished() {
    Pending<String> done = Pending.create();
    Pending<String> open1 = Pending.create();
    Pending<String> open2 = Pending.create();
    StepVerifier.create(caller.asCompleted(List.of(done, open1, open2)))
        .then(() -> done.complete("x"))
        .expectNext(done)
        .thenCancel()
        .verify(Duration.ofSeconds(5));
    assertTrue(open1.isCancelled());
    assertTrue(open2.isCancelled());
    assertFalse(done.isCancelled());
  }

  @Test
  void theDefaultLimitForALazySourceIsTen() {
    AtomicInteger created = new AtomicInteger();
    List<Pending<Integer>> made = new java.util.concurrent.CopyOnWriteArrayList<>();
    Flux<Pending<Integer>> lazy =
        Flux.range(0, 50)
            .map(
                i -> {
                  created.incrementAndGet();
                  Pending<Integer> p = Pending.create();
                  made.add(p);
                  return p;
                });
    StepVerifier.create(caller.asCompleted(lazy))
        .expectSubscription()
        .then(() -> assertEquals(10, created.get(), "only ten unfinished are requested"))
        .then(() -> made.get(0).complete(0))
        .expectNextCount(1)
        .then(() -> assertEquals(11, created.get()))
        .thenCancel()
        .verify(Duration.ofSeconds(5));
    assertEquals(10, made.stream().filter(Pending::isCancelled).count());
  }

  @Test
  void cancelUnfinishedFalseLeavesThemRunning() {
    Pending<String> open = Pending.create();
    StepVerifier.create(caller.asCompleted(Flux.just(open), 1, false))
        .thenCancel()
        .verify(Duration.ofSeconds(5));
    assertFalse(open.isDone());
  }

  @Test
  void waitingForItselfIsDetected() {
    Pending<String> outer =
        caller.callSoon(
            () -> {
              Pending<?> self = Caller.currentPending().orElseThrow();
              @SuppressWarnings("unchecked")
              Pending<String> me = (Pending<String>) self;
              caller
                  .asCompleted(Flux.just(me), 1, true)
                  .subscribe(x -> {}, e -> self.metadata().put("error", e));
              return "outer";
            });
    StepVerifier.create(outer.asMono()).expectNext("outer").verifyComplete();
    Object error = outer.metadata().get("error");
    assertTrue(error instanceof IllegalStateException, String.valueOf(error));
    assertTrue(((Throwable) error).getMessage().contains("deadlock"));
    assertEquals(false, outer.isCancelled(), "cancelUnfinished does not cancel the waiter itself");
  }
}
