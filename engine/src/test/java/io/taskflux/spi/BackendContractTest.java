package io.taskflux.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskflux.BackendUnavailableException;
import io.taskflux.CapacityExceededException;
import io.taskflux.task.ExceptionDetails;
import io.taskflux.task.Message;
import io.taskflux.task.MessageRef;
import io.taskflux.task.StatusUpdate;
import io.taskflux.task.TaskStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/**
 * The contract of {@link Backend}: every backend extends this class unchanged (the in-memory one in
 * the engine, the Redis one in its module) and must pass every test. Tests rely only on the SPI (no
 * internal structures) and move time with the injected {@link io.taskflux.time.ManualClock}, never
 * by sleeping.
 */
public abstract class BackendContractTest extends BackendContractSupport {

  private static final int ROUNDS = 21;

  /** Only against a hang: a wake-up that never comes. Not a bound on how fast it comes. */
  private static final Duration HANG_GUARD = Duration.ofSeconds(30);

  private static final ExceptionDetails BOOM =
      ExceptionDetails.of("java.lang.IllegalStateException", "boom");

  // ------------------------------------------------------------------ enqueue

  @Test
  void enqueueStoresOnlyIfAbsentAndWritesSubmitted() {
    Message m = message("a", 0);
    StepVerifier.create(backend.enqueue(new EnqueueRequest(m, R)))
        .expectNext(true)
        .verifyComplete();
    StepVerifier.create(backend.enqueue(new EnqueueRequest(m.withPriority(3), R)))
        .expectNext(false)
        .verifyComplete();
    StoredMessage stored = find(m.ref());
    assertEquals(MessageState.READY, stored.state());
    assertEquals(m, stored.message());
    assertEquals(TaskStatus.SUBMITTED, status(m.ref()));
    assertEquals(START, backend.getStatus(m.ref()).block(SOON).at());
  }

  @Test
  void enqueueAllStoresEachInOrderAsEnqueueWould() {
    Message old = message("a", 0);
    enqueue(old);
    Message m1 = message("a", 0);
    Message m2 = message("a", "work").delay(Duration.ofSeconds(10)).build();
    Message m3 = message("a", 0);
    List<EnqueueRequest> requests = new ArrayList<>();
    for (Message m : List.of(m1, old.withPriority(3), m2, m3)) {
      requests.add(new EnqueueRequest(m, R));
    }
    StepVerifier.create(backend.enqueueAll(requests))
        .expectNext(true, false, true, true)
        .verifyComplete();
    assertEquals(old, find(old.ref()).message(), "an existing message is left as it was");
    assertEquals(MessageState.DELAYED, find(m2.ref()).state());
    assertEquals(m3, find(m3.ref()).message());
    assertEquals(TaskStatus.SUBMITTED, status(m1.ref()));
    assertEquals(TaskStatus.SUBMITTED, status(m2.ref()));
    assertEquals(List.of(old.id(), m1.id(), m3.id()), ids(claim("w", 10, "a")));
    StepVerifier.create(backend.enqueueAll(List.of())).verifyComplete();
  }

  @Test
  void enqueueAllKeepsTheOrderOfALongBatchOverSeveralQueues() {
    List<Message> all = new ArrayList<>();
    List<EnqueueRequest> requests = new ArrayList<>();
    for (int i = 0; i < 1_203; i++) {
      Message m = message(i == 600 || i == 601 ? "b" : "a", 0);
      all.add(m);
      requests.add(new EnqueueRequest(m, R));
    }
    // Longer than one Redis script batch (1,000), cut by a run of another queue.
    List<Boolean> results =
        backend.enqueueAll(requests).collectList().block(Duration.ofSeconds(60));
    assertEquals(1_203, results.size());
    assertTrue(results.stream().allMatch(Boolean::booleanValue), "every message stored");
    List<String> expected = new ArrayList<>();
    all.stream().filter(m -> m.queue().equals(queue("a"))).forEach(m -> expected.add(m.id()));
    List<Delivery> claimed =
        backend
            .claim(
                new ClaimRequest(
                    List.of(QueueSelector.of(queue("a"))), 2_000, "w", Duration.ofSeconds(30), R))
            .block(Duration.ofSeconds(60));
    assertEquals(expected, ids(claimed), "FIFO across the batch");
    assertEquals(List.of(all.get(600).id(), all.get(601).id()), ids(claim("w", 10, "b")));
  }

  @Test
  void enqueueAllStopsAtTheFirstMessageAFullBackendHasNoRoomFor() {
    Backend small = createBackend(time.clock(), 3);
    try {
      Message first = message("a", 0);
      assertTrue(small.enqueue(new EnqueueRequest(first, R)).block(SOON));
      Message m1 = message("a", 0);
      Message m2 = message("a", 0);
      Message m3 = message("a", 0);
      Message m4 = message("a", 0);
      List<EnqueueRequest> requests = new ArrayList<>();
      for (Message m : List.of(m1, first, m2, m3, m4)) {
        requests.add(new EnqueueRequest(m, R));
      }
      StepVerifier.create(small.enqueueAll(requests))
          .expectNext(true, false, true)
          .expectError(CapacityExceededException.class)
          .verify(SOON);
      assertNotNull(small.find(m2.ref()).block(SOON));
      StepVerifier.create(small.find(m3.ref())).verifyComplete();
      StepVerifier.create(small.find(m4.ref())).verifyComplete();
      assertNull(small.getStatus(m3.ref()).block(SOON), "no status for what was not stored");
      assertEquals(3L, small.stats(queue("a")).block(SOON).ready());
      verifyAfterEach(small);
    } finally {
      small.closeAsync().block(SOON);
    }
  }

  @Test
  void aMessageExpiresAfterItsTtl() {
    Message m = message("a", 0);
    backend.enqueue(new EnqueueRequest(m, R.withMessage(Duration.ofHours(1)))).block(SOON);
    time.advance(Duration.ofMinutes(59));
    assertNotNull(find(m.ref()));
    time.advance(Duration.ofMinutes(1));
    StepVerifier.create(backend.find(m.ref())).verifyComplete();
    assertTrue(claim("w", 10, "a").isEmpty());
  }

