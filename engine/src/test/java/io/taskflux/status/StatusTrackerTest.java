package io.taskflux.status;

import static io.taskflux.task.TaskStatus.FAILED;
import static io.taskflux.task.TaskStatus.RETRYING;
import static io.taskflux.task.TaskStatus.RUNNING;
import static io.taskflux.task.TaskStatus.SUBMITTED;
import static io.taskflux.task.TaskStatus.SUCCEEDED;
import static io.taskflux.task.TaskStatus.UNKNOWN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskflux.NotFoundException;
import io.taskflux.broker.InMemoryServiceTest;
import io.taskflux.spi.EnqueueRequest;
import io.taskflux.task.ExceptionDetails;
import io.taskflux.task.Message;
import io.taskflux.task.MessageRef;
import io.taskflux.task.StatusUpdate;
import io.taskflux.task.TaskStatus;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/** BEHAVIOUR.md §1.10 (statuses), with DESIGN decisions 1 and 4. */
class StatusTrackerTest extends InMemoryServiceTest {

  private static final MessageRef REF = MessageRef.of("q", "m1");

  private StatusTracker tracker;

  @BeforeEach
  void setUp() {
    tracker = StatusTracker.create(backend);
  }

  private TaskStatus current(MessageRef ref) {
    return tracker.get(ref).block(SOON).status();
  }

  @Test
  void setThenGetAndExists() {
    StepVerifier.create(tracker.exists(REF)).expectNext(false).verifyComplete();
    ExceptionDetails boom = ExceptionDetails.of("x.Boom", "boom");
    tracker.set(REF, RETRYING, boom).block(SOON);
    StepVerifier.create(tracker.get(REF))
        .expectNext(new StatusUpdate(RETRYING, START, boom))
        .verifyComplete();
    StepVerifier.create(tracker.exists(REF)).expectNext(true).verifyComplete();
  }

  @Test
  void getOfAMissingStatusIsNotFound() {
    StepVerifier.create(tracker.get(REF)).expectError(NotFoundException.class).verify(SOON);
  }

  @Test
  void everyWriteCarriesTheTtlWhateverTheFirstStatus() {
    StatusTracker shortLived = StatusTracker.create(backend, Duration.ofMinutes(10));
    // The seed applies its TTL only to SUBMITTED; decision 4 applies it to every write.
    shortLived.set(REF, RUNNING).block(SOON);
    advance(Duration.ofMinutes(9));
    shortLived.set(REF, SUCCEEDED).block(SOON);
    advance(Duration.ofMinutes(9));
    assertEquals(SUCCEEDED, current(REF));
    advance(Duration.ofMinutes(1));
    StepVerifier.create(shortLived.exists(REF)).expectNext(false).verifyComplete();
  }

  @Test
  void deleteWithCheckRefusesANonTerminalStatus() {
    tracker.set(REF, RUNNING).block(SOON);
    StepVerifier.create(tracker.delete(REF))
        .expectErrorSatisfies(
            e -> {
              assertTrue(e instanceof StatusNotTerminalException, e.toString());
              assertEquals(RUNNING, ((StatusNotTerminalException) e).status());
              assertEquals(REF, ((StatusNotTerminalException) e).ref());
            })
        .verify(SOON);
    assertEquals(RUNNING, current(REF));
    StepVerifier.create(tracker.delete(REF, false)).verifyComplete();
    StepVerifier.create(tracker.exists(REF)).expectNext(false).verifyComplete();
  }

  @Test
  void deleteWithCheckRemovesATerminalStatus() {
    tracker.set(REF, FAILED).block(SOON);
    StepVerifier.create(tracker.delete(REF)).verifyComplete();
    StepVerifier.create(tracker.exists(REF)).expectNext(false).verifyComplete();
  }

  @Test
  void deletingAMissingStatusIsNotFound() {
    StepVerifier.create(tracker.delete(REF)).expectError(NotFoundException.class).verify(SOON);
    StepVerifier.create(tracker.delete(REF, false))
        .expectError(NotFoundException.class)
        .verify(SOON);
  }

