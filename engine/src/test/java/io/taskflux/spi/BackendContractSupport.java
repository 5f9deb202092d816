package io.taskflux.spi;

import io.taskflux.task.Message;
import io.taskflux.task.MessageRef;
import io.taskflux.task.StatusUpdate;
import io.taskflux.task.TaskStatus;
import io.taskflux.time.ManualClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * Set-up and helpers of {@link BackendContractTest}: a fresh backend on a {@link ManualClock} per
 * test, queue names unique to the test (so a shared server does not leak between tests), and short
 * ways to build messages and requests.
 */
public abstract class BackendContractSupport {

  /** Where the test clock starts. */
  protected static final Instant START = Instant.parse("2030-01-02T03:04:05Z");

  /** The retention every request uses unless a test says otherwise. */
  protected static final Retention R = Retention.defaults();

  /** A generous bound for things that must happen "at once" in real time. */
  protected static final Duration SOON = Duration.ofSeconds(5);

  protected static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  protected ManualClock time;
  protected Backend backend;

  /** A prefix unique to this test for queue, lock and counter names. */
  protected String prefix;

  /** A fresh, empty backend whose every time-based decision uses {@code clock}. */
  protected abstract Backend createBackend(Clock clock);

  /**
   * A fresh, empty backend that admits at most {@code capacity} live messages in a queue through
   * {@code enqueue}, and fails past that with {@link io.taskflux.CapacityExceededException}.
   */
  protected abstract Backend createBackend(Clock clock, int capacity);

  /** Called after each test, before the backend is closed: check internal invariants here. */
  protected void verifyAfterEach(Backend backend) {}

  @BeforeEach
  void setUpBackend() {
    time = ManualClock.startingAt(START);
    backend = createBackend(time.clock());
    prefix = "t" + UUID.randomUUID().toString().substring(0, 8) + "-";
  }

  @AfterEach
  void tearDownBackend() {
    try {
      verifyAfterEach(backend);
    } finally {
      backend.closeAsync().block(SOON);
    }
  }

  protected String queue(String name) {
    return prefix + name;
  }

  protected Message.Builder message(String queue, String task) {
    return Message.builder().queue(queue(queue)).task(task).createdAt(time.now());
  }

  protected Message message(String queue, int priority) {
    return message(queue, "work").priority(priority).build();
  }

  protected boolean enqueue(Message m) {
    return backend.enqueue(new EnqueueRequest(m, R)).block(SOON);
  }

  protected List<Delivery> claim(String owner, int max, Duration lease, String... queues) {
    List<QueueSelector> selectors =
        java.util.Arrays.stream(queues).map(q -> QueueSelector.of(queue(q))).toList();
    return backend.claim(new ClaimRequest(selectors, max, owner, lease, R)).block(SOON);
  }

  protected List<Delivery> claim(String owner, int max, String... queues) {
    return claim(owner, max, Duration.ofSeconds(30), queues);
  }

  protected Delivery claimOne(String owner, String queue) {
    List<Delivery> got = claim(owner, 1, queue);
    if (got.size() != 1) {
      throw new AssertionError("expected one delivery from " + queue + ", got " + got);
    }
    return got.get(0);
  }

  protected StoredMessage find(MessageRef ref) {
    return backend.find(ref).block(SOON);
  }

  protected TaskStatus status(MessageRef ref) {
    StatusUpdate s = backend.getStatus(ref).block(SOON);
    return s == null ? null : s.status();
  }

  protected CompleteRequest completion(Lease lease, String result, Message... callbacks) {
    return new CompleteRequest(
        lease, JSON.stringNode(result), Duration.ofHours(1), List.of(callbacks), R);
  }

  protected MessageRef ref(String queue, String id) {
    return MessageRef.of(queue(queue), id);
  }
}
