package io.taskflux.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskflux.BackendUnavailableException;
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
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.util.retry.Retry;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * Redis is SIGKILLed and restarted (AOF on) under a live backend: the same instance reconnects by
 * itself, finds what was written before the kill, reloads the scripts the restart wiped (NOSCRIPT),
 * and its waiters keep working. A server that cannot be reached fails with an error naming it.
 */
class RedisRestartIT {

  @RegisterExtension
  final RedisExtension redis =
      RedisExtension.withServer(
          io.taskflux.testing.redis.RedisServerOptions.defaults().withFsyncAlways());

  private static final Duration SOON = Duration.ofSeconds(20);

  private static Message message(String queue) {
    return Message.builder().queue(queue).task("work").createdAt(Instant.now()).build();
  }

  /** Repeats an operation that may fail while Redis is coming back, as the engine does. */
  private static <T> T resilient(Mono<T> op) {
    return op.retryWhen(
            Retry.backoff(50, Duration.ofMillis(50))
                .maxBackoff(Duration.ofMillis(500))
                .filter(e -> e instanceof BackendUnavailableException))
        .block(SOON);
  }

  @Test
  void operationsResumeAfterAKillAndRestartWithoutANewBackend() {
    RedisBackend backend =
        RedisBackend.builder().uri(redis.uri()).commandTimeout(Duration.ofSeconds(2)).build();
    try {
      Message before = message("restart");
      assertTrue(backend.enqueue(EnqueueRequest.of(before)).block(SOON));

      redis.server().kill();
      redis.server().restart();

      // The message written before the kill survived (AOF) and is claimable by the same backend;
      // claim.lua was wiped from the script cache by the restart, so this goes through NOSCRIPT.
      ClaimRequest claim =
          new ClaimRequest(
              List.of(QueueSelector.of("restart")),
              10,
              "w",
              Duration.ofSeconds(30),
              Retention.defaults());
      List<Delivery> got = resilient(backend.claim(claim));
      assertEquals(1, got.size());
      assertEquals(before.id(), got.get(0).lease().ref().id());
      assertEquals(
          SettleResult.APPLIED,
          resilient(
              backend.complete(
                  new CompleteRequest(
                      got.get(0).lease(),
                      JsonNodeFactory.instance.stringNode("ok"),
                      Duration.ofHours(1),
                      List.of(),
                      Retention.defaults()))));
      assertEquals(TaskStatus.SUCCEEDED, backend.getStatus(before.ref()).block(SOON).status());

      // The pub/sub connection came back too: a result waiter wakes on a write after the restart.
      Message after = message("restart");
      StepVerifier.create(backend.awaitResult(after.ref()))
          .expectSubscription()
          .then(
              () ->
                  backend
                      .setResult(
                          after.ref(),
                          JsonNodeFactory.instance.numberNode(7),
                          Duration.ofHours(1),
                          true)
                      .block(SOON))
          .assertNext(r -> assertEquals(7, r.value().intValue()))
          .verifyComplete();

      // An idle worker's wait ends on an enqueue after the restart.
      StepVerifier.create(backend.awaitWork(List.of("restart"), Duration.ofMinutes(5)))
          .expectSubscription()
          .then(() -> backend.enqueue(EnqueueRequest.of(after)).block(SOON))
          .expectComplete()
          .verify(SOON);
    } finally {
      backend.closeAsync().block(SOON);
    }
  }

  @Test
  void anUnreachableServerFailsWithAnErrorNamingItsAddressButNotThePassword() {
    RedisBackend backend =
        RedisBackend.builder()
            .uri("redis://someone:s3cret-pass@127.0.0.1:1/0")
            .connectTimeout(Duration.ofSeconds(2))
            .build();
    try {
      StepVerifier.create(backend.increment("c"))
          .expectErrorSatisfies(
              e -> {
                assertTrue(e instanceof BackendUnavailableException, e.toString());
                assertTrue(e.getMessage().contains("127.0.0.1:1"), e.getMessage());
                assertFalse(e.getMessage().contains("s3cret-pass"), e.getMessage());
              })
          .verify(SOON);
    } finally {
      backend.closeAsync().block(SOON);
    }
  }
}
