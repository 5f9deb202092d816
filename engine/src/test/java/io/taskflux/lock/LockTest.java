package io.taskflux.lock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskflux.broker.InMemoryServiceTest;
import io.taskflux.lock.Lock.IfAlreadyAcquired;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.publisher.PublisherProbe;

/** BEHAVIOUR.md §1.12: the distributed mutex. */
class LockTest extends InMemoryServiceTest {

  private Lock lock(String owner) {
    return Lock.create(backend, "mutex", owner, Lock.DEFAULT_TTL);
  }

  private static void expectReason(Mono<?> mono, LockException.Reason reason) {
    StepVerifier.create(mono)
        .expectErrorSatisfies(
            e -> {
              assertTrue(e instanceof LockException, e.toString());
              assertEquals(reason, ((LockException) e).reason());
              assertEquals("mutex", ((LockException) e).lockName());
            })
        .verify(SOON);
  }

  @Test
  void acquireTakesAFreeLockAndReportsHeldAndHolder() {
    Lock a = lock("a");
    StepVerifier.create(a.held()).expectNext(false).verifyComplete();
    StepVerifier.create(a.holder()).verifyComplete();
    StepVerifier.create(a.acquire()).expectNext(true).verifyComplete();
    StepVerifier.create(a.held()).expectNext(true).verifyComplete();
    StepVerifier.create(a.holder()).expectNext("a").verifyComplete();
    StepVerifier.create(lock("b").held()).expectNext(false).verifyComplete();
  }

  @Test
  void anotherOwnerCannotAcquireWithoutWaiting() {
    lock("a").acquire().block(SOON);
    StepVerifier.create(lock("b").acquire()).expectNext(false).verifyComplete();
    StepVerifier.create(lock("b").holder()).expectNext("a").verifyComplete();
  }

  @Test
  void theThreeAlreadyAcquiredBehaviours() {
    Lock a = lock("a");
    a.acquire().block(SOON);
    expectReason(a.acquire(), LockException.Reason.ALREADY_HELD);
    StepVerifier.create(a.acquire(Duration.ZERO, IfAlreadyAcquired.RETURN_TRUE))
        .expectNext(true)
        .verifyComplete();
    StepVerifier.create(a.acquire(Duration.ZERO, IfAlreadyAcquired.RETURN_FALSE))
        .expectNext(false)
        .verifyComplete();
    // None of them changed the holder.
    StepVerifier.create(a.holder()).expectNext("a").verifyComplete();
  }

  @Test
  void twoLockObjectsWithTheSameOwnerShareOwnership() {
    Lock first = lock("same");
    Lock second = lock("same");
    first.acquire().block(SOON);
    StepVerifier.create(second.held()).expectNext(true).verifyComplete();
    expectReason(second.acquire(), LockException.Reason.ALREADY_HELD);
    StepVerifier.create(second.release()).expectNext(true).verifyComplete();
    StepVerifier.create(first.held()).expectNext(false).verifyComplete();
  }

  @Test
  void releaseChecksTheOwner() {
    Lock a = lock("a");
    Lock b = lock("b");
    StepVerifier.create(a.release()).expectNext(false).verifyComplete();
    expectReason(a.release(true), LockException.Reason.NOT_HELD);
    a.acquire().block(SOON);
    StepVerifier.create(b.release()).expectNext(false).verifyComplete();
    expectReason(b.release(true), LockException.Reason.NOT_HELD);
    StepVerifier.create(a.holder()).expectNext("a").verifyComplete();
    StepVerifier.create(a.release(true)).expectNext(true).verifyComplete();
    StepVerifier.create(a.holder()).verifyComplete();
  }

  @Test
  void aHoldExpiresAfterItsTtl() {
    Lock a = Lock.create(backend, "mutex", "a", Duration.ofSeconds(10));
    a.acquire().block(SOON);
    advance(Duration.ofSeconds(9));
    StepVerifier.create(lock("b").acquire()).expectNext(false).verifyComplete();
    advance(Duration.ofSeconds(1));
    StepVerifier.create(a.held()).expectNext(false).verifyComplete();
    StepVerifier.create(lock("b").acquire()).expectNext(true).verifyComplete();
  }

  @Test
  void aWaitingAcquireWakesOnReleaseWithoutPolling() {
    Lock a = lock("a");
    Lock b = lock("b");
    a.acquire().block(SOON);
    CompletableFuture<Boolean> got = b.acquire(Duration.ofMinutes(1)).toFuture();
    assertEquals(1, backend.waiterCount(), "b waits on the lock-free signal");
    advance(Duration.ofSeconds(30));
    assertTrue(!got.isDone(), "still waiting while a holds it");
    a.release().block(SOON);
    assertTrue(got.getNow(false), "acquired on the release, with no time passing");
    StepVerifier.create(b.held()).expectNext(true).verifyComplete();
  }

  @Test
  void aWaitingAcquireWakesWhenTheHoldExpires() {
    Lock a = Lock.create(backend, "mutex", "a", Duration.ofSeconds(20));
    a.acquire().block(SOON);
    CompletableFuture<Boolean> got = lock("b").acquire(Duration.ofMinutes(1)).toFuture();
    advance(Duration.ofSeconds(19));
    assertTrue(!got.isDone());
    advance(Duration.ofSeconds(1));
    assertTrue(got.getNow(false));
  }