  @Test
  void updateReplacesContentAndRemoveDeletes() {
    Message m = message("a", 0);
    enqueue(m);
    Message changed = m.withMetadata(JSON.objectNode().put("k", "v"));
    StepVerifier.create(backend.update(changed)).expectNext(true).verifyComplete();
    assertEquals(changed, find(m.ref()).message());
    StepVerifier.create(backend.remove(m.ref())).expectNext(true).verifyComplete();
    StepVerifier.create(backend.find(m.ref())).verifyComplete();
    StepVerifier.create(backend.remove(m.ref())).expectNext(false).verifyComplete();
    StepVerifier.create(backend.update(changed)).expectNext(false).verifyComplete();
    assertTrue(claim("w", 10, "a").isEmpty());
  }

  @Test
  void updateReordersByNewPriority() {
    Message a = message("a", 5);
    Message b = message("a", 5);
    enqueue(a);
    enqueue(b);
    backend.update(b.withPriority(1)).block(SOON);
    List<Delivery> got = claim("w", 2, "a");
    assertEquals(List.of(b.id(), a.id()), ids(got));
  }

  @Test
  void updateToALaterReadyAtMakesAReadyMessageWaitAndAnEarlierOneMakesItReady() {
    Message m = message("a", 0);
    enqueue(m);
    backend.update(m.withReadyAt(time.now().plusSeconds(30))).block(SOON);
    assertEquals(MessageState.DELAYED, find(m.ref()).state());
    assertTrue(claim("w", 10, "a").isEmpty(), "not claimable before its new readyAt");
    backend.update(m.withReadyAt(time.now())).block(SOON);
    assertEquals(List.of(m.id()), ids(claim("w", 10, "a")));
  }

  @Test
  void deleteDeadLettersDeletesTheGivenOnesOrPurgesTheQueue() {
    Message a = message("a", 0);
    Message b = message("a", 0);
    Message c = message("a", 0);
    Message live = message("a", 0);
    for (Message m : List.of(a, b, c)) {
      backend.deadLetter(m.withExceptionDetails(BOOM), R).block(SOON);
    }
    enqueue(live);
    StepVerifier.create(backend.deleteDeadLetters(queue("a"), List.of(a.id(), "nobody")))
        .expectNext(1L)
        .verifyComplete();
    StepVerifier.create(backend.findDeadLetter(a.ref())).verifyComplete();
    assertEquals(MessageState.DEAD_LETTER, find(b.ref()).state());
    StepVerifier.create(backend.deleteDeadLetters(queue("a"), List.of()))
        .expectNext(2L)
        .verifyComplete();
    StepVerifier.create(backend.findDeadLetter(b.ref())).verifyComplete();
    StepVerifier.create(backend.findDeadLetter(c.ref())).verifyComplete();
    assertEquals(MessageState.READY, find(live.ref()).state(), "live messages stay");
    StepVerifier.create(backend.deleteDeadLetters(queue("a"), List.of()))
        .expectNext(0L)
        .verifyComplete();
    StepVerifier.create(backend.deleteDeadLetters(queue("empty"), List.of()))
        .expectNext(0L)
        .verifyComplete();
  }

  @Test
  void deadLetterMovesAMessageWithoutALeaseAndFindDeadLetterSeesOnlyTheDlq() {
    Message m = message("a", 0);
    enqueue(m);
    claimOne("w", "a");
    Message failed = m.withExceptionDetails(BOOM);
    StepVerifier.create(backend.deadLetter(failed, R)).expectNext(true).verifyComplete();
    StoredMessage dead = find(m.ref());
    assertEquals(MessageState.DEAD_LETTER, dead.state());
    assertEquals(failed, dead.message());
    assertEquals(TaskStatus.RUNNING, status(m.ref()), "statuses are not touched");
    assertTrue(claim("w", 10, "a").isEmpty());
    StepVerifier.create(backend.deadLetter(failed, R)).expectNext(false).verifyComplete();
    enqueue(m);
    assertEquals(MessageState.READY, find(m.ref()).state());
    StepVerifier.create(backend.findDeadLetter(m.ref()).map(StoredMessage::message))
        .expectNext(failed)
        .verifyComplete();
    StepVerifier.create(backend.findDeadLetter(ref("a", "nobody"))).verifyComplete();
  }

  // ------------------------------------------------------------------ claim order

  @Test
  void claimTakesLowestPriorityFirstThenFifo() {
    Message p5a = message("a", 5);
    Message p1 = message("a", 1);
    Message p5b = message("a", 5);
    Message p0 = message("a", 0);
    Message p5c = message("a", 5);
    List.of(p5a, p1, p5b, p0, p5c).forEach(this::enqueue);
    List<Delivery> got = claim("w", 10, "a");
    assertEquals(List.of(p0.id(), p1.id(), p5a.id(), p5b.id(), p5c.id()), ids(got));
  }

  @Test
  void claimDrainsQueuesInTheOrderGiven() {
    Message first = message("first", 9);
    Message second = message("second", 0);
    Message third = message("first", 9);
    List.of(second, first, third).forEach(this::enqueue);
    List<Delivery> got = claim("w", 2, "first", "second");
    assertEquals(List.of(first.id(), third.id()), ids(got));
    assertEquals(List.of(second.id()), ids(claim("w", 5, "first", "second")));
  }

  @Test
  void claimHonoursTaskSubsets() {
    Message send = message("a", "send").build();
    Message charge = message("a", "charge").build();
    enqueue(send);
    enqueue(charge);
    List<Delivery> got =
        backend
            .claim(
                new ClaimRequest(
                    List.of(QueueSelector.of(queue("a"), "charge")),
                    10,
                    "w",
                    Duration.ofSeconds(30),
                    R))
            .block(SOON);
    assertEquals(List.of(charge.id()), ids(got));
    assertEquals(MessageState.READY, find(send.ref()).state());
  }

  @Test
  void claimTakesAtMostMaxLeasesToTheOwnerAndWritesRunning() {
    List<Message> ms = IntStream.range(0, 5).mapToObj(i -> message("a", 0)).toList();
    ms.forEach(this::enqueue);
    List<Delivery> got = claim("worker-1", 3, Duration.ofSeconds(20), "a");
    assertEquals(3, got.size());
    for (Delivery d : got) {
      assertEquals("worker-1", d.lease().owner());
      assertEquals(START.plusSeconds(20), d.lease().expiresAt());
      assertEquals(d.message().ref(), d.lease().ref());
      assertEquals(TaskStatus.RUNNING, status(d.lease().ref()));
      StoredMessage s = find(d.lease().ref());
      assertEquals(MessageState.LEASED, s.state());
      assertEquals(d.lease(), s.lease());
    }
    Set<String> tokens = new HashSet<>();
    got.forEach(d -> tokens.add(d.lease().token()));
    assertEquals(3, tokens.size(), "lease tokens must differ");
    assertEquals(2, claim("worker-2", 10, "a").size());
    assertTrue(claim("worker-3", 10, "a").isEmpty());
  }

