package io.taskflux.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.taskflux.memory.InMemoryBackend;
import io.taskflux.memory.InMemoryOptions;
import io.taskflux.task.Message;
import io.taskflux.time.ManualClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * Base of the service tests: a fresh {@link InMemoryBackend} per test on a {@link ManualClock}
 * (advance it to move TTLs, waits and timeouts), and, after each test, the backend's invariants and
 * a leak check (no waiter left registered: every wait a service started was ended).
 */
public abstract class InMemoryServiceTest {

  /** Where the test clock starts. */
  protected static final Instant START = Instant.parse("2030-01-02T03:04:05Z");

  /** A generous real-time bound for StepVerifier on things that happen at once. */
  protected static final Duration SOON = Duration.ofSeconds(5);

  protected static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  protected ManualClock time;
  protected InMemoryBackend backend;

  @BeforeEach
  void setUpBackend() {
    time = ManualClock.startingAt(START);
    backend = InMemoryBackend.create(InMemoryOptions.defaults().withClock(time.clock()));
  }

  @AfterEach
  void checkBackend() {
    try {
      backend.checkInvariants();
      assertEquals(0, backend.waiterCount(), "waiters left registered in the backend");
    } finally {
      backend.closeAsync().block(SOON);
    }
  }

  /** A message builder created now on the test clock. */
  protected Message.Builder message(String queue, String task) {
    return Message.builder().queue(queue).task(task).createdAt(time.now());
  }

  /** A message of task "work" in {@code queue}, created now. */
  protected Message message(String queue) {
    return message(queue, "work").build();
  }

  /** Moves the test clock (and every timer on it) forward. */
  protected void advance(Duration d) {
    time.advance(d);
  }
}
