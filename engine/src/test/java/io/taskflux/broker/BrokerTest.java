package io.taskflux.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskflux.MessageAlreadyExistsException;
import io.taskflux.NotFoundException;
import io.taskflux.spi.ClaimRequest;
import io.taskflux.spi.Delivery;
import io.taskflux.spi.MessageState;
import io.taskflux.spi.QueueSelector;
import io.taskflux.spi.Retention;
import io.taskflux.spi.SettleResult;
import io.taskflux.spi.StoredMessage;
import io.taskflux.task.ExceptionDetails;
import io.taskflux.task.Message;
import io.taskflux.task.MessageRef;
import io.taskflux.task.TaskStatus;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/** BEHAVIOUR.md §1.4 (Broker), with DESIGN decision 2 for retry times. */
class BrokerTest extends InMemoryServiceTest {

  private static final ExceptionDetails BOOM = ExceptionDetails.of("x.Boom", "boom");

  private Broker broker;
  private Message msg;

  @BeforeEach
  void setUp() {
    broker = Broker.create(backend);
    msg = message("q");
  }

  private StoredMessage stored(MessageRef ref) {
    return backend.find(ref).block(SOON);
  }

  private TaskStatus status(MessageRef ref) {
    return backend.getStatus(ref).block(SOON).status();
  }

  private Delivery claim() {
    List<Delivery> got =
        backend
            .claim(
                new ClaimRequest(
                    List.of(QueueSelector.of("q")),
                    1,
                    "worker",
                    Duration.ofMinutes(1),
                    Retention.defaults()))
            .block(SOON);
    assertEquals(1, got.size());
    return got.get(0);
  }

  @Test
  void submitStoresTheMessageForTheDefaultSevenDays() {
    StepVerifier.create(broker.submit(msg)).verifyComplete();
    StepVerifier.create(broker.exists(msg.ref())).expectNext(true).verifyComplete();
    assertEquals(TaskStatus.SUBMITTED, status(msg.ref()));
    assertEquals(START.plus(Duration.ofDays(7)), stored(msg.ref()).expiresAt());
    advance(Duration.ofDays(7));
    StepVerifier.create(broker.exists(msg.ref())).expectNext(false).verifyComplete();
  }

  @Test
  void submitTakesAnExplicitTtl() {
    broker.submit(msg, Duration.ofMinutes(5)).block(SOON);
    advance(Duration.ofMinutes(5));
    StepVerifier.create(broker.exists(msg.ref())).expectNext(false).verifyComplete();
  }

  @Test
  void aDuplicateIdIsRefusedAndChangesNothing() {
    broker.submit(msg).block(SOON);
    Message twin = msg.toBuilder().priority(9).build();
    StepVerifier.create(broker.submit(twin))
        .expectErrorSatisfies(
            e -> {
              assertTrue(e instanceof MessageAlreadyExistsException, e.toString());
              assertEquals(msg.id(), ((MessageAlreadyExistsException) e).messageId());
            })
        .verify(SOON);
    assertEquals(0, stored(msg.ref()).message().priority());
  }

  @Test
  void ackRemovesAndIsIdempotent() {
    broker.submit(msg).block(SOON);
    StepVerifier.create(broker.ack(msg.ref())).expectNext(true).verifyComplete();
    StepVerifier.create(broker.ack(msg.ref())).expectNext(false).verifyComplete();
    StepVerifier.create(broker.exists(msg.ref())).expectNext(false).verifyComplete();
    StepVerifier.create(broker.inDlq(msg.ref())).expectNext(false).verifyComplete();
  }

  @Test
  void removeTakesARunningMessageAndItsLease() {
    broker.submit(msg).block(SOON);
    Delivery d = claim();
    StepVerifier.create(broker.remove(msg.ref())).expectNext(true).verifyComplete();
    StepVerifier.create(broker.fail(d, BOOM)).expectNext(SettleResult.LEASE_LOST).verifyComplete();
  }