  @Test
  void twoConcurrentConsumersNeverGetTheSameMessage() {
    int n = 400;
    for (int i = 0; i < n; i++) {
      enqueue(message("a", i % 3));
    }
    Flux<String> all = Flux.merge(consumer("c1"), consumer("c2"), consumer("c3"), consumer("c4"));
    List<String> claimed = all.collectList().block(Duration.ofSeconds(30));
    assertEquals(n, claimed.size());
    assertEquals(n, new HashSet<>(claimed).size(), "a message was claimed twice");
  }

  private Flux<String> consumer(String owner) {
    ClaimRequest req =
        new ClaimRequest(List.of(QueueSelector.of(queue("a"))), 3, owner, Duration.ofMinutes(5), R);
    return Mono.defer(() -> backend.claim(req))
        .repeat()
        .takeWhile(batch -> !batch.isEmpty())
        .flatMapIterable(batch -> batch)
        .map(d -> d.lease().ref().id())
        .subscribeOn(Schedulers.parallel());
  }

  // ------------------------------------------------------------------ delays

  @Test
  void aDelayedMessageIsClaimableOnlyWhenDue() {
    Message later = message("a", "work").delay(Duration.ofSeconds(10)).build();
    Message now = message("a", 9);
    enqueue(later);
    enqueue(now);
    assertEquals(MessageState.DELAYED, find(later.ref()).state());
    assertEquals(List.of(now.id()), ids(claim("w", 10, "a")));
    time.advance(Duration.ofSeconds(9));
    assertTrue(claim("w", 10, "a").isEmpty());
    time.advance(Duration.ofSeconds(1));
    assertEquals(List.of(later.id()), ids(claim("w", 10, "a")));
  }

  @Test
  void promoteDueMovesOnlyDueMessagesInDueOrder() {
    Message in5 = message("a", "work").delay(Duration.ofSeconds(5)).build();
    Message in3 = message("a", "work").delay(Duration.ofSeconds(3)).build();
    Message in60 = message("a", "work").delay(Duration.ofSeconds(60)).build();
    List.of(in5, in3, in60).forEach(this::enqueue);
    time.advance(Duration.ofSeconds(5));
    StepVerifier.create(backend.promoteDue(List.of(queue("a")))).expectNext(2).verifyComplete();
    QueueStats stats = backend.stats(queue("a")).block(SOON);
    assertEquals(2, stats.ready());
    assertEquals(1, stats.delayed());
    assertEquals(List.of(in3.id(), in5.id()), ids(claim("w", 10, "a")));
  }

  // ------------------------------------------------------------------ leases

  @Test
  void aLeasedMessageIsNotClaimableByOthers() {
    enqueue(message("a", 0));
    claimOne("w1", "a");
    assertTrue(claim("w2", 10, "a").isEmpty());
  }

  @Test
  void anExpiredLeaseIsRequeuedCountingAnAttempt() {
    Message m = message("a", "work").maxRetries(2).build();
    enqueue(m);
    Delivery d = claimOne("dead-worker", "a");
    time.advance(Duration.ofSeconds(31));
    StepVerifier.create(backend.extendLease(d.lease(), Duration.ofSeconds(30))).verifyComplete();
    StepVerifier.create(backend.complete(completion(d.lease(), "late")))
        .expectNext(SettleResult.LEASE_LOST)
        .verifyComplete();
    StepVerifier.create(backend.requeueExpired(new ReapRequest(List.of(queue("a")), R)))
        .expectNext(new ReapResult(List.of(m.ref()), List.of()))
        .verifyComplete();
    StatusUpdate s = backend.getStatus(m.ref()).block(SOON);
    assertEquals(TaskStatus.RETRYING, s.status());
    assertEquals(ExceptionDetails.LEASE_LOST, s.error().type());
    Delivery again = claimOne("live-worker", "a");
    assertEquals(1, again.message().retries());
    assertEquals(ExceptionDetails.LEASE_LOST, again.message().exceptionDetails().type());
    assertNotEquals(d.lease().token(), again.lease().token());
    StepVerifier.create(backend.requeueExpired(new ReapRequest(List.of(queue("a")), R)))
        .expectNext(ReapResult.empty())
        .verifyComplete();
    assertNull(backend.getResult(m.ref()).block(SOON));
  }

  @Test
  void anExpiredLeaseWithNoRetryLeftIsDeadLettered() {
    Message m = message("a", "work").maxRetries(1).retries(1).build();
    enqueue(m);
    claimOne("w", "a");
    time.advance(Duration.ofMinutes(1));
    StepVerifier.create(backend.requeueExpired(new ReapRequest(List.of(queue("a")), R)))
        .expectNext(new ReapResult(List.of(), List.of(m.ref())))
        .verifyComplete();
    StoredMessage dead = find(m.ref());
    assertEquals(MessageState.DEAD_LETTER, dead.state());
    assertEquals(ExceptionDetails.LEASE_LOST, dead.message().exceptionDetails().type());
    assertEquals(TaskStatus.FAILED, status(m.ref()));
    assertTrue(claim("w", 10, "a").isEmpty());
  }

  @Test
  void extendingALeaseKeepsTheMessage() {
    enqueue(message("a", 0));
    Delivery d = claimOne("w", "a");
    time.advance(Duration.ofSeconds(20));
    Lease extended = backend.extendLease(d.lease(), Duration.ofSeconds(30)).block(SOON);
    assertNotNull(extended);
    assertEquals(d.lease().token(), extended.token());
    assertEquals(time.now().plusSeconds(30), extended.expiresAt());
    time.advance(Duration.ofSeconds(20));
    assertEquals(
        ReapResult.empty(),
        backend.requeueExpired(new ReapRequest(List.of(queue("a")), R)).block(SOON));
    StepVerifier.create(backend.complete(completion(extended, "ok")))
        .expectNext(SettleResult.APPLIED)
        .verifyComplete();
  }

