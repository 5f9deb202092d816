package io.taskflux.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.taskflux.engine.TaskDefinition;
import io.taskflux.engine.TaskHooks;
import io.taskflux.engine.WorkerOptions;
import io.taskflux.memory.InMemoryBackend;
import io.taskflux.memory.InMemoryOptions;
import io.taskflux.spi.Backend;
import io.taskflux.spi.EnqueueRequest;
import io.taskflux.spi.MessageState;
import io.taskflux.spi.Retention;
import io.taskflux.spi.StoredMessage;
import io.taskflux.spi.StoredResult;
import io.taskflux.task.Message;
import io.taskflux.task.MessageRef;
import io.taskflux.task.TaskStatus;
import io.taskflux.time.SchedulerClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.scheduler.VirtualTimeScheduler;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.IntNode;

/**
 * A settle (complete, retry, fail) that fails with a transient backend error is sent again while
 * the lease holds, with a doubling wait on the worker's clock; the attempt is never run again for
 * it. The backend is real (in memory) behind a {@link FailingBackend}; the worker is the real one.
 *
 * <p>Virtual time, installed as Reactor's global schedulers for the test: the worker's hops to
 * {@code Schedulers.parallel()} and its timers then all run on this thread, in order, when the test
 * starts the worker or advances the clock, so each step below is deterministic and nothing sleeps.
 */
class SettleRetryTest {

  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
  private static final String QUEUE = "q";