  @Test
  void failMovesAWaitingMessageToTheDlqForItsTtl() {
    Broker b = Broker.create(backend, Retention.defaults().withDeadLetter(Duration.ofHours(1)));
    b.submit(msg).block(SOON);
    StepVerifier.create(b.fail(msg, BOOM)).expectNext(true).verifyComplete();
    StepVerifier.create(b.exists(msg.ref())).expectNext(false).verifyComplete();
    StepVerifier.create(b.inDlq(msg.ref())).expectNext(true).verifyComplete();
    assertEquals(BOOM, stored(msg.ref()).message().exceptionDetails());
    assertEquals(TaskStatus.FAILED, status(msg.ref()));
    assertEquals(BOOM, backend.getStatus(msg.ref()).block(SOON).error());
    StepVerifier.create(backend.isRevoked(msg.ref())).expectNext(false).verifyComplete();
    // Calling it twice is safe.
    StepVerifier.create(b.fail(msg, BOOM)).expectNext(false).verifyComplete();
    StepVerifier.create(b.inDlq(msg.ref())).expectNext(true).verifyComplete();
    advance(Duration.ofHours(1));
    StepVerifier.create(b.inDlq(msg.ref())).expectNext(false).verifyComplete();
  }

  @Test
  void failOfARunningMessageTakesItsLease() {
    broker.submit(msg).block(SOON);
    Delivery d = claim();
    StepVerifier.create(broker.fail(msg)).expectNext(true).verifyComplete();
    StepVerifier.create(broker.inDlq(msg.ref())).expectNext(true).verifyComplete();
    assertEquals(TaskStatus.FAILED, status(msg.ref()));
    StepVerifier.create(broker.retry(d, BOOM)).expectNext(SettleResult.LEASE_LOST).verifyComplete();
  }

  @Test
  void failWithAZeroDlqTtlKeepsNothing() {
    Broker noDlq = Broker.create(backend, Retention.defaults().withDeadLetter(Duration.ZERO));
    noDlq.submit(msg).block(SOON);
    StepVerifier.create(noDlq.fail(msg, BOOM)).expectNext(true).verifyComplete();
    StepVerifier.create(noDlq.exists(msg.ref())).expectNext(false).verifyComplete();
    StepVerifier.create(noDlq.inDlq(msg.ref())).expectNext(false).verifyComplete();
  }

  @Test
  void failOfAMessageNoLongerLiveStillKeepsItsDeadLetterButNotItsStatus() {
    // As the seed: fail = ack, then write the DLQ entry from the message given.
    broker.submit(msg).block(SOON);
    backend
        .setStatus(
            msg.ref(),
            io.taskflux.task.StatusUpdate.of(TaskStatus.SUCCEEDED, START),
            Duration.ofHours(1))
        .block(SOON);
    broker.ack(msg.ref()).block(SOON);
    StepVerifier.create(broker.fail(msg, BOOM)).expectNext(false).verifyComplete();
    StepVerifier.create(broker.inDlq(msg.ref())).expectNext(true).verifyComplete();
    assertEquals(TaskStatus.SUCCEEDED, status(msg.ref()), "a finished status is never overwritten");
  }

  @Test
  void failByDeliveryIsLeaseChecked() {
    broker.submit(msg).block(SOON);
    Delivery d = claim();
    StepVerifier.create(broker.fail(d, BOOM)).expectNext(SettleResult.APPLIED).verifyComplete();
    StepVerifier.create(broker.inDlq(msg.ref())).expectNext(true).verifyComplete();
    StepVerifier.create(broker.fail(d, BOOM)).expectNext(SettleResult.LEASE_LOST).verifyComplete();
  }

  @Test
  void retryOfAMissingMessageIsNotFound() {
    StepVerifier.create(broker.retry(msg.ref())).expectError(NotFoundException.class).verify(SOON);
    broker.submit(msg).block(SOON);
    broker.fail(msg, BOOM).block(SOON);
    StepVerifier.create(broker.retry(msg.ref())).expectError(NotFoundException.class).verify(SOON);
  }

