package io.taskflux.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskflux.spi.ClaimRequest;
import io.taskflux.spi.CompleteRequest;
import io.taskflux.spi.Delivery;
import io.taskflux.spi.EnqueueRequest;
import io.taskflux.spi.QueueSelector;
import io.taskflux.spi.Retention;
import io.taskflux.spi.SettleResult;
import io.taskflux.task.Message;
import io.taskflux.task.TaskStatus;
import io.taskflux.testing.redis.RedisExtension;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * Lettuce delivers commands at least once: after a reconnect it sends again a command whose reply
 * the dropped connection lost. The chaos test (cli {@code ChaosIT}) caught an enqueue replayed that
 * way after its task had been claimed, run and completed through other connections: the task ran a
 * second time. A replay is the same script call with the same arguments, {@code now} included; here
 * it is made by giving the backend's clock that {@code now} again.
 */
class RedisEnqueueReplayIT {

  @RegisterExtension final RedisExtension redis = RedisExtension.withServer();

  private static final Duration SOON = Duration.ofSeconds(10);

  /** A clock moved by hand (epoch ms). */
  static final class HandClock extends Clock {
    final AtomicLong millis = new AtomicLong(1_800_000_000_000L);

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis.get());
    }
  }

  @Test
  void aReplayedEnqueueOfACompletedTaskDoesNotStoreItAgainButALaterSubmissionDoes() {
    HandClock clock = new HandClock();
    RedisBackend backend = RedisBackend.builder().uri(redis.uri()).clock(clock).build();
    try {
      long submittedAt = clock.millis();
      Message m =
          Message.builder()
              .queue("replay")
              .task("work")
              .createdAt(Instant.ofEpochMilli(submittedAt))
              .build();
      EnqueueRequest submit = EnqueueRequest.of(m);
      assertTrue(backend.enqueue(submit).block(SOON));

      clock.millis.addAndGet(1_500); // the reconnect, the claim and the run take a while
      ClaimRequest claim =
          new ClaimRequest(
              List.of(QueueSelector.of("replay")),
              10,
              "w",
              Duration.ofSeconds(30),
              Retention.defaults());
      List<Delivery> got = backend.claim(claim).block(SOON);
      assertEquals(1, got.size());
      assertEquals(
          SettleResult.APPLIED,
          backend
              .complete(
                  new CompleteRequest(
                      got.get(0).lease(),
                      JsonNodeFactory.instance.stringNode("done"),
                      Duration.ofHours(1),
                      List.of(),
                      Retention.defaults()))
              .block(SOON));

      // The replay: the same call, with the now of the first one. It changes nothing.
      clock.millis.set(submittedAt);
      assertTrue(backend.enqueue(submit).block(SOON), "the request was stored, once");
      clock.millis.set(submittedAt + 2_000);
      assertEquals(null, backend.find(m.ref()).block(SOON), "a completed task is live again");
      assertEquals(TaskStatus.SUCCEEDED, backend.getStatus(m.ref()).block(SOON).status());
      assertEquals(List.of(), backend.claim(claim).block(SOON));

      // A new submission with the same id, made after the completion, is stored as before.
      assertTrue(backend.enqueue(submit).block(SOON));
      assertEquals(TaskStatus.SUBMITTED, backend.getStatus(m.ref()).block(SOON).status());
      assertEquals(1, backend.claim(claim).block(SOON).size());
    } finally {
      backend.closeAsync().block(SOON);
    }
  }
}
