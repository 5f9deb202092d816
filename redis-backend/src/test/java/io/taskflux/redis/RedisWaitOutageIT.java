package io.taskflux.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.taskflux.task.MessageRef;
import io.taskflux.task.StatusUpdate;
import io.taskflux.task.TaskStatus;
import io.taskflux.testing.redis.RedisExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * A result wait and a status watch outlive Redis being paused past the command timeout (the chaos
 * test saw {@code engine.results} report tasks that had succeeded as failed with "Command timed
 * out"): they start again once Redis answers and get the value written afterwards.
 */
class RedisWaitOutageIT {

  @RegisterExtension final RedisExtension redis = RedisExtension.withServer();

  private static final Duration SOON = Duration.ofSeconds(20);

  @Test
  void waitsSurviveAPauseLongerThanTheCommandTimeout() throws Exception {
    RedisBackend backend =
        RedisBackend.builder().uri(redis.uri()).commandTimeout(Duration.ofMillis(500)).build();
    RedisBackend writer = RedisBackend.connect(redis.uri());
    try {
      MessageRef ref = MessageRef.of("outage", "t-1");
      backend.getStatus(ref).block(SOON); // connected
      redis.server().pause();
      CompletableFuture<Integer> result =
          backend.awaitResult(ref).map(r -> r.value().intValue()).toFuture();
      CompletableFuture<TaskStatus> status =
          backend
              .watchStatus(ref)
              .map(StatusUpdate::status)
              .filter(s -> s == TaskStatus.SUCCEEDED)
              .next()
              .toFuture();
      Thread.sleep(1_500); // three command timeouts
      redis.server().resume();
      writer
          .setStatus(ref, StatusUpdate.of(TaskStatus.SUCCEEDED, Instant.now()), Duration.ofHours(1))
          .block(SOON);
      writer
          .setResult(ref, JsonNodeFactory.instance.numberNode(42), Duration.ofHours(1), true)
          .block(SOON);
      assertEquals(42, result.get(20, TimeUnit.SECONDS));
      assertEquals(TaskStatus.SUCCEEDED, status.get(20, TimeUnit.SECONDS));
    } finally {
      redis.server().resume();
      backend.closeAsync().block(SOON);
      writer.closeAsync().block(SOON);
    }
  }
}
