package io.taskflux.redis;

import static io.taskflux.redis.HostileFixture.QUEUE;
import static io.taskflux.redis.HostileFixture.SOON;
import static io.taskflux.redis.HostileFixture.message;
import static io.taskflux.redis.HostileFixture.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskflux.UndecodablePayloadException;
import io.taskflux.engine.TaskDefinition;
import io.taskflux.engine.TaskHandle;
import io.taskflux.engine.WorkerOptions;
import io.taskflux.task.Message;
import io.taskflux.task.StatusUpdate;
import io.taskflux.task.TaskStatus;
import io.taskflux.testing.redis.RedisExtension;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Sinks;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * Keys of a queue changed by hand behind the engine's back: a message key deleted while queued or
 * leased, a message key of the wrong type or with a garbage field, a result or status overwritten
 * with garbage. None of them stops the claim of other messages or leaves a waiter waiting forever.
 */
class RedisHostileStateIT {

  @RegisterExtension static final RedisExtension redis = RedisExtension.withServer();

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** Waits for the test's gate: a task that stays leased as long as the test wants. */
  static final TaskDefinition<String, String> GATED =
      TaskDefinition.of("gated", String.class, String.class).queue(QUEUE).maxRetries(0);

  private final Sinks.One<String> gate = Sinks.one();
  private HostileFixture f;

  @BeforeEach
  void start() {
    f = new HostileFixture(redis.uri());
    f.engine.register(GATED, s -> gate.asMono().map(g -> s + g));
  }

  @AfterEach
  void stop() {
    gate.tryEmitValue("!");
    f.close();
  }

  private StatusUpdate waitFor(Message m, TaskStatus status) {
    return f.backend.watchStatus(m.ref()).filter(s -> s.status() == status).next().block(SOON);
  }

  @Test
  void aMessageKeyDeletedWhileLeasedEndsFailedAndNothingElseIsDisturbed() {
    f.startWorkers(WorkerOptions.queues(QUEUE).concurrency(4).lease(Duration.ofSeconds(1)));
    TaskHandle<String> h = f.engine.submit(GATED, "x").block(SOON);
    Message m = h.message().orElseThrow();
    waitFor(m, TaskStatus.RUNNING);
    assertEquals(1L, f.raw().del(f.keys.message(QUEUE, m.id())));

    StatusUpdate failed = waitFor(m, TaskStatus.FAILED);
    assertEquals("io.taskflux.MessageLost", failed.error().type());
    assertTrue(failed.error().message().contains(m.id()), failed.error().message());
    assertTrue(failed.error().message().contains("leased"), failed.error().message());
    gate.tryEmitValue("!"); // a late result of the lost attempt is refused, not stored
    f.assertStillHealthy();
    assertNull(f.backend.getResult(m.ref()).block(SOON));
    assertEquals(0, f.backend.stats(QUEUE).block(SOON).leased());
  }

  @Test
  void aMessageKeyDeletedWhileQueuedEndsFailed() {
    Message m = f.enqueue(message("echo", NODES.stringNode("x")));
    f.raw().del(f.keys.message(QUEUE, m.id()));
    f.startWorkers();
    StatusUpdate failed = waitFor(m, TaskStatus.FAILED);
    assertEquals("io.taskflux.MessageLost", failed.error().type());
    assertTrue(failed.error().message().contains(m.id()), failed.error().message());
    f.assertStillHealthy();
  }

  @Test
  void aMessageKeyOfTheWrongTypeIsDeadLetteredWithoutBlockingTheQueue() {
    Message string = f.enqueue(message("echo", NODES.stringNode("x")));
    Message list = f.enqueue(message("echo", NODES.stringNode("y")));
    Message after = f.enqueue(message("echo", NODES.stringNode("z")));
    String sk = f.keys.message(QUEUE, string.id());
    String lk = f.keys.message(QUEUE, list.id());
    f.raw().del(sk, lk);
    f.raw().set(sk, utf8("garbage"));
    f.raw().rpush(lk, utf8("a"), utf8("b"));

    String error =
        f.assertDeadLettered(string.ref(), UndecodablePayloadException.class).error().message();
    assertTrue(error.contains("string, not a hash"), error);
    f.assertDeadLettered(list.ref(), UndecodablePayloadException.class);
    // The message queued behind them ran.
    assertEquals("z!", f.engine.handle(HostileFixture.ECHO, after.ref()).result(SOON).block(SOON));
    f.assertStillHealthy();
  }

  @Test
  void aGarbageExpiryFieldIsDeadLettered() {
    Message m = f.enqueue(message("echo", NODES.stringNode("x")));
    f.poke(m, "ex", utf8("soon"));
    f.assertDeadLettered(m.ref(), UndecodablePayloadException.class);
    f.assertStillHealthy();
  }

  @Test
  void aResultKeyHoldingGarbageBeforeCompletionIsReplacedByTheResult() {
    Message m = f.enqueue(message("echo", NODES.stringNode("x")));
    f.raw().set(f.keys.result(QUEUE, m.id()), utf8("garbage"));
    Message other = f.enqueue(message("echo", NODES.stringNode("y")));
    f.raw().set(f.keys.result(QUEUE, other.id()), utf8("1|not-a-time|\"forged\""));
    f.startWorkers();
    // Until then a reader gets a typed error (see below); completion replaces the garbage.
    waitFor(m, TaskStatus.SUCCEEDED);
    waitFor(other, TaskStatus.SUCCEEDED);
    assertEquals("x!", f.backend.getResult(m.ref()).block(SOON).value().asString());
    assertEquals("y!", f.backend.getResult(other.ref()).block(SOON).value().asString());
    f.assertStillHealthy();
  }

  @Test
  void aResultOverwrittenWithGarbageAfterCompletionIsATypedError() {
    f.startWorkers();
    TaskHandle<String> h = f.engine.submit(HostileFixture.ECHO, "x").block(SOON);
    assertEquals("x!", h.result(SOON).block(SOON));
    String rk = f.keys.result(QUEUE, h.id());
    for (String garbage : new String[] {"garbage", "1|99999999999999|{not json", "a|b|c"}) {
      f.raw().set(rk, utf8(garbage));
      UndecodablePayloadException e =
          assertThrows(
              UndecodablePayloadException.class,
              () -> f.backend.getResult(h.ref()).block(SOON),
              garbage);
      assertEquals(h.id(), e.messageId());
    }
    f.assertStillHealthy();
  }

  @Test
  void aStatusThatIsNotAStatusIsATypedErrorAndTheTaskStillRuns() {
    Message m = f.enqueue(message("echo", NODES.stringNode("x")));
    // A live message's status is field s of its hash; a finished one's is the status key.
    String mk = f.keys.message(QUEUE, m.id());
    for (String garbage : new String[] {"RUNNING", "1|99|0|99999999999999|", "1|2|0|soon|"}) {
      f.raw().hset(mk, "s", utf8(garbage));
      UndecodablePayloadException e =
          assertThrows(
              UndecodablePayloadException.class,
              () -> f.backend.getStatus(m.ref()).block(SOON),
              garbage);
      assertEquals(m.id(), e.messageId());
    }
    // The worker's writes replace it: the task runs and its status is readable again.
    f.startWorkers();
    assertEquals("x!", f.backend.awaitResult(m.ref()).map(r -> r.value().asString()).block(SOON));
    assertEquals(TaskStatus.SUCCEEDED, waitFor(m, TaskStatus.SUCCEEDED).status());
    f.assertStillHealthy();
  }
}
