package io.taskflux.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskflux.UndecodablePayloadException;
import io.taskflux.UnknownTaskException;
import io.taskflux.engine.SubmitOptions;
import io.taskflux.engine.TaskDefinition;
import io.taskflux.engine.TaskEngine;
import io.taskflux.engine.TaskFailedException;
import io.taskflux.engine.TaskHandle;
import io.taskflux.engine.WorkerOptions;
import io.taskflux.spi.StoredMessage;
import io.taskflux.task.ExceptionDetails;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/** Guarantees, "Bad input": a clear typed error, the DLQ, and a worker that keeps running. */
class BadInputTest {

  static final Duration WAIT = Duration.ofSeconds(10);
  static final TaskDefinition<Integer, Integer> DOUBLE =
      TaskDefinition.of("double", Integer.class, Integer.class);

  final TaskEngine engine = TaskEngine.inMemory();
  final AtomicInteger executions = new AtomicInteger();

  @AfterEach
  void close() {
    engine.closeAsync().block(WAIT);
  }

  private ExceptionDetails deadLetterError(TaskHandle<?> h) {
    TaskFailedException e =
        (TaskFailedException) engine.results(List.of(h)).blockLast(WAIT).error();
    StoredMessage dead = engine.backend().findDeadLetter(h.ref()).block(WAIT);
    assertEquals(e.details(), dead.message().exceptionDetails());
    return e.details();
  }

  private void startWorker() {
    engine.register(DOUBLE, n -> Mono.fromCallable(() -> executions.incrementAndGet() * 0 + n * 2));
    engine.workers(WorkerOptions.defaults()).start();
  }

  private void theWorkerStillRuns() {
    assertEquals(42, engine.submit(DOUBLE, 21).flatMap(h -> h.result(WAIT)).block(WAIT));
  }

  @Test
  void anUnknownTaskNameGoesToTheDeadLetterQueue() {
    startWorker();
    TaskHandle<JsonNode> h =
        engine
            .submit(
                "nobody-registered-this",
                JsonNodeFactory.instance.numberNode(1),
                SubmitOptions.defaults())
            .block(WAIT);
    ExceptionDetails error = deadLetterError(h);
    assertEquals(UnknownTaskException.class.getName(), error.type());
    assertTrue(error.message().contains("nobody-registered-this"), error.message());
    theWorkerStillRuns();
  }

  @Test
  void argumentsOfTheWrongTypeGoToTheDeadLetterQueueWithoutRunning() {
    startWorker();
    TaskHandle<JsonNode> h =
        engine
            .submit(
                "double",
                JsonNodeFactory.instance.stringNode("not a number"),
                SubmitOptions.defaults())
            .block(WAIT);
    ExceptionDetails error = deadLetterError(h);
    assertEquals(UndecodablePayloadException.class.getName(), error.type());
    assertTrue(error.message().contains(h.id()), error.message());
    assertEquals(0, executions.get());
    theWorkerStillRuns();
  }

  @Test
  void undecodableStructuredArgumentsGoToTheDeadLetterQueue() {
    startWorker();
    JsonNode object = JsonNodeFactory.instance.objectNode().put("a", 1);
    TaskHandle<JsonNode> h = engine.submit("double", object, SubmitOptions.defaults()).block(WAIT);
    assertEquals(UndecodablePayloadException.class.getName(), deadLetterError(h).type());
    theWorkerStillRuns();
  }
}
