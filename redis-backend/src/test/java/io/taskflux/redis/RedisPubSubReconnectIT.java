package io.taskflux.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskflux.spi.StoredResult;
import io.taskflux.task.MessageRef;
import io.taskflux.task.StatusUpdate;
import io.taskflux.task.TaskStatus;
import io.taskflux.testing.redis.RedisExtension;
import io.taskflux.testing.redis.Resp;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.test.StepVerifier;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * Writes published while the backend's pub/sub connection is down are not delivered by Redis; the
 * backend re-reads its waiters once the connection is back and subscribed again, so they still
 * wake. The connection is held down deterministically: {@code maxclients} is lowered to the
 * connections that stay, the pub/sub client is killed, the writes go over the backend's live
 * command connection, and only then may the pub/sub connection come back.
 */
class RedisPubSubReconnectIT {

  @RegisterExtension final RedisExtension redis = RedisExtension.withServer();

  private static final Duration SOON = Duration.ofSeconds(20);
  private static final Pattern CLIENT_ID = Pattern.compile("(?m)^id=(\\d+) .*");
  private static final Pattern SUBSCRIBED = Pattern.compile(" (sub|ssub)=[1-9]");

  @Test
  void waitersWakeOnWritesPublishedWhileThePubSubConnectionWasDown() throws Exception {
    RedisBackend backend = RedisBackend.builder().uri(redis.uri()).build();
    Resp admin = redis.server().connect();
    try {
      MessageRef watched = new MessageRef("reconnect", "watched");
      MessageRef awaited = new MessageRef("reconnect", "awaited");
      backend
          .setStatus(watched, StatusUpdate.of(TaskStatus.SUBMITTED, Instant.now()), ttl())
          .block(SOON);

      // The result waiter's read of the current (absent) value goes over the command connection
      // before the write below, which is issued later on the same connection.
      CompletableFuture<StoredResult> result = backend.awaitResult(awaited).toFuture();

      StepVerifier.create(backend.watchStatus(watched).map(StatusUpdate::status))
          .expectNext(TaskStatus.SUBMITTED) // subscribed, then the current value read
          .then(
              () -> {
                int killed = holdPubSubDown(admin);
                assertEquals(1, killed, "one pub/sub connection killed");
                backend
                    .setStatus(watched, StatusUpdate.of(TaskStatus.RUNNING, Instant.now()), ttl())
                    .block(SOON);
                backend
                    .setResult(awaited, JsonNodeFactory.instance.numberNode(42), ttl(), true)
                    .block(SOON);
                // Nobody heard the publications: the pub/sub connection cannot be back yet.
                assertEquals(0, subscribedClients(admin).size(), "pub/sub still down");
                assertFalse(result.isDone(), "woken without a pub/sub connection");
                call(admin, "CONFIG", "SET", "maxclients", "10000");
              })
          .expectNext(TaskStatus.RUNNING)
          .thenCancel()
          .verify(SOON);
      assertEquals(42, result.get(SOON.toMillis(), TimeUnit.MILLISECONDS).value().intValue());
    } finally {
      call(admin, "CONFIG", "SET", "maxclients", "10000");
      admin.close();
      backend.closeAsync().block(SOON);
    }
  }

  private static Duration ttl() {
    return Duration.ofHours(1);
  }

  /** Lowers maxclients so no new connection is accepted, then kills the subscribed clients. */
  private static int holdPubSubDown(Resp admin) {
    List<String> subscribers = subscribedClients(admin);
    String clients = call(admin, "INFO", "clients");
    Matcher m = Pattern.compile("connected_clients:(\\d+)").matcher(clients);
    assertTrue(m.find(), clients);
    int remaining = Integer.parseInt(m.group(1)) - subscribers.size();
    call(admin, "CONFIG", "SET", "maxclients", Integer.toString(remaining));
    for (String id : subscribers) {
      call(admin, "CLIENT", "KILL", "ID", id);
    }
    return subscribers.size();
  }

  private static List<String> subscribedClients(Resp admin) {
    List<String> ids = new ArrayList<>();
    for (String line : call(admin, "CLIENT", "LIST").split("\n")) {
      Matcher id = CLIENT_ID.matcher(line);
      if (id.find() && SUBSCRIBED.matcher(line).find()) {
        ids.add(id.group(1));
      }
    }
    return ids;
  }

  private static String call(Resp r, String... args) {
    try {
      return r.callString(args);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
