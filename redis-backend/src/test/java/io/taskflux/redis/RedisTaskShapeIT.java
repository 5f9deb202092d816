package io.taskflux.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskflux.spi.ClaimRequest;
import io.taskflux.spi.CompleteRequest;
import io.taskflux.spi.Delivery;
import io.taskflux.spi.EnqueueRequest;
import io.taskflux.spi.FailRequest;
import io.taskflux.spi.MessageState;
import io.taskflux.spi.QueueSelector;
import io.taskflux.spi.Retention;
import io.taskflux.spi.StoredMessage;
import io.taskflux.spi.TaskOutcome;
import io.taskflux.task.ExceptionDetails;
import io.taskflux.task.Message;
import io.taskflux.task.StatusUpdate;
import io.taskflux.task.TaskStatus;
import io.taskflux.testing.redis.RedisExtension;
import io.taskflux.testing.redis.Resp;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.test.StepVerifier;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * The Redis-side shape of one task (issue 8): how many publishes it costs and where its status
 * lives. Counts come from the server's own {@code INFO commandstats}, so they include the commands
 * run inside scripts.
 */
class RedisTaskShapeIT {

  @RegisterExtension static final RedisExtension redis = RedisExtension.withServer();

  private static final Duration SOON = Duration.ofSeconds(20);
  private static final Retention R = Retention.defaults();

  private static int tests;

  private RedisBackend backend;
  private String queue; // one per test: the server is shared by the class's tests

  @BeforeEach
  void open() {
    queue = "q" + ++tests;
    backend = RedisBackend.builder().uri(redis.uri()).namespace("shape").build();
  }

  @AfterEach
  void close() {
    backend.closeAsync().block(SOON);
  }

