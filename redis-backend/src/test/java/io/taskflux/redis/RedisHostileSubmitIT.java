package io.taskflux.redis;

import static io.taskflux.redis.HostileFixture.ECHO;
import static io.taskflux.redis.HostileFixture.QUEUE;
import static io.taskflux.redis.HostileFixture.SOON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskflux.MessageAlreadyExistsException;
import io.taskflux.UnknownTaskException;
import io.taskflux.engine.SubmitOptions;
import io.taskflux.engine.TaskDefinition;
import io.taskflux.engine.TaskHandle;
import io.taskflux.engine.WorkerOptions;
import io.taskflux.spi.MessageState;
import io.taskflux.task.MessageRef;
import io.taskflux.task.TaskStatus;
import io.taskflux.testing.redis.RedisExtension;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.function.Executable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * Hostile submissions through the API against the real Redis backend: priorities, delays and
 * timeouts out of range, unknown queues and task names, duplicate and unusual ids. Out-of-range
 * values fail at once with an {@link IllegalArgumentException} naming the parameter; huge but valid
 * ones are stored (times are capped at about 1,000 years, see {@code Stored.ms}).
 */
class RedisHostileSubmitIT {

  @RegisterExtension static final RedisExtension redis = RedisExtension.withServer();

  private HostileFixture f;

  @BeforeEach
  void start() {
    f = new HostileFixture(redis.uri());
  }

  @AfterEach
  void stop() {
    f.close();
  }

  private static void assertRefused(String parameter, Executable submit) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, submit);
    assertTrue(e.getMessage().contains(parameter), e.getMessage());
  }

  @Test
  void negativePrioritiesAreRefusedAndHugeOnesRunLast() {
    assertRefused("priority", () -> SubmitOptions.defaults().priority(-1));
    assertRefused("priority", () -> SubmitOptions.defaults().priority(Integer.MIN_VALUE));
    List<String> order = new CopyOnWriteArrayList<>();
    TaskDefinition<String, String> record =
        TaskDefinition.of("record", String.class, String.class).queue(QUEUE);
    f.engine.register(record, s -> Mono.fromRunnable(() -> order.add(s)).thenReturn(s));
    TaskHandle<String> last =
        f.engine
            .submit(record, "huge", SubmitOptions.defaults().priority(Integer.MAX_VALUE))
            .block(SOON);
    f.engine.submit(record, "zero").block(SOON);
    f.startWorkers(WorkerOptions.queues(QUEUE).concurrency(1));
    assertEquals("huge", last.result(SOON).block(SOON));
    assertEquals(List.of("zero", "huge"), order);
    f.assertStillHealthy();
  }

  @Test
  void negativeDelaysAreRefusedAndHugeOnesWaitWithoutBlockingOthers() {
    assertRefused("delay", () -> SubmitOptions.defaults().delay(Duration.ofMillis(-1)));
    f.startWorkers();
    for (Duration huge :
        new Duration[] {
          Duration.ofDays(365L * 10_000),
          ChronoUnit.FOREVER.getDuration(),
          Duration.ofMillis(Long.MAX_VALUE)
        }) {
      TaskHandle<String> h =
          f.engine.submit(ECHO, "later", SubmitOptions.defaults().delay(huge)).block(SOON);
      assertEquals(TaskStatus.SUBMITTED, h.status().block(SOON).status());
      assertEquals(MessageState.DELAYED, f.backend.find(h.ref()).block(SOON).state());
    }
    f.assertStillHealthy();
    assertEquals(3, f.backend.stats(QUEUE).block(SOON).delayed());
  }

  @Test
  void zeroAndNegativeTimeoutsAreRefusedAndHugeOnesRun() {
    assertRefused("timeout", () -> SubmitOptions.defaults().timeout(Duration.ZERO));
    assertRefused("timeout", () -> SubmitOptions.defaults().timeout(Duration.ofSeconds(-1)));
    assertRefused("timeout", () -> ECHO.timeout(Duration.ofSeconds(-1)));
    f.startWorkers();
    for (Duration huge :
        new Duration[] {Duration.ofDays(365L * 10_000), ChronoUnit.FOREVER.getDuration()}) {
      assertEquals(
          "x!",
          f.engine
              .submit(ECHO, "x", SubmitOptions.defaults().timeout(huge))
              .flatMap(h -> h.result(SOON))
              .block(SOON));
    }
    f.assertStillHealthy();
  }

  @Test
  void aQueueNobodyServesKeepsItsTasksAndOddQueueNamesWork() {
    f.startWorkers();
    TaskHandle<String> waiting =
        f.engine.submit(ECHO, "x", SubmitOptions.defaults().queue("nobody-listens")).block(SOON);
    assertEquals(TaskStatus.SUBMITTED, waiting.status().block(SOON).status());
    f.assertStillHealthy();
    assertEquals(1, f.backend.stats("nobody-listens").block(SOON).ready());

    List<String> odd = List.of("{braces}", "a:b:c", "100%", "two words", "ünïcödé-队列", "*?[");
    f.engine.workers(WorkerOptions.queues(odd.toArray(String[]::new))).start();
    for (String q : odd) {
      TaskHandle<String> h =
          f.engine.submit(ECHO, q, SubmitOptions.defaults().queue(q)).block(SOON);
      assertEquals(q + "!", h.result(SOON).block(SOON), q);
      assertEquals(q, h.ref().queue());
    }
    assertRefused("queue", () -> SubmitOptions.defaults().queue(" "));
  }

  @Test
  void anUnknownTaskNameSubmittedByNameIsDeadLettered() {
    f.startWorkers();
    TaskHandle<?> h =
        f.engine
            .submit(
                "nobody-registered-this",
                JsonNodeFactory.instance.nullNode(),
                SubmitOptions.defaults().queue(QUEUE))
            .block(SOON);
    f.assertDeadLettered(h.ref(), UnknownTaskException.class);
    f.assertStillHealthy();
  }

  @Test
  void aDuplicateIdIsRefusedAndTheFirstSubmissionIsKept() {
    SubmitOptions dup = SubmitOptions.defaults().id("dup-1");
    f.engine.submit(ECHO, "first", dup).block(SOON);
    MessageAlreadyExistsException e =
        assertThrows(
            MessageAlreadyExistsException.class,
            () -> f.engine.submit(ECHO, "second", dup).block(SOON));
    assertEquals("dup-1", e.messageId());
    f.startWorkers();
    assertEquals("first!", f.engine.handle(ECHO, "dup-1").result(SOON).block(SOON));
    f.assertStillHealthy();
  }

  @Test
  void idsWithKeySyntaxOrLongOrUnicodeTextWork() {
    f.startWorkers();
    List<String> ids =
        List.of(
            "}{ns:other}:m:x", "a|b|c", "%7B%7D", "*", "ïd-✓", "x".repeat(2_000), "line\nbreak");
    for (String id : ids) {
      TaskHandle<String> h =
          f.engine.submit(ECHO, "v", SubmitOptions.defaults().id(id)).block(SOON);
      assertEquals("v!", h.result(SOON).block(SOON), id);
      assertEquals(
          TaskStatus.SUCCEEDED, f.backend.getStatus(MessageRef.of(QUEUE, id)).block(SOON).status());
    }
    f.assertStillHealthy();
  }
}