  @Test
  void listenToUpdatesStreamsUntilTheFirstTerminalStatus() {
    tracker.set(REF, SUBMITTED).block(SOON);
    StepVerifier.create(tracker.listenToUpdates(REF).map(StatusUpdate::status))
        .expectNext(SUBMITTED)
        .then(() -> tracker.set(REF, RUNNING).block(SOON))
        .expectNext(RUNNING)
        .then(() -> tracker.set(REF, RETRYING).block(SOON))
        .expectNext(RETRYING)
        .then(() -> tracker.set(REF, RUNNING).block(SOON))
        .expectNext(RUNNING)
        .then(() -> tracker.set(REF, SUCCEEDED).block(SOON))
        .expectNext(SUCCEEDED)
        .verifyComplete();
  }

  @Test
  void listenToUpdatesEndsAtOnceOnATerminalCurrentStatus() {
    tracker.set(REF, FAILED).block(SOON);
    StepVerifier.create(tracker.listenToUpdates(REF).map(StatusUpdate::status))
        .expectNext(FAILED)
        .verifyComplete();
  }

  @Test
  void listenToUpdatesWithoutAutoExitKeepsGoing() {
    StepVerifier.create(tracker.listenToUpdates(REF, false).map(StatusUpdate::status))
        .then(() -> tracker.set(REF, SUCCEEDED).block(SOON))
        .expectNext(SUCCEEDED)
        .then(() -> tracker.set(REF, UNKNOWN).block(SOON))
        .expectNext(UNKNOWN)
        .thenCancel()
        .verify(SOON);
  }

  @Test
  void publishUpdateReachesListeners() {
    StatusUpdate update = new StatusUpdate(FAILED, START, ExceptionDetails.of("x.Y", "why"));
    StepVerifier.create(tracker.listenToUpdates(REF))
        .then(() -> tracker.publishUpdate(REF, update).block(SOON))
        .expectNext(update)
        .verifyComplete();
  }

  @Test
  void waitForEmitsAtOnceWhenAlreadyThere() {
    tracker.set(REF, SUCCEEDED).block(SOON);
    StepVerifier.create(tracker.waitFor(REF, SUCCEEDED, Duration.ofSeconds(5)).map(s -> s.status()))
        .expectNext(SUCCEEDED)
        .verifyComplete();
  }

  @Test
  void waitForWakesOnTheWriteOfOneOfTheStatuses() {
    tracker.set(REF, RUNNING).block(SOON);
    StepVerifier.create(
            tracker
                .waitFor(REF, Set.of(SUCCEEDED, FAILED), Duration.ofSeconds(5))
                .map(s -> s.status()))
        .then(() -> tracker.set(REF, RETRYING).block(SOON))
        .expectNoEvent(Duration.ofMillis(20))
        .then(() -> advance(Duration.ofSeconds(4)))
        .then(() -> tracker.set(REF, FAILED).block(SOON))
        .expectNext(FAILED)
        .verifyComplete();
  }

  @Test
  void waitForTimesOutWithTimeoutException() {
    tracker.set(REF, RUNNING).block(SOON);
    StepVerifier.create(tracker.waitFor(REF, SUCCEEDED, Duration.ofSeconds(5)))
        .then(() -> advance(Duration.ofMillis(4999)))
        .expectNoEvent(Duration.ofMillis(20))
        .then(() -> advance(Duration.ofMillis(1)))
        .expectErrorSatisfies(
            e -> {
              assertTrue(e instanceof TimeoutException, e.toString());
              assertTrue(e.getMessage().contains("last seen: RUNNING"), e.getMessage());
            })
        .verify(SOON);
  }

  @Test
  void waitForWithoutRaisingReturnsTheLastStatusSeen() {
    tracker.set(REF, RUNNING).block(SOON);
    StepVerifier.create(
            tracker
                .waitFor(REF, Set.of(SUCCEEDED), Duration.ofSeconds(5), false)
                .map(s -> s.status()))
        .then(() -> tracker.set(REF, RETRYING).block(SOON))
        .then(() -> advance(Duration.ofSeconds(5)))
        .expectNext(RETRYING)
        .verifyComplete();
  }