  private final AtomicInteger bodyRuns = new AtomicInteger();
  private final List<LogRecord> couldNotSettle = new CopyOnWriteArrayList<>();
  // System.Logger goes to java.util.logging here (no other provider on the test class path).
  private final Logger workerLog = Logger.getLogger("io.taskflux.worker");
  private final Handler handler =
      new Handler() {
        @Override
        public void publish(LogRecord record) {
          if (record.getMessage() != null && record.getMessage().contains("could not settle")) {
            couldNotSettle.add(record);
          }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  private VirtualTimeScheduler time;
  private InMemoryBackend memory;
  private Worker worker;

  @BeforeEach
  void virtualTime() {
    time = VirtualTimeScheduler.getOrSet();
    memory =
        InMemoryBackend.create(
            InMemoryOptions.defaults().withClock(SchedulerClock.of(time, START)));
    workerLog.addHandler(handler);
  }

  @AfterEach
  void reset() {
    if (worker != null) {
      worker.stop();
      time.advanceTimeBy(Duration.ofMinutes(1)); // the grace period, should anything still run
    }
    workerLog.removeHandler(handler);
    VirtualTimeScheduler.reset();
  }

  @Test
  void aCompletionThatFailsThreeTimesIsStoredOnTheFourthTryAndTheBodyRanOnce() {
    FailingBackend backend = FailingBackend.failingSettles(memory, 3);
    MessageRef ref = submit(7);
    startWorker(backend, Duration.ofSeconds(30));

    assertEquals(1, bodyRuns.get());
    assertEquals(1, backend.settleTries(), "the first try failed");
    // The next try waits on the worker's clock: not yet.
    time.advanceTimeBy(millis(99));
    assertEquals(1, backend.settleTries());
    assertNull(memory.getResult(ref).block());

    time.advanceTimeBy(millis(1)); // 100 ms: second try (fails)
    assertEquals(2, backend.settleTries());
    time.advanceTimeBy(millis(200)); // 300 ms: third try (fails)
    assertEquals(3, backend.settleTries());
    time.advanceTimeBy(millis(400)); // 700 ms: fourth try goes through
    assertEquals(4, backend.settleTries());

    StoredResult result = memory.getResult(ref).block();
    assertNotNull(result, "the attempt's outcome was stored");
    assertEquals(7, result.value().asInt());
    assertEquals(TaskStatus.SUCCEEDED, memory.getStatus(ref).block().status());
    assertNull(memory.find(ref).block(), "the message is settled, not left to its lease");
    assertEquals(1, bodyRuns.get(), "the body ran once");
    assertEquals(0, worker.inFlight());
    assertEquals(List.of(), couldNotSettle);

    time.advanceTimeBy(Duration.ofMinutes(2)); // past the lease: nothing runs again
    assertEquals(1, bodyRuns.get());
    assertEquals(4, backend.settleTries());
  }

  @Test
  void failuresThatOutlastTheLeaseAreGivenUpBeforeItEndsAndLeftToItsExpiry() {
    FailingBackend backend = FailingBackend.failingSettles(memory, Integer.MAX_VALUE);
    Duration lease = Duration.ofSeconds(3);
    MessageRef ref = submit(5);
    startWorker(backend, lease);

    // Tries at 0, 0.1, 0.3, 0.7 and 1.5 s; the next one (at 3.1 s) would come after the lease's
    // end at 3 s, so the worker gives up at 1.5 s, frees the slot and says so once.
    time.advanceTimeBy(lease.minus(millis(1)));
    assertEquals(5, backend.settleTries());
    assertEquals(1, couldNotSettle.size(), "logged once: " + couldNotSettle);
    assertEquals(0, worker.inFlight(), "the slot is free again");
    assertEquals(1, bodyRuns.get(), "the body is never run again to retry a settle");
    StoredMessage leased = memory.find(ref).block();
    assertEquals(MessageState.LEASED, leased.state(), "left to its lease");
    assertNull(memory.getResult(ref).block());

    // The backend recovers; at the lease's end the message is taken back and runs again (one
    // retry counted), as for a worker that died.
    backend.recover();
    time.advanceTimeBy(millis(1));
    assertEquals(2, bodyRuns.get());
    assertEquals(5, memory.getResult(ref).block().value().asInt());
    assertEquals(TaskStatus.SUCCEEDED, memory.getStatus(ref).block().status());
    assertEquals(6, backend.settleTries());
    assertEquals(1, couldNotSettle.size());
  }

  @Test
  void anErrorThatIsNotTransientIsNotRetried() {
    FailingBackend backend =
        FailingBackend.failingSettles(
            memory, Integer.MAX_VALUE, () -> new IllegalStateException("a bug, not an outage"));
    MessageRef ref = submit(1);
    startWorker(backend, Duration.ofSeconds(30));

    time.advanceTimeBy(Duration.ofSeconds(20)); // well within the lease
    assertEquals(1, backend.settleTries());
    assertEquals(1, couldNotSettle.size());
    assertEquals(0, worker.inFlight());
    assertEquals(MessageState.LEASED, memory.find(ref).block().state(), "left to its lease");
  }

  private MessageRef submit(int input) {
    Message message =
        Message.builder()
            .id("m-" + input)
            .task("echo")
            .queue(QUEUE)
            .arguments(IntNode.valueOf(input))
            .createdAt(START)
            .build();
    assertEquals(true, memory.enqueue(EnqueueRequest.of(message)).block());
    return message.ref();
  }

  private void startWorker(FailingBackend backend, Duration lease) {
    worker = Worker.create(context(backend.backend()), options(lease)).start();
  }

  private static WorkerOptions options(Duration lease) {
    return WorkerOptions.queues(QUEUE).concurrency(4).lease(lease);
  }

  private WorkerContext context(Backend backend) {
    RegisteredTask echo = echo();
    return new WorkerContext(
        backend,
        name -> name.equals("echo") ? echo : null,
        Retention.defaults(),
        Duration.ofDays(1),
        "test");
  }

  /** A task that returns its input, counting its runs. */
  private RegisteredTask echo() {
    TaskDefinition<Integer, Integer> definition =
        TaskDefinition.of("echo", Integer.class, Integer.class);
    return new RegisteredTask() {
      @Override
      public TaskDefinition<?, ?> definition() {
        return definition;
      }

      @Override
      public Object decode(Message message) {
        return message.arguments().asInt();
      }

      @Override
      public Invocation start(Object input, Message message) {
        return Invocation.reactive(
            Mono.fromSupplier(
                () -> {
                  bodyRuns.incrementAndGet();
                  return input;
                }));
      }

      @Override
      public JsonNode encode(Object result) {
        return IntNode.valueOf((Integer) result);
      }

      @Override
      public TaskHooks<Object, Object> hooks() {
        return TaskHooks.none();
      }
    };
  }

  private static Duration millis(long millis) {
    return Duration.ofMillis(millis);
  }
}