  @Test
  void retryCountsARetryAndBacksOffFromNowKeepingTheTtl() {
    broker.submit(msg).block(SOON);
    advance(Duration.ofMinutes(10));
    StepVerifier.create(broker.retry(msg.ref()))
        .assertNext(
            m -> {
              assertEquals(1, m.retries());
              // Decision 2: default exponential backoff, 60 s after one failure, from now.
              assertEquals(START.plus(Duration.ofMinutes(10)).plusSeconds(60), m.readyAt());
              assertEquals(time.now(), m.updatedAt());
            })
        .verifyComplete();
    StoredMessage s = stored(msg.ref());
    assertEquals(1, s.message().retries());
    assertEquals(START.plus(Duration.ofDays(7)), s.expiresAt());
    assertEquals(START.plus(Duration.ofMinutes(11)), s.message().readyAt());
  }

  @Test
  void retryOfARunningMessageReleasesItsLease() {
    broker.submit(msg).block(SOON);
    Delivery d = claim();
    StepVerifier.create(broker.retry(msg.ref()).map(Message::retries))
        .expectNext(1)
        .verifyComplete();
    StoredMessage s = stored(msg.ref());
    assertEquals(MessageState.DELAYED, s.state());
    assertNull(s.lease());
    assertEquals(TaskStatus.RETRYING, status(msg.ref()));
    StepVerifier.create(broker.fail(d, BOOM)).expectNext(SettleResult.LEASE_LOST).verifyComplete();
  }

  @Test
  void retryByDeliveryRecordsTheErrorAndBacksOff() {
    broker.submit(msg).block(SOON);
    Delivery d = claim();
    StepVerifier.create(broker.retry(d, BOOM)).expectNext(SettleResult.APPLIED).verifyComplete();
    StoredMessage s = stored(msg.ref());
    assertEquals(BOOM, s.message().exceptionDetails());
    assertEquals(START.plusSeconds(60), s.message().readyAt());
    assertEquals(TaskStatus.RETRYING, status(msg.ref()));
  }

  @Test
  void syncFromBackendReadsTheLiveMessageThenTheDeadLetter() {
    StepVerifier.create(broker.syncFromBackend(msg.ref()))
        .expectError(NotFoundException.class)
        .verify(SOON);
    broker.submit(msg).block(SOON);
    StepVerifier.create(broker.syncFromBackend(msg.ref())).expectNext(msg).verifyComplete();
    broker.fail(msg, BOOM).block(SOON);
    StepVerifier.create(broker.syncFromBackend(msg.ref()).map(Message::exceptionDetails))
        .expectNext(BOOM)
        .verifyComplete();
  }

  @Test
  void syncToBackendWritesTheLiveMessageOrTheDeadLetterKeepingTheTtl() {
    StepVerifier.create(broker.syncToBackend(msg))
        .expectError(NotFoundException.class)
        .verify(SOON);
    broker.submit(msg, Duration.ofHours(2)).block(SOON);
    advance(Duration.ofHours(1));
    broker.syncToBackend(msg.withPriority(7)).block(SOON);
    assertEquals(7, stored(msg.ref()).message().priority());
    assertEquals(START.plus(Duration.ofHours(2)), stored(msg.ref()).expiresAt());

    broker.fail(msg, BOOM).block(SOON);
    broker.syncToBackend(msg.withPriority(3)).block(SOON);
    assertEquals(MessageState.DEAD_LETTER, stored(msg.ref()).state());
    assertEquals(3, stored(msg.ref()).message().priority());
  }

  @Test
  void invalidArgumentsFailAtOnce() {
    assertThrows(IllegalArgumentException.class, () -> broker.submit(msg, Duration.ZERO));
    assertThrows(NullPointerException.class, () -> broker.exists(null));
  }
}
