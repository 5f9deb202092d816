package io.taskflux.caller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
    AtomicInteger running = new AtomicInteger();
    AtomicInteger highWater = new AtomicInteger();
    Set<Thread> threads = ConcurrentHashMap.newKeySet();
    Flux<Pending<Integer>> jobs =
        Flux.range(0, 40)
            .map(
                i ->
                    caller.toThread(
                        () -> {
                          highWater.accumulateAndGet(running.incrementAndGet(), Math::max);
                          threads.add(Thread.currentThread());
                          long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1);
                          while (System.nanoTime() < until) {
                            Thread.onSpinWait();
                          }
                          running.decrementAndGet();
                          return i;
                        }));
    StepVerifier.create(caller.asCompleted(jobs, 2, true)).expectNextCount(40).verifyComplete();
    assertTrue(highWater.get() <= 2, "high-water mark " + highWater.get());
    assertTrue(threads.size() <= 2, "worker threads used: " + threads.size());
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