  // ------------------------------------------------------------------ complete

  @Test
  void completeStoresResultAcksAndSubmitsCallbacksAtomically() {
    Message m = message("a", 0);
    enqueue(m);
    Delivery d = claimOne("w", "a");
    Message sameQueue = message("a", "next").build();
    Message otherQueue = message("b", "notify").build();
    StepVerifier.create(backend.complete(completion(d.lease(), "done", sameQueue, otherQueue)))
        .expectNext(SettleResult.APPLIED)
        .verifyComplete();
    StepVerifier.create(backend.find(m.ref())).verifyComplete();
    StoredResult r = backend.getResult(m.ref()).block(SOON);
    assertEquals("done", r.value().stringValue());
    assertEquals(START, r.storedAt());
    assertEquals(TaskStatus.SUCCEEDED, status(m.ref()));
    assertEquals(MessageState.READY, find(sameQueue.ref()).state());
    assertEquals(MessageState.READY, find(otherQueue.ref()).state());
    assertEquals(TaskStatus.SUBMITTED, status(otherQueue.ref()));
    assertEquals(List.of(otherQueue.id()), ids(claim("w", 10, "b")));
    StepVerifier.create(backend.complete(completion(d.lease(), "again")))
        .expectNext(SettleResult.LEASE_LOST)
        .verifyComplete();
    assertEquals("done", backend.getResult(m.ref()).block(SOON).value().stringValue());
  }

  @Test
  void completeInABatchSettlesEachByItsLease() {
    List.of(message("a", 0), message("a", 0), message("a", 0)).forEach(this::enqueue);
    List<Delivery> ds = claim("w", 3, "a");
    Lease stale = ds.get(2).lease().withExpiresAt(START);
    Lease forged = new Lease(stale.ref(), "w", "not-the-token", stale.expiresAt());
    StepVerifier.create(
            backend.complete(
                List.of(
                    completion(ds.get(0).lease(), "r0"),
                    completion(ds.get(1).lease(), "r1"),
                    completion(forged, "r2"))))
        .expectNext(List.of(SettleResult.APPLIED, SettleResult.APPLIED, SettleResult.LEASE_LOST))
        .verifyComplete();
    assertEquals(
        "r1", backend.getResult(ds.get(1).lease().ref()).block(SOON).value().stringValue());
    assertEquals(MessageState.LEASED, find(stale.ref()).state());
    StepVerifier.create(backend.complete(completion(ds.get(2).lease(), "r2")))
        .expectNext(SettleResult.APPLIED)
        .verifyComplete();
  }

  @Test
  void completeDoesNotEnqueueACallbackThatExists() {
    Message callback = message("a", "next").build();
    enqueue(callback);
    enqueue(message("a", 9));
    claimOne("w", "a"); // the callback itself (priority 0)
    Delivery d = claimOne("w", "a");
    assertEquals(
        SettleResult.APPLIED, backend.complete(completion(d.lease(), "x", callback)).block(SOON));
    assertEquals(MessageState.LEASED, find(callback.ref()).state());
  }

  // ------------------------------------------------------------------ retry and fail

  @Test
  void retryCountsAnAttemptRecordsTheErrorAndWaitsUntilReady() {
    Message m = message("a", 0);
    enqueue(m);
    Delivery d = claimOne("w", "a");
    time.advance(Duration.ofSeconds(2));
    StepVerifier.create(
            backend.retry(new RetryRequest(d.lease(), time.now().plusSeconds(5), BOOM, R)))
        .expectNext(SettleResult.APPLIED)
        .verifyComplete();
    StatusUpdate s = backend.getStatus(m.ref()).block(SOON);
    assertEquals(TaskStatus.RETRYING, s.status());
    assertEquals(BOOM, s.error());
    StoredMessage stored = find(m.ref());
    assertEquals(MessageState.DELAYED, stored.state());
    assertEquals(1, stored.message().retries());
    assertEquals(BOOM, stored.message().exceptionDetails());
    assertEquals(time.now(), stored.message().updatedAt());
    assertEquals(time.now().plusSeconds(5), stored.message().readyAt());
    assertTrue(claim("w", 10, "a").isEmpty());
    time.advance(Duration.ofSeconds(5));
    assertEquals(List.of(m.id()), ids(claim("w", 10, "a")));
    StepVerifier.create(backend.retry(new RetryRequest(d.lease(), time.now(), BOOM, R)))
        .expectNext(SettleResult.LEASE_LOST)
        .verifyComplete();
  }

  @Test
  void retryWithAPastReadyTimeIsReadyAtOnce() {
    Message m = message("a", 0);
    enqueue(m);
    Delivery d = claimOne("w", "a");
    backend.retry(new RetryRequest(d.lease(), START.minusSeconds(1), BOOM, R)).block(SOON);
    assertEquals(MessageState.READY, find(m.ref()).state());
    assertEquals(1, claimOne("w", "a").message().retries());
  }

  @Test
  void failDeadLettersWithTheErrorAndExpiresWithItsTtl() {
    Message m = message("a", 0);
    enqueue(m);
    Delivery d = claimOne("w", "a");
    StepVerifier.create(
            backend.fail(new FailRequest(d.lease(), BOOM, R.withDeadLetter(Duration.ofDays(1)))))
        .expectNext(SettleResult.APPLIED)
        .verifyComplete();
    StoredMessage dead = find(m.ref());
    assertEquals(MessageState.DEAD_LETTER, dead.state());
    assertEquals(BOOM, dead.message().exceptionDetails());
    assertEquals(START.plus(Duration.ofDays(1)), dead.expiresAt());
    assertEquals(TaskStatus.FAILED, status(m.ref()));
    assertEquals(BOOM, backend.getStatus(m.ref()).block(SOON).error());
    assertEquals(1, backend.stats(queue("a")).block(SOON).deadLetters());
    StepVerifier.create(backend.list(queue("a"), MessageState.DEAD_LETTER, 0, 10).map(s -> s.ref()))
        .expectNext(m.ref())
        .verifyComplete();
    assertTrue(claim("w", 10, "a").isEmpty());
    StepVerifier.create(backend.fail(new FailRequest(d.lease(), BOOM, R)))
        .expectNext(SettleResult.LEASE_LOST)
        .verifyComplete();
    time.advance(Duration.ofDays(1));
    StepVerifier.create(backend.find(m.ref())).verifyComplete();
  }