  @Test
  void anUnwatchedTaskPublishesOnceAndItsWaiterHearsTheResult() throws Exception {
    Message m = message("ok", "x".repeat(10));
    enqueue(m);
    CompletableFuture<TaskOutcome> outcome = backend.awaitOutcome(m.ref()).toFuture();
    // Subscribed and read before the task runs: the publish, not the read, must wake it.
    Thread.sleep(200);
    assertFalse(outcome.isDone());
    long before = publishes();
    Delivery d = claimOne();
    backend
        .complete(
            new CompleteRequest(
                d.lease(),
                JsonNodeFactory.instance.numberNode(7),
                Duration.ofMinutes(5),
                List.of(),
                R))
        .block(SOON);
    TaskOutcome o = outcome.get(SOON.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
    assertFalse(o.isFailure());
    assertEquals(7, o.result().value().intValue());
    assertEquals(1, publishes() - before, "claim and complete publish the result only");
    assertEquals(TaskStatus.SUCCEEDED, backend.getStatus(m.ref()).block(SOON).status());
  }

  @Test
  void aFailureReachesTheOutcomeWaiterOnTheResultChannelAndByTheRead() throws Exception {
    Message m = message("bad", "y");
    enqueue(m);
    CompletableFuture<TaskOutcome> outcome = backend.awaitOutcome(m.ref()).toFuture();
    Thread.sleep(200);
    assertFalse(outcome.isDone());
    Delivery d = claimOne();
    ExceptionDetails boom = ExceptionDetails.of("java.lang.IllegalStateException", "boom");
    backend.fail(new FailRequest(d.lease(), boom, R)).block(SOON);
    TaskOutcome o = outcome.get(SOON.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
    assertTrue(o.isFailure());
    assertEquals(boom, o.failure().error());
    // A waiter that comes later reads the failure instead of waiting for it.
    StepVerifier.create(backend.awaitOutcome(m.ref()).map(TaskOutcome::isFailure))
        .expectNext(true)
        .verifyComplete();
  }

  @Test
  void statusesArePublishedOnlyWhileSomebodyWatchesTheQueue() throws Exception {
    Message unwatched = message("u", "1");
    enqueue(unwatched);
    assertEquals(0, exists(keys().statusWatchMarker(queue)));
    Message watched = message("w", "2");
    enqueue(watched);
    StepVerifier.create(backend.watchStatus(watched.ref()).map(StatusUpdate::status))
        .expectNext(TaskStatus.SUBMITTED)
        .then(() -> assertEquals(1, exists(keys().statusWatchMarker(queue))))
        .then(() -> assertEquals(2, claim(2).size()))
        .expectNext(TaskStatus.RUNNING)
        .thenCancel()
        .verify(SOON);
  }

  @Test
  void aLiveMessageIsOneHashHoldingItsStatus() throws Exception {
    Message m = message("big", "z".repeat(1000));
    enqueue(m);
    try (Resp r = redis.server().connect()) {
      assertEquals(1L, ((Number) r.call("EXISTS", keys().message(queue, m.id()))).longValue());
      assertEquals(0L, ((Number) r.call("EXISTS", keys().status(queue, m.id()))).longValue());
    }
    assertEquals(TaskStatus.SUBMITTED, backend.getStatus(m.ref()).block(SOON).status());
    StoredMessage found = backend.find(m.ref()).block(SOON);
    assertNotNull(found);
    assertEquals(MessageState.READY, found.state());
    assertEquals(m, found.message());
    assertEquals(m, backend.list(queue, MessageState.READY, 0, 10).blockFirst(SOON).message());
    Delivery d = claimOne();
    assertEquals(m, d.message());
    assertEquals(TaskStatus.RUNNING, backend.getStatus(m.ref()).block(SOON).status());
    // Removed without a status change: the status stays readable from its own key.
    assertTrue(backend.remove(m.ref()).block(SOON));
    assertNull(backend.find(m.ref()).block(SOON));
    assertEquals(TaskStatus.RUNNING, backend.getStatus(m.ref()).block(SOON).status());
  }

  @Test
  void anUpdatedMessageIsClaimedWithItsNewContent() {
    Message m = message("upd", "a".repeat(500));
    enqueue(m);
    Message shorter = m.toBuilder().arguments(JsonNodeFactory.instance.textNode("b")).build();
    assertTrue(backend.update(shorter).block(SOON));
    assertEquals(shorter, backend.find(m.ref()).block(SOON).message());
    assertEquals(shorter, claimOne().message());
  }

  private Message message(String id, String argument) {
    return Message.builder()
        .id(id)
        .task("t")
        .queue(queue)
        .arguments(JsonNodeFactory.instance.textNode(argument))
        .createdAt(java.time.Instant.ofEpochMilli(System.currentTimeMillis()))
        .build();
  }

  private void enqueue(Message m) {
    assertTrue(backend.enqueue(new EnqueueRequest(m, R)).block(SOON));
  }

  private Delivery claimOne() {
    List<Delivery> got = claim(1);
    assertEquals(1, got.size(), "one delivery");
    return got.get(0);
  }

  private List<Delivery> claim(int max) {
    return backend
        .claim(
            new ClaimRequest(List.of(QueueSelector.of(queue)), max, "w1", Duration.ofMinutes(1), R))
        .block(SOON);
  }

  private static Keys keys() {
    return new Keys("shape");
  }

  private long exists(String key) {
    try (Resp r = redis.server().connect()) {
      return ((Number) r.call("EXISTS", key)).longValue();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** PUBLISH and SPUBLISH calls the server ran so far (scripts' included). */
  private static long publishes() throws IOException {
    try (Resp r = redis.server().connect()) {
      String info = r.callString("INFO", "commandstats");
      long n = 0;
      for (String line : info.split("\r?\n")) {
        if (line.startsWith("cmdstat_publish:") || line.startsWith("cmdstat_spublish:")) {
          n += Long.parseLong(line.replaceAll("^[^:]+:calls=(\\d+),.*$", "$1"));
        }
      }
      return n;
    }
  }
}