  @Test
  void waitForWithoutRaisingReturnsUnknownWhenNothingWasSeen() {
    StepVerifier.create(tracker.waitFor(REF, Set.of(SUCCEEDED), Duration.ofSeconds(5), false))
        .then(() -> advance(Duration.ofSeconds(5)))
        .expectNextMatches(s -> s.status() == UNKNOWN && s.at().equals(START.plusSeconds(5)))
        .verifyComplete();
  }

  @Test
  void waitForWithZeroLooksOnce() {
    tracker.set(REF, RUNNING).block(SOON);
    StepVerifier.create(tracker.waitFor(REF, SUCCEEDED, Duration.ZERO))
        .expectError(NotFoundException.class)
        .verify(SOON);
    StepVerifier.create(tracker.waitFor(REF, Set.of(SUCCEEDED), Duration.ZERO, false))
        .expectNextMatches(s -> s.status() == RUNNING)
        .verifyComplete();
    StepVerifier.create(tracker.waitFor(REF, RUNNING, Duration.ZERO).map(s -> s.status()))
        .expectNext(RUNNING)
        .verifyComplete();
  }

  @Test
  void waitForWithoutTimeoutWaitsForEver() {
    StepVerifier.create(tracker.waitFor(REF, Set.of(SUCCEEDED)).map(s -> s.status()))
        .then(() -> advance(Duration.ofDays(365)))
        .expectNoEvent(Duration.ofMillis(20))
        .then(() -> tracker.set(REF, SUCCEEDED).block(SOON))
        .expectNext(SUCCEEDED)
        .verifyComplete();
  }

  @Test
  void waitForRejectsAnEmptySetOrNegativeTimeout() {
    assertThrows(
        IllegalArgumentException.class, () -> tracker.waitFor(REF, Set.of(), Duration.ZERO));
    assertThrows(
        IllegalArgumentException.class,
        () -> tracker.waitFor(REF, SUCCEEDED, Duration.ofSeconds(-1)));
  }

  @Test
  void integrityScanMarksOrphanedNonTerminalStatusesUnknown() {
    Message live = message("q");
    backend.enqueue(EnqueueRequest.of(live)).block(SOON);
    MessageRef orphanRunning = MessageRef.of("q", "gone-running");
    MessageRef orphanRetrying = MessageRef.of("q", "gone-retrying");
    MessageRef finished = MessageRef.of("q", "done");
    MessageRef elsewhere = MessageRef.of("other", "gone");
    tracker.set(orphanRunning, RUNNING).block(SOON);
    tracker.set(orphanRetrying, RETRYING).block(SOON);
    tracker.set(finished, SUCCEEDED).block(SOON);
    tracker.set(elsewhere, RUNNING).block(SOON);

    StepVerifier.create(tracker.scanIntegrity(List.of("q"))).expectNext(2L).verifyComplete();

    assertEquals(UNKNOWN, current(orphanRunning));
    assertEquals(UNKNOWN, current(orphanRetrying));
    assertEquals(SUCCEEDED, current(finished));
    assertEquals(SUBMITTED, current(live.ref()));
    assertEquals(RUNNING, current(elsewhere), "queue not scanned");
    StepVerifier.create(tracker.scanIntegrity(List.of("q"))).expectNext(0L).verifyComplete();
  }

  @Test
  void integrityScanOverListedQueues() {
    backend.enqueue(EnqueueRequest.of(message("q"))).block(SOON);
    tracker.set(MessageRef.of("q", "gone"), RUNNING).block(SOON);
    StepVerifier.create(tracker.scanIntegrity()).expectNext(1L).verifyComplete();
  }

  @Test
  void periodicIntegrityScanRunsOnTheGivenScheduler() {
    MessageRef orphan = MessageRef.of("q", "gone");
    StepVerifier.create(
            tracker.scanIntegrityEvery(Duration.ofHours(1), List.of("q"), time.scheduler()))
        .then(() -> tracker.set(orphan, RUNNING).block(SOON))
        .then(() -> advance(Duration.ofMinutes(59)))
        .expectNoEvent(Duration.ofMillis(20))
        .then(() -> advance(Duration.ofMinutes(1)))
        .expectNext(1L)
        .then(() -> advance(Duration.ofHours(1)))
        .expectNext(0L)
        .thenCancel()
        .verify(SOON);
    assertEquals(UNKNOWN, current(orphan));
  }
}
