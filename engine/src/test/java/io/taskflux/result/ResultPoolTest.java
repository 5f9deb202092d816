package io.taskflux.result;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.taskflux.broker.InMemoryServiceTest;
import io.taskflux.spi.StoredResult;
import io.taskflux.task.MessageRef;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/** BEHAVIOUR.md §1.11 (ResultPool) and §5 (Dispatch's batched polling). */
class ResultPoolTest extends InMemoryServiceTest {

  private ResultStore store;
  private ResultPool pool;

  @BeforeEach
  void setUp() {
    store = ResultStore.create(backend);
    pool = ResultPool.create(store);
  }

  private static List<MessageRef> refs(int n) {
    return IntStream.rangeClosed(1, n).mapToObj(i -> MessageRef.of("q", "m" + i)).toList();
  }

  private void write(MessageRef ref) {
    store.set(ref, JSON.stringNode(ref.id()), Duration.ofHours(1), true).block(SOON);
  }

  private static List<String> ids(List<StoredResult> results) {
    return results.stream().map(r -> r.ref().id()).toList();
  }

  @Test
  void streamEmitsInInputOrder() {
    List<MessageRef> refs = refs(3);
    StepVerifier.create(pool.stream(refs).map(r -> r.ref().id()))
        .then(() -> write(refs.get(2)))
        .then(() -> write(refs.get(1)))
        .expectNoEvent(Duration.ofMillis(20))
        .then(() -> write(refs.get(0)))
        .expectNext("m1", "m2", "m3")
        .verifyComplete();
  }

  @Test
  void istreamEmitsInCompletionOrder() {
    List<MessageRef> refs = refs(3);
    StepVerifier.create(pool.istream(refs).map(r -> r.ref().id()))
        .then(() -> write(refs.get(2)))
        .expectNext("m3")
        .then(() -> write(refs.get(0)))
        .expectNext("m1")
        .then(() -> write(refs.get(1)))
        .expectNext("m2")
        .verifyComplete();
  }

  @Test
  void resultsAreDeletedAfterReadingUnlessKept() {
    List<MessageRef> refs = refs(2);
    refs.forEach(this::write);
    StepVerifier.create(pool.stream(refs, GetOptions.lookOnce().withKeep(true)))
        .expectNextCount(2)
        .verifyComplete();
    StepVerifier.create(pool.istream(refs, GetOptions.lookOnce()))
        .expectNextCount(2)
        .verifyComplete();
    StepVerifier.create(store.exists(refs.get(0))).expectNext(false).verifyComplete();
  }

  @Test
  void duplicateRefsAreRejected() {
    List<MessageRef> dup = List.of(MessageRef.of("q", "a"), MessageRef.of("q", "a"));
    assertThrows(IllegalArgumentException.class, () -> pool.stream(dup));
    assertThrows(IllegalArgumentException.class, () -> pool.istream(dup));
    assertThrows(IllegalArgumentException.class, () -> pool.batches(dup, 1, 10, null));
  }

  @Test
  void aTimeoutEndsTheStreamWithTimeoutException() {
    List<MessageRef> refs = refs(2);
    write(refs.get(0));
    StepVerifier.create(pool.stream(refs, GetOptions.waiting(Duration.ofSeconds(1))))
        .expectNextCount(1)
        .then(() -> advance(Duration.ofSeconds(1)))
        .expectError(TimeoutException.class)
        .verify(SOON);
  }

  @Test
  void boundedConcurrencyStillDeliversEverything() {
    ResultPool narrow = ResultPool.create(store, 2);
    List<MessageRef> refs = refs(10);
    StepVerifier.create(narrow.istream(refs).count())
        .then(() -> IntStream.iterate(9, i -> i >= 0, i -> i - 1).forEach(i -> write(refs.get(i))))
        .expectNext(10L)
        .verifyComplete();
  }

