package io.taskflux.memory;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskflux.CapacityExceededException;
import io.taskflux.spi.ClaimRequest;
import io.taskflux.spi.Delivery;
import io.taskflux.spi.EnqueueRequest;
import io.taskflux.spi.Lease;
import io.taskflux.spi.QueueSelector;
import io.taskflux.spi.Retention;
import io.taskflux.task.Message;
import io.taskflux.task.MessageRef;
import io.taskflux.time.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;
import tools.jackson.databind.node.JsonNodeFactory;

/** What the contract suite cannot see: invariant checking, bounds, and waiter bookkeeping. */
class InMemoryBackendTest {

  private final ManualClock time = ManualClock.startingAt(Instant.parse("2030-01-01T00:00:00Z"));
  private final InMemoryBackend backend =
      InMemoryBackend.create(new InMemoryOptions(time.clock(), 10));

  private Message enqueue(String queue) {
    Message m = Message.builder().queue(queue).task("t").createdAt(time.now()).build();
    backend.enqueue(EnqueueRequest.of(m)).block();
    return m;
  }

  private Delivery claim(String queue) {
    return backend
        .claim(
            new ClaimRequest(
                List.of(QueueSelector.of(queue)),
                1,
                "w",
                Duration.ofSeconds(30),
                Retention.defaults()))
        .block()
        .get(0);
  }

  @Test
  void theInvariantCheckFindsAMessageBothReadyAndLeased() {
    enqueue("q");
    Delivery d = claim("q");
    assertDoesNotThrow(backend::checkInvariants);
    QueueState q = backend.store().queueState("q");
    Entry e = q.live.get(d.lease().ref().id());
    q.ready.add(e);
    IllegalStateException x = assertThrows(IllegalStateException.class, backend::checkInvariants);
    assertTrue(x.getMessage().contains("both ready and leased"), x.getMessage());
  }

  @Test
  void theInvariantCheckFindsALeaseWithoutAnOwner() {
    enqueue("q");
    Delivery d = claim("q");
    QueueState q = backend.store().queueState("q");
    Entry e = q.live.get(d.lease().ref().id());
    q.resort(e, () -> e.lease = new Lease(e.ref, "", "", e.lease.expiresAt()));
    IllegalStateException x = assertThrows(IllegalStateException.class, backend::checkInvariants);
    assertTrue(x.getMessage().contains("without an owner"), x.getMessage());
  }

  @Test
  void theInvariantCheckFindsAResultForAPendingMessage() {
    Message m = enqueue("q");
    backend
        .setResult(m.ref(), JsonNodeFactory.instance.numberNode(1), Duration.ofHours(1), true)
        .block();
    IllegalStateException x = assertThrows(IllegalStateException.class, backend::checkInvariants);
    assertTrue(x.getMessage().contains("still pending"), x.getMessage());
  }

  @Test
  void theCapacityErrorSaysWhatIsFull() {
    for (int i = 0; i < 10; i++) {
      enqueue("q" + (i % 3));
    }
    StepVerifier.create(
            backend.enqueue(
                EnqueueRequest.of(
                    Message.builder().queue("q").task("t").createdAt(time.now()).build())))
        .expectErrorSatisfies(
            e -> {
              assertTrue(e instanceof CapacityExceededException, e.toString());
              assertTrue(e.getMessage().contains("capacity"), e.getMessage());
              assertTrue(e.getMessage().contains("10"), e.getMessage());
            })
        .verify();
  }

  @Test
  void waitersThatTimeOutOrAreCancelledLeaveNothingBehind() {
    MessageRef ref = MessageRef.of("q", "x");
    StepVerifier.create(backend.awaitResult(ref).timeout(Duration.ofSeconds(5), time.scheduler()))
        .expectSubscription()
        .then(() -> assertEquals(1, backend.waiterCount()))
        .then(() -> time.advance(Duration.ofSeconds(5)))
        .expectError(TimeoutException.class)
        .verify();
    StepVerifier.create(backend.watchStatus(ref)).expectSubscription().thenCancel().verify();
    StepVerifier.create(backend.awaitWork(List.of("q", "r"), Duration.ofMinutes(1)))
        .expectSubscription()
        .then(() -> time.advance(Duration.ofMinutes(1)))
        .verifyComplete();
    assertEquals(0, backend.waiterCount());
  }

  @Test
  void expiredThingsAreFreedNotOnlyHidden() {
    Message m = enqueue("q");
    backend
        .setResult(
            MessageRef.of("r", "1"),
            JsonNodeFactory.instance.nullNode(),
            Duration.ofMinutes(1),
            true)
        .block();
    time.advance(Retention.DEFAULT_TTL);
    backend.stats("q").block(); // any operation runs the expiries
    assertTrue(backend.records().results.isEmpty());
    assertTrue(backend.records().statuses.isEmpty(), "the SUBMITTED status expired too");
    assertEquals(0, backend.store().queueState("q").live.size(), m + " expired");
  }
}