  @Test
  void aWaitingAcquireGivesUpAtTheDeadline() {
    lock("a").acquire().block(SOON);
    StepVerifier.create(lock("b").acquire(Duration.ofSeconds(5)))
        .then(() -> advance(Duration.ofSeconds(4)))
        .expectNoEvent(Duration.ofMillis(20))
        .then(() -> advance(Duration.ofSeconds(1)))
        .expectNext(false)
        .verifyComplete();
  }

  @Test
  void aHoldEndingExactlyAtTheDeadlineIsTaken() {
    Lock a = Lock.create(backend, "mutex", "a", Duration.ofSeconds(5));
    a.acquire().block(SOON);
    StepVerifier.create(lock("b").acquire(Duration.ofSeconds(5)))
        .then(() -> advance(Duration.ofSeconds(5)))
        .expectNext(true)
        .verifyComplete();
  }

  @Test
  void withLockRunsTheBodyAndReleasesOnSuccess() {
    Lock a = lock("a");
    Mono<String> body = a.held().map(held -> held ? "ran while held" : "ran without the lock");
    StepVerifier.create(Lock.withLock(a, body)).expectNext("ran while held").verifyComplete();
    StepVerifier.create(a.holder()).verifyComplete();
  }

  @Test
  void withLockReleasesOnError() {
    Lock a = lock("a");
    StepVerifier.create(Lock.withLock(a, Mono.error(new IllegalStateException("boom"))))
        .expectErrorMessage("boom")
        .verify(SOON);
    StepVerifier.create(a.holder()).verifyComplete();
  }

  @Test
  void withLockReleasesOnCancel() {
    Lock a = lock("a");
    StepVerifier.create(Lock.withLock(a, Mono.never()))
        .expectSubscription()
        .then(() -> assertEquals("a", a.holder().block(SOON)))
        .thenCancel()
        .verify(SOON);
    StepVerifier.create(a.holder()).verifyComplete();
  }

  @Test
  void withLockDoesNotRunTheBodyWhenHeldElsewhere() {
    lock("b").acquire().block(SOON);
    PublisherProbe<String> body = PublisherProbe.of(Mono.just("x"));
    expectReason(Lock.withLock(lock("a"), body.mono()), LockException.Reason.UNAVAILABLE);
    body.assertWasNotSubscribed();
    StepVerifier.create(lock("a").holder()).expectNext("b").verifyComplete();
  }

  @Test
  void withLockRefusesANestedHoldOfTheSameOwner() {
    Lock a = lock("a");
    AtomicBoolean ran = new AtomicBoolean();
    Mono<String> nested = Lock.withLock(a, Mono.fromRunnable(() -> ran.set(true)));
    StepVerifier.create(Lock.withLock(a, nested))
        .expectErrorSatisfies(
            e -> assertEquals(LockException.Reason.ALREADY_HELD, ((LockException) e).reason()))
        .verify(SOON);
    assertTrue(!ran.get());
    StepVerifier.create(a.holder()).verifyComplete();
  }

  @Test
  void withLockWaitsForTheLock() {
    Lock b = lock("b");
    b.acquire().block(SOON);
    CompletableFuture<String> result =
        Lock.withLock(lock("a"), Duration.ofSeconds(10), Mono.just("done")).toFuture();
    assertTrue(!result.isDone());
    b.release().block(SOON);
    assertEquals("done", result.getNow(null));
  }

  @Test
  void ownerIdsFollowTheSeedFormat() throws Exception {
    String pid = Long.toString(ProcessHandle.current().pid());
    assertTrue(Lock.hostOwnerId().startsWith("lock:"), Lock.hostOwnerId());
    assertEquals(Lock.hostOwnerId() + ":process:" + pid, Lock.jvmOwnerId());
    assertTrue(Lock.threadOwnerId().startsWith(Lock.jvmOwnerId() + ":thread:"));
    String[] other = new String[1];
    Thread t = new Thread(() -> other[0] = Lock.threadOwnerId());
    t.start();
    t.join(TimeUnit.SECONDS.toMillis(5));
    assertNotEquals(Lock.threadOwnerId(), other[0]);
    assertEquals(Lock.jvmOwnerId(), Lock.create(backend, "x").ownerId());
    assertEquals(Lock.threadOwnerId(), Lock.forThread(backend, "x").ownerId());
  }

  @Test
  void threadLocksKeepThreadsApart() throws Exception {
    Lock mine = Lock.forThread(backend, "mutex");
    Lock[] theirs = new Lock[1];
    Thread t = new Thread(() -> theirs[0] = Lock.forThread(backend, "mutex"));
    t.start();
    t.join(TimeUnit.SECONDS.toMillis(5));
    mine.acquire().block(SOON);
    StepVerifier.create(theirs[0].acquire()).expectNext(false).verifyComplete();
  }

  @Test
  void invalidArgumentsFailAtOnce() {
    assertThrows(IllegalArgumentException.class, () -> Lock.create(backend, " "));
    assertThrows(
        IllegalArgumentException.class, () -> Lock.create(backend, "x", "", Lock.DEFAULT_TTL));
    assertThrows(
        IllegalArgumentException.class, () -> Lock.create(backend, "x", "o", Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> lock("a").acquire(Duration.ofSeconds(-1)));
  }
}