  @Test
  void dispatchClampingOfPollBounds() {
    // BEHAVIOUR.md §5: 3 outstanding with (1,10) give (1,3); with (1,2) give (1,2); (10,10): (3,3).
    assertEquals(1, Batcher.clampMin(3, 1, 10));
    assertEquals(3, Batcher.clampMax(3, 10));
    assertEquals(1, Batcher.clampMin(3, 1, 2));
    assertEquals(2, Batcher.clampMax(3, 2));
    assertEquals(3, Batcher.clampMin(3, 10, 10));
    assertEquals(3, Batcher.clampMax(3, 10));
    assertEquals(1, Batcher.clampMin(3, 0, 0));
    assertEquals(1, Batcher.clampMax(3, 0));
    // min above max is lowered to max.
    assertEquals(2, Batcher.clampMin(5, 4, 2));
  }

  @Test
  void aBatchGoesOutOnceMinResultsAreReady() {
    List<MessageRef> refs = refs(5);
    StepVerifier.create(pool.batches(refs, 2, 10, null).map(ResultPoolTest::ids))
        .then(() -> write(refs.get(3)))
        .expectNoEvent(Duration.ofMillis(20))
        .then(() -> write(refs.get(0)))
        .expectNext(List.of("m4", "m1"))
        .then(() -> write(refs.get(1)))
        .then(() -> write(refs.get(2)))
        .expectNext(List.of("m2", "m3"))
        // one outstanding: min is clamped to 1
        .then(() -> write(refs.get(4)))
        .expectNext(List.of("m5"))
        .verifyComplete();
  }

  @Test
  void aBatchNeverHoldsMoreThanMax() {
    List<MessageRef> refs = refs(7);
    refs.forEach(this::write);
    StepVerifier.create(pool.batches(refs, 1, 3, null).map(List::size))
        .expectNext(3, 3, 1)
        .verifyComplete();
  }

  @Test
  void maxWaitReleasesAPartialBatch() {
    List<MessageRef> refs = refs(4);
    StepVerifier.create(pool.batches(refs, 3, 10, Duration.ofSeconds(5)).map(ResultPoolTest::ids))
        .then(() -> write(refs.get(1)))
        .then(() -> advance(Duration.ofSeconds(4)))
        .expectNoEvent(Duration.ofMillis(20))
        .then(() -> advance(Duration.ofSeconds(1)))
        .expectNext(List.of("m2"))
        // the wait restarts: nothing ready when it passes, so the next result goes out alone
        .then(() -> advance(Duration.ofSeconds(5)))
        .expectNoEvent(Duration.ofMillis(20))
        .then(() -> write(refs.get(3)))
        .expectNext(List.of("m4"))
        // 2 outstanding, min clamped to 2
        .then(() -> write(refs.get(0)))
        .expectNoEvent(Duration.ofMillis(20))
        .then(() -> write(refs.get(2)))
        .expectNext(List.of("m1", "m3"))
        .verifyComplete();
  }

  @Test
  void batchesRespectDemand() {
    List<MessageRef> refs = refs(4);
    refs.forEach(this::write);
    StepVerifier.create(pool.batches(refs, 1, 2, null), 0)
        .expectSubscription()
        .expectNoEvent(Duration.ofMillis(20))
        .thenRequest(1)
        .expectNextCount(1)
        .expectNoEvent(Duration.ofMillis(20))
        .thenRequest(1)
        .expectNextCount(1)
        .verifyComplete();
  }

  @Test
  void noRefsCompleteAtOnce() {
    StepVerifier.create(pool.batches(List.of(), 1, 10, Duration.ofSeconds(1))).verifyComplete();
    StepVerifier.create(pool.stream(List.of())).verifyComplete();
  }

  @Test
  void batchesPropagateATimeout() {
    List<MessageRef> refs = refs(2);
    StepVerifier.create(pool.batches(refs, 2, 2, null, GetOptions.waiting(Duration.ofSeconds(1))))
        .then(() -> write(refs.get(0)))
        .then(() -> advance(Duration.ofSeconds(1)))
        .expectError(TimeoutException.class)
        .verify(SOON);
  }
}