  @Test
  void failWithAZeroDeadLetterTtlKeepsNoDeadLetter() {
    Message m = message("a", 0);
    enqueue(m);
    Delivery d = claimOne("w", "a");
    backend.fail(new FailRequest(d.lease(), BOOM, R.withDeadLetter(Duration.ZERO))).block(SOON);
    StepVerifier.create(backend.find(m.ref())).verifyComplete();
    assertEquals(TaskStatus.FAILED, status(m.ref()));
  }

  // ------------------------------------------------------------------ revoke

  @Test
  void aRevokedWaitingMessageNeverStarts() {
    Message m = message("a", "work").delay(Duration.ofSeconds(5)).build();
    enqueue(m);
    ExceptionDetails reason = ExceptionDetails.of("io.taskflux.TaskRevokedException", "revoked");
    StepVerifier.create(backend.revoke(new RevokeRequest(m.ref(), false, reason, R)))
        .expectNext(RevokeResult.REVOKED)
        .verifyComplete();
    StepVerifier.create(backend.isRevoked(m.ref())).expectNext(true).verifyComplete();
    StepVerifier.create(backend.awaitRevocation(m.ref())).expectComplete().verify(SOON);
    assertEquals(MessageState.DEAD_LETTER, find(m.ref()).state());
    StatusUpdate s = backend.getStatus(m.ref()).block(SOON);
    assertEquals(TaskStatus.FAILED, s.status());
    assertEquals(reason, s.error());
    time.advance(Duration.ofSeconds(10));
    assertTrue(claim("w", 10, "a").isEmpty());
  }

  @Test
  void revokingARunningMessageWakesItsWatcherAndRejectsItsResult() {
    Message m = message("a", 0);
    enqueue(m);
    Delivery d = claimOne("w", "a");
    ExceptionDetails reason = ExceptionDetails.of("io.taskflux.TaskRevokedException", "stop");
    StepVerifier.create(backend.awaitRevocation(m.ref()))
        .expectSubscription()
        .then(
            () ->
                assertEquals(
                    RevokeResult.REVOKED_RUNNING,
                    backend.revoke(new RevokeRequest(m.ref(), false, reason, R)).block(SOON)))
        .expectComplete()
        .verify(SOON);
    StepVerifier.create(backend.complete(completion(d.lease(), "too late")))
        .expectNext(SettleResult.REVOKED)
        .verifyComplete();
    StepVerifier.create(backend.extendLease(d.lease(), Duration.ofSeconds(30))).verifyComplete();
    StepVerifier.create(backend.getResult(m.ref())).verifyComplete();
    assertEquals(TaskStatus.FAILED, status(m.ref()));
  }

  @Test
  void completeRacingRevokeHasExactlyOneWinner() {
    ExceptionDetails reason = ExceptionDetails.of("io.taskflux.TaskRevokedException", "race");
    for (int round = 0; round < 50; round++) {
      Message m = message("a", 0);
      enqueue(m);
      Delivery d = claimOne("w", "a");
      var outcome =
          Mono.zip(
                  backend.complete(completion(d.lease(), "r")).subscribeOn(Schedulers.parallel()),
                  backend
                      .revoke(new RevokeRequest(m.ref(), false, reason, R))
                      .subscribeOn(Schedulers.parallel()))
              .block(SOON);
      boolean completed = outcome.getT1() == SettleResult.APPLIED;
      if (completed) {
        assertEquals(RevokeResult.ALREADY_FINISHED, outcome.getT2());
        assertEquals(TaskStatus.SUCCEEDED, status(m.ref()));
        assertNotNull(backend.getResult(m.ref()).block(SOON));
      } else {
        assertEquals(SettleResult.REVOKED, outcome.getT1());
        assertEquals(RevokeResult.REVOKED_RUNNING, outcome.getT2());
        assertEquals(TaskStatus.FAILED, status(m.ref()));
        assertNull(backend.getResult(m.ref()).block(SOON));
        assertEquals(MessageState.DEAD_LETTER, find(m.ref()).state());
      }
    }
  }

  @Test
  void aRevocationMarkExpiresWithItsTtl() {
    Message m = message("a", 0);
    enqueue(m);
    backend
        .revoke(new RevokeRequest(m.ref(), false, BOOM, R.withRevocation(Duration.ofHours(1))))
        .block(SOON);
    time.advance(Duration.ofMinutes(59));
    StepVerifier.create(backend.isRevoked(m.ref())).expectNext(true).verifyComplete();
    time.advance(Duration.ofMinutes(1));
    StepVerifier.create(backend.isRevoked(m.ref())).expectNext(false).verifyComplete();
  }

  @Test
  void revokeSkipsARunningMessageWhenAsked() {
    Message m = message("a", 0);
    enqueue(m);
    Delivery d = claimOne("w", "a");
    StepVerifier.create(backend.revoke(new RevokeRequest(m.ref(), true, BOOM, R)))
        .expectNext(RevokeResult.SKIPPED_RUNNING)
        .verifyComplete();
    StepVerifier.create(backend.isRevoked(m.ref())).expectNext(false).verifyComplete();
    assertEquals(SettleResult.APPLIED, backend.complete(completion(d.lease(), "ok")).block(SOON));
  }

  @Test
  void revokeOfAFinishedOrUnknownMessageChangesNothing() {
    Message m = message("a", 0);
    enqueue(m);
    backend.complete(completion(claimOne("w", "a").lease(), "ok")).block(SOON);
    StepVerifier.create(backend.revoke(new RevokeRequest(m.ref(), false, BOOM, R)))
        .expectNext(RevokeResult.ALREADY_FINISHED)
        .verifyComplete();
    StepVerifier.create(backend.revoke(new RevokeRequest(ref("a", "nobody"), false, BOOM, R)))
        .expectNext(RevokeResult.NOT_FOUND)
        .verifyComplete();
    StepVerifier.create(backend.isRevoked(m.ref())).expectNext(false).verifyComplete();
    assertEquals(TaskStatus.SUCCEEDED, status(m.ref()));
  }

  // ------------------------------------------------------------------ waiting for work

  @Test
  void awaitWorkCompletesAtOnceWhenSomethingIsReady() {
    enqueue(message("a", 0));
    StepVerifier.create(backend.awaitWork(List.of(queue("a")), Duration.ofHours(1)))
        .expectComplete()
        .verify(SOON);
  }

