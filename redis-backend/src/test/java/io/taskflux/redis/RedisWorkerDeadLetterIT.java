package io.taskflux.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskflux.UndecodablePayloadException;
import io.taskflux.UnknownTaskException;
import io.taskflux.engine.TaskDefinition;
import io.taskflux.engine.TaskEngine;
import io.taskflux.engine.WorkerOptions;
import io.taskflux.spi.EnqueueRequest;
import io.taskflux.spi.MessageState;
import io.taskflux.spi.StoredMessage;
import io.taskflux.task.Message;
import io.taskflux.task.StatusUpdate;
import io.taskflux.task.TaskStatus;
import io.taskflux.testing.redis.RedisExtension;
import io.taskflux.testing.redis.Resp;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * A message whose stored payload is garbage and a message naming a task nobody registered both end
 * in the DLQ (FAILED, with a decoding and an unknown-task error) while the worker goes on with the
 * others.
 */
class RedisWorkerDeadLetterIT {

  @RegisterExtension final RedisExtension redis = RedisExtension.withServer();

  private static final Duration SOON = Duration.ofSeconds(20);
  private static final String QUEUE = "dlq";

  @Test
  void garbageAndUnknownTasksAreDeadLetteredAndTheWorkerGoesOn() throws Exception {
    RedisBackend backend = RedisBackend.builder().uri(redis.uri()).build();
    TaskEngine engine = TaskEngine.builder().backend(backend).build();
    TaskDefinition<String, String> echo =
        TaskDefinition.of("echo", String.class, String.class).queue(QUEUE);
    engine.register(echo, s -> Mono.just(s + "!"));
    Disposable workers = null;
    try {
      Message garbage = message("echo");
      Message unknown = message("nobody-registered-this");
      assertTrue(backend.enqueue(EnqueueRequest.of(garbage)).block(SOON));
      assertTrue(backend.enqueue(EnqueueRequest.of(unknown)).block(SOON));
      try (Resp r = redis.server().connect()) {
        // Overwrite the stored payload of a live message with bytes no serializer reads.
        assertEquals(
            0L,
            r.call(
                "HSET", new Keys("taskflux").message(QUEUE, garbage.id()), "p", "\u0000{garbage"));
      }

      workers = engine.workers(WorkerOptions.queues(QUEUE)).start();

      assertEquals(
          UndecodablePayloadException.class.getName(), failure(backend, garbage).error().type());
      assertEquals(UnknownTaskException.class.getName(), failure(backend, unknown).error().type());
      for (Message m : new Message[] {garbage, unknown}) {
        StoredMessage dead = backend.findDeadLetter(m.ref()).block(SOON);
        assertNotNull(dead, m.id() + " in the DLQ");
        assertEquals(MessageState.DEAD_LETTER, dead.state());
      }

      // The worker keeps processing.
      for (int i = 0; i < 3; i++) {
        String in = "hello-" + i;
        assertEquals(in + "!", engine.submit(echo, in).flatMap(h -> h.result(SOON)).block(SOON));
      }
    } finally {
      if (workers != null) {
        workers.dispose();
      }
      backend.closeAsync().block(SOON);
    }
  }

  private static Message message(String task) {
    return Message.builder()
        .queue(QUEUE)
        .task(task)
        .arguments(JsonNodeFactory.instance.stringNode("x"))
        .createdAt(Instant.now())
        .build();
  }

  /** Waits (on the status channel, no polling) for the message's FAILED status. */
  private static StatusUpdate failure(RedisBackend backend, Message m) {
    return backend
        .watchStatus(m.ref())
        .filter(s -> s.status() == TaskStatus.FAILED)
        .next()
        .block(SOON);
  }
}