  @Test
  void awaitWorkWakesOnEnqueueWithoutPolling() {
    // The clock never moves here: only the enqueue itself can end the wait.
    StepVerifier.create(backend.awaitWork(List.of(queue("x"), queue("a")), Duration.ofHours(1)))
        .expectSubscription()
        .then(() -> enqueue(message("a", 0)))
        .expectComplete()
        .verify(SOON);
  }

  /**
   * Round after round, an idle consumer is woken by the enqueue alone: its {@code max} is an hour
   * on the manual clock, which never moves here, so no timer can end the wait, and a lost
   * notification fails the round (after {@link #HANG_GUARD}). The speed of the wake-up is measured
   * by {@code io.taskflux.benchmarks.WakeUpLatencyBenchmark}, never asserted by a test.
   */
  @Test
  void anIdleConsumerIsWokenByEachEnqueue() throws Exception {
    for (int round = 0; round < ROUNDS; round++) {
      CompletableFuture<Void> woke = new CompletableFuture<>();
      Disposable wait =
          backend
              .awaitWork(List.of(queue("idle")), Duration.ofHours(1))
              .subscribe(null, woke::completeExceptionally, () -> woke.complete(null));
      try {
        assertFalse(woke.isDone(), "round " + round + ": woke before the enqueue");
        backend.enqueue(new EnqueueRequest(message("idle", 0), R)).subscribe();
        woke.get(HANG_GUARD.toMillis(), TimeUnit.MILLISECONDS);
        assertEquals(1, claim("w", 10, "idle").size());
      } finally {
        wait.dispose();
      }
    }
  }

  @Test
  void awaitWorkWakesWhenADelayedMessageBecomesDue() {
    enqueue(message("a", "work").delay(Duration.ofSeconds(5)).build());
    StepVerifier.create(backend.awaitWork(List.of(queue("a")), Duration.ofHours(1)))
        .expectSubscription()
        .then(() -> time.advance(Duration.ofSeconds(4)))
        .expectNoEvent(Duration.ofMillis(50))
        .then(() -> time.advance(Duration.ofSeconds(1)))
        .expectComplete()
        .verify(SOON);
    assertEquals(1, claim("w", 10, "a").size());
  }

  @Test
  void awaitWorkWakesWhenALeaseExpiresSoItCanBeReaped() {
    enqueue(message("a", 0));
    claim("w", 1, Duration.ofSeconds(10), "a");
    StepVerifier.create(backend.awaitWork(List.of(queue("a")), Duration.ofHours(1)))
        .expectSubscription()
        .then(() -> time.advance(Duration.ofSeconds(10)))
        .expectComplete()
        .verify(SOON);
    assertEquals(
        1,
        backend
            .requeueExpired(new ReapRequest(List.of(queue("a")), R))
            .block(SOON)
            .requeued()
            .size());
  }

  @Test
  void awaitWorkEndsAfterMaxOnTheClock() {
    StepVerifier.create(backend.awaitWork(List.of(queue("a")), Duration.ofSeconds(30)))
        .expectSubscription()
        .then(() -> time.advance(Duration.ofSeconds(29)))
        .expectNoEvent(Duration.ofMillis(50))
        .then(() -> time.advance(Duration.ofSeconds(1)))
        .expectComplete()
        .verify(SOON);
  }

  // ------------------------------------------------------------------ statuses

  @Test
  void statusesAreWrittenReadDeletedAndExpireOnEveryWrite() {
    MessageRef ref = ref("a", "s1");
    StepVerifier.create(backend.getStatus(ref)).verifyComplete();
    backend
        .setStatus(ref, StatusUpdate.of(TaskStatus.SUBMITTED, time.now()), Duration.ofHours(1))
        .block(SOON);
    time.advance(Duration.ofMinutes(30));
    backend
        .setStatus(ref, StatusUpdate.of(TaskStatus.RUNNING, time.now()), Duration.ofHours(1))
        .block(SOON);
    time.advance(Duration.ofMinutes(45));
    assertEquals(TaskStatus.RUNNING, status(ref));
    time.advance(Duration.ofMinutes(15));
    StepVerifier.create(backend.getStatus(ref)).verifyComplete();
    backend
        .setStatus(ref, StatusUpdate.of(TaskStatus.FAILED, time.now()), Duration.ofHours(1))
        .block(SOON);
    StepVerifier.create(backend.deleteStatus(ref)).expectNext(true).verifyComplete();
    StepVerifier.create(backend.deleteStatus(ref)).expectNext(false).verifyComplete();
  }

  @Test
  void watchStatusEmitsTheCurrentStatusThenEveryWriteInOrder() {
    Message m = message("a", 0);
    enqueue(m);
    StepVerifier.create(
            backend.watchStatus(m.ref()).map(StatusUpdate::status).distinctUntilChanged())
        .expectNext(TaskStatus.SUBMITTED)
        .then(() -> claimOne("w", "a"))
        .expectNext(TaskStatus.RUNNING)
        .then(
            () ->
                backend
                    .setStatus(
                        m.ref(),
                        StatusUpdate.of(TaskStatus.RETRYING, time.now()),
                        Duration.ofHours(1))
                    .block(SOON))
        .expectNext(TaskStatus.RETRYING)
        .thenCancel()
        .verify(SOON);
  }

  /**
   * Round after round, a status watcher is woken by the write alone ({@code watchStatus} has no
   * timer); see {@link #anIdleConsumerIsWokenByEachEnqueue()}.
   */
  @Test
  void aStatusWatcherIsWokenByEachWrite() throws Exception {
    for (int round = 0; round < ROUNDS; round++) {
      MessageRef ref = ref("a", "woken-" + round);
      setStatus(ref, TaskStatus.SUBMITTED);
      CompletableFuture<Void> current = new CompletableFuture<>();
      CompletableFuture<StatusUpdate> next = new CompletableFuture<>();
      Disposable watch =
          backend
              .watchStatus(ref)
              .subscribe(
                  s -> {
                    if (s.status() == TaskStatus.RUNNING) {
                      next.complete(s);
                    } else {
                      current.complete(null);
                    }
                  },
                  next::completeExceptionally);
      try {
        current.get(HANG_GUARD.toMillis(), TimeUnit.MILLISECONDS);
        assertFalse(next.isDone(), "round " + round + ": RUNNING before it was written");
        backend
            .setStatus(ref, StatusUpdate.of(TaskStatus.RUNNING, time.now()), Duration.ofHours(1))
            .subscribe();
        assertEquals(
            TaskStatus.RUNNING, next.get(HANG_GUARD.toMillis(), TimeUnit.MILLISECONDS).status());
      } finally {
        watch.dispose();
      }
    }
  }

  /**
   * Round after round, a result waiter is woken by the completion alone ({@code awaitResult} has no
   * timeout); see {@link #anIdleConsumerIsWokenByEachEnqueue()}.
   */
  @Test
  void aResultWaiterIsWokenByEachCompletion() throws Exception {
    for (int round = 0; round < ROUNDS; round++) {
      Message m = message("a", 0);
      enqueue(m);
      Delivery d = claimOne("w", "a");
      CompletableFuture<StoredResult> woke = new CompletableFuture<>();
      Disposable wait =
          backend.awaitResult(m.ref()).subscribe(woke::complete, woke::completeExceptionally);
      try {
        assertFalse(woke.isDone(), "round " + round + ": woke before the completion");
        backend.complete(completion(d.lease(), "woken")).subscribe();
        assertEquals(
            "woken", woke.get(HANG_GUARD.toMillis(), TimeUnit.MILLISECONDS).value().stringValue());
      } finally {
        wait.dispose();
      }
    }
  }

  private void setStatus(MessageRef ref, TaskStatus status) {
    backend.setStatus(ref, StatusUpdate.of(status, time.now()), Duration.ofHours(1)).block(SOON);
  }

  @Test
  void markOrphanedStatusesSetsUnknownWhereTheMessageIsGone() {
    Message live = message("a", 0);
    enqueue(live);
    MessageRef orphan = ref("a", "orphan");
    MessageRef done = ref("a", "done");
    backend
        .setStatus(orphan, StatusUpdate.of(TaskStatus.RUNNING, time.now()), Duration.ofHours(1))
        .block(SOON);
    backend
        .setStatus(done, StatusUpdate.of(TaskStatus.SUCCEEDED, time.now()), Duration.ofHours(1))
        .block(SOON);
    StepVerifier.create(backend.markOrphanedStatuses(queue("a"), R))
        .expectNext(1L)
        .verifyComplete();
    assertEquals(TaskStatus.UNKNOWN, status(orphan));
    assertEquals(TaskStatus.SUBMITTED, status(live.ref()));
    assertEquals(TaskStatus.SUCCEEDED, status(done));
  }

  // ------------------------------------------------------------------ results

  @Test
  void resultsAreSetIfAbsentReadDeletedAndExpire() {
    MessageRef ref = ref("a", "r1");
    StepVerifier.create(backend.getResult(ref)).verifyComplete();
    StepVerifier.create(backend.setResult(ref, JSON.numberNode(1), Duration.ofHours(1), true))
        .expectNext(true)
        .verifyComplete();
    StepVerifier.create(backend.setResult(ref, JSON.numberNode(2), Duration.ofHours(1), true))
        .expectNext(false)
        .verifyComplete();
    assertEquals(1, backend.getResult(ref).block(SOON).value().intValue());
    StepVerifier.create(backend.setResult(ref, JSON.numberNode(3), Duration.ofHours(1), false))
        .expectNext(true)
        .verifyComplete();
    assertEquals(3, backend.getResult(ref).block(SOON).value().intValue());
    StepVerifier.create(backend.deleteResult(ref)).expectNext(true).verifyComplete();
    StepVerifier.create(backend.getResult(ref)).verifyComplete();
    backend.setResult(ref, JSON.numberNode(4), Duration.ofMinutes(10), true).block(SOON);
    time.advance(Duration.ofMinutes(10));
    StepVerifier.create(backend.getResult(ref)).verifyComplete();
  }

  @Test
  void awaitResultEmitsAtOnceOrOnTheWrite() {
    MessageRef ref = ref("a", "r2");
    StepVerifier.create(backend.awaitResult(ref).map(r -> r.value().stringValue()))
        .expectSubscription()
        .then(
            () ->
                backend.setResult(ref, JSON.stringNode("v"), Duration.ofHours(1), true).block(SOON))
        .expectNext("v")
        .verifyComplete();
    StepVerifier.create(backend.awaitResult(ref).map(r -> r.value().stringValue()))
        .expectNext("v")
        .verifyComplete();
  }

  // ------------------------------------------------------------------ locks and counters

  @Test
  void aLockHasOneOwnerAtATime() {
    String lock = prefix + "lock";
    Duration ttl = Duration.ofMinutes(1);
    StepVerifier.create(backend.acquireLock(lock, "A", ttl))
        .expectNext(LockResult.ACQUIRED)
        .verifyComplete();
    StepVerifier.create(backend.acquireLock(lock, "A", ttl))
        .expectNext(LockResult.HELD_BY_OWNER)
        .verifyComplete();
    StepVerifier.create(backend.acquireLock(lock, "B", ttl))
        .expectNext(LockResult.HELD_BY_OTHER)
        .verifyComplete();
    StepVerifier.create(backend.lockHolder(lock)).expectNext("A").verifyComplete();
    StepVerifier.create(backend.releaseLock(lock, "B")).expectNext(false).verifyComplete();
    StepVerifier.create(backend.awaitLockFree(lock))
        .expectSubscription()
        .then(() -> assertTrue(backend.releaseLock(lock, "A").block(SOON)))
        .expectComplete()
        .verify(SOON);
    StepVerifier.create(backend.lockHolder(lock)).verifyComplete();
    StepVerifier.create(backend.releaseLock(lock, "A")).expectNext(false).verifyComplete();
    StepVerifier.create(backend.acquireLock(lock, "B", ttl))
        .expectNext(LockResult.ACQUIRED)
        .verifyComplete();
  }

  @Test
  void aLockExpiresWithItsTtlAndWakesItsWaiters() {
    String lock = prefix + "lock";
    backend.acquireLock(lock, "A", Duration.ofSeconds(10)).block(SOON);
    StepVerifier.create(backend.awaitLockFree(lock))
        .expectSubscription()
        .then(() -> time.advance(Duration.ofSeconds(9)))
        .expectNoEvent(Duration.ofMillis(50))
        .then(() -> time.advance(Duration.ofSeconds(1)))
        .expectComplete()
        .verify(SOON);
    StepVerifier.create(backend.lockHolder(lock)).verifyComplete();
    StepVerifier.create(backend.acquireLock(lock, "B", Duration.ofSeconds(10)))
        .expectNext(LockResult.ACQUIRED)
        .verifyComplete();
  }

  @Test
  void countersStartAtOneAndNeverRepeat() {
    String c = prefix + "ids";
    StepVerifier.create(backend.increment(c)).expectNext(1L).verifyComplete();
    StepVerifier.create(backend.increment(c)).expectNext(2L).verifyComplete();
    StepVerifier.create(backend.increment(prefix + "other")).expectNext(1L).verifyComplete();
    List<Long> many =
        Flux.range(0, 200)
            .flatMap(i -> backend.increment(c).subscribeOn(Schedulers.parallel()))
            .collectList()
            .block(SOON);
    assertEquals(200, new HashSet<>(many).size());
    assertEquals(202L, backend.increment(c).block(SOON) - 1);
  }

  // ------------------------------------------------------------------ capacity, listing, close

  @Test
  void aFullBackendRejectsNewMessagesWithATypedError() {
    Backend small = createBackend(time.clock(), 2);
    try {
      assertTrue(small.enqueue(new EnqueueRequest(message("a", 0), R)).block(SOON));
      assertTrue(small.enqueue(new EnqueueRequest(message("a", 0), R)).block(SOON));
      Message third = message("a", 0);
      StepVerifier.create(small.enqueue(new EnqueueRequest(third, R)))
          .expectError(CapacityExceededException.class)
          .verify(SOON);
      StepVerifier.create(small.find(third.ref())).verifyComplete();
      ClaimRequest req =
          new ClaimRequest(
              List.of(QueueSelector.of(queue("a"))), 1, "w", Duration.ofSeconds(30), R);
      Delivery d = small.claim(req).block(SOON).get(0);
      small.complete(completion(d.lease(), "ok")).block(SOON);
      StepVerifier.create(small.enqueue(new EnqueueRequest(third, R)))
          .expectNext(true)
          .verifyComplete();
      verifyAfterEach(small);
    } finally {
      small.closeAsync().block(SOON);
    }
  }

  @Test
  void statsListAndQueuesDescribeWhatIsStored() {
    Message ready1 = message("a", 2);
    Message ready2 = message("a", 1);
    Message delayed = message("a", "work").delay(Duration.ofMinutes(1)).build();
    Message leased = message("a", 0);
    List.of(leased).forEach(this::enqueue);
    Delivery d = claimOne("w", "a");
    List.of(ready1, ready2, delayed).forEach(this::enqueue);
    assertEquals(new QueueStats(queue("a"), 2, 1, 1, 0), backend.stats(queue("a")).block(SOON));
    assertEquals(
        new QueueStats(queue("none"), 0, 0, 0, 0), backend.stats(queue("none")).block(SOON));
    StepVerifier.create(backend.list(queue("a"), MessageState.READY, 0, 10).map(s -> s.ref().id()))
        .expectNext(ready2.id(), ready1.id())
        .verifyComplete();
    StepVerifier.create(backend.list(queue("a"), MessageState.READY, 1, 10).map(s -> s.ref().id()))
        .expectNext(ready1.id())
        .verifyComplete();
    StepVerifier.create(
            backend.list(queue("a"), MessageState.DELAYED, 0, 10).map(s -> s.ref().id()))
        .expectNext(delayed.id())
        .verifyComplete();
    StepVerifier.create(
            backend.list(queue("a"), MessageState.LEASED, 0, 10).map(StoredMessage::lease))
        .expectNext(d.lease())
        .verifyComplete();
    List<String> names = backend.queues().collectList().block(SOON);
    assertTrue(names.contains(queue("a")), names.toString());
    assertFalse(names.contains(queue("none")), names.toString());
  }

  @Test
  void aClosedBackendFailsOperationsAndEndsWaits() {
    MessageRef ref = ref("a", "never");
    StepVerifier.create(backend.awaitResult(ref))
        .expectSubscription()
        .then(() -> backend.closeAsync().block(SOON))
        .expectError(BackendUnavailableException.class)
        .verify(SOON);
    StepVerifier.create(backend.enqueue(new EnqueueRequest(message("a", 0), R)))
        .expectError(BackendUnavailableException.class)
        .verify(SOON);
    StepVerifier.create(backend.enqueueAll(List.of(new EnqueueRequest(message("a", 0), R))))
        .expectError(BackendUnavailableException.class)
        .verify(SOON);
  }

  @Test
  void aNamespaceViewSharesTheStoreOfItsNamespaceOnlyAndClosesWithItsBackend() {
    assertSame(backend, backend.withNamespace(backend.namespace()));
    String ns = "view-" + prefix;
    Backend view = backend.withNamespace(ns);
    assertEquals(ns, view.namespace());
    Message inView = message("a", 0);
    Message inRoot = message("a", 1);
    assertTrue(view.enqueue(new EnqueueRequest(inView, R)).block(SOON));
    enqueue(inRoot);
    // Each namespace sees only its own messages, statuses and locks...
    assertNull(find(inView.ref()));
    assertNull(view.find(inRoot.ref()).block(SOON));
    assertEquals(1, view.stats(queue("a")).block(SOON).live());
    assertEquals(1, backend.stats(queue("a")).block(SOON).live());
    assertEquals(LockResult.ACQUIRED, view.acquireLock(prefix + "l", "v", R.message()).block(SOON));
    assertNull(backend.lockHolder(prefix + "l").block(SOON));
    // ...and another view of the same namespace (from the backend or a view) is the same store.
    Backend again = view.withNamespace(ns);
    assertEquals(inView.id(), again.find(inView.ref()).block(SOON).message().id());
    assertSame(backend, view.withNamespace(backend.namespace()));
    // Closing the backend closes its views.
    backend.closeAsync().block(SOON);
    StepVerifier.create(view.stats(queue("a")))
        .expectError(BackendUnavailableException.class)
        .verify(SOON);
  }

  private static List<String> ids(List<Delivery> deliveries) {
    List<String> ids = new ArrayList<>();
    deliveries.forEach(d -> ids.add(d.lease().ref().id()));
    return ids;
  }
}
