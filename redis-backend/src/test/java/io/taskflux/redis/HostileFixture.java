package io.taskflux.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.taskflux.engine.TaskDefinition;
import io.taskflux.engine.TaskEngine;
import io.taskflux.engine.WorkerOptions;
import io.taskflux.spi.EnqueueRequest;
import io.taskflux.spi.MessageState;
import io.taskflux.spi.StoredMessage;
import io.taskflux.task.Message;
import io.taskflux.task.MessageRef;
import io.taskflux.task.StatusUpdate;
import io.taskflux.task.TaskStatus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * One engine on a Redis backend in a namespace of its own, a raw connection for writing hostile
 * bytes where the engine never would, and the checks every hostile-input test ends with: the
 * hostile message is dead-lettered with details naming it, and a healthy task submitted after it
 * still completes.
 */
final class HostileFixture implements AutoCloseable {

  static final Duration SOON = Duration.ofSeconds(20);
  static final String QUEUE = "hostile";
  static final int MAX_MESSAGE_BYTES = 16 * 1024;

  /** A pair of numbers, the input of {@code sum}. */
  record Pair(int a, int b) {}

  static final TaskDefinition<String, String> ECHO =
      TaskDefinition.of("echo", String.class, String.class).queue(QUEUE);
  static final TaskDefinition<Pair, Integer> SUM =
      TaskDefinition.of("sum", Pair.class, Integer.class).queue(QUEUE);
  static final TaskDefinition<Object, String> DESCRIBE =
      TaskDefinition.of("describe", Object.class, String.class).queue(QUEUE);

  private static final AtomicInteger NAMESPACES = new AtomicInteger();

  final String namespace = "hostile" + NAMESPACES.incrementAndGet();
  final Keys keys = new Keys(namespace);
  final RedisBackend backend;
  final TaskEngine engine;
  private final RedisClient rawClient;
  private final StatefulRedisConnection<String, byte[]> raw;
  private Disposable workers;
  private int healthy;

  HostileFixture(String uri) {
    backend =
        RedisBackend.builder()
            .uri(uri)
            .namespace(namespace)
            .maxMessageBytes(MAX_MESSAGE_BYTES)
            .build();
    engine = TaskEngine.builder().backend(backend).namespace(namespace).build();
    engine.register(ECHO, s -> Mono.just(s + "!"));
    engine.register(SUM, p -> Mono.just(p.a() + p.b()));
    // What Jackson made of an Object input, by class: proves no gadget type was instantiated.
    engine.register(
        DESCRIBE, o -> Mono.just(o == null ? "null" : o.getClass().getName() + " " + o));
    rawClient = RedisClient.create(uri);
    raw = rawClient.connect(RedisConnections.CODEC);
  }

  /** Raw synchronous commands (test thread only). */
  RedisCommands<String, byte[]> raw() {
    return raw.sync();
  }

  void startWorkers(WorkerOptions options) {
    if (workers == null) {
      workers = engine.workers(options).start();
    }
  }

  /**
   * Starts the workers unless started: a test writes its hostile bytes first, so no worker can
   * claim the message before they are there.
   */
  void startWorkers() {
    startWorkers(WorkerOptions.queues(QUEUE).concurrency(4));
  }

  /** A message for {@code task} with these arguments, built as a producer would. */
  static Message message(String task, JsonNode arguments) {
    return Message.builder()
        .queue(QUEUE)
        .task(task)
        .arguments(arguments)
        .createdAt(Instant.now())
        .build();
  }

  /** Enqueues a message through the SPI (the bytes are then changed by hand). */
  Message enqueue(Message m) {
    assertEquals(Boolean.TRUE, backend.enqueue(EnqueueRequest.of(m)).block(SOON));
    return m;
  }

  /** Overwrites one field of a live message's hash with raw bytes. */
  void poke(Message m, String field, byte[] value) {
    raw().hset(keys.message(QUEUE, m.id()), field, value);
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Waits (on the status channel) for the FAILED status of {@code ref}. */
  StatusUpdate failure(MessageRef ref) {
    startWorkers();
    return backend.watchStatus(ref).filter(s -> s.status() == TaskStatus.FAILED).next().block(SOON);
  }

  /**
   * Asserts that {@code ref} ended FAILED with an error of {@code type} whose message names the id,
   * and that it sits in the dead-letter queue.
   */
  StatusUpdate assertDeadLettered(MessageRef ref, Class<? extends Throwable> type) {
    StatusUpdate failed = failure(ref);
    assertNotNull(failed, ref + " FAILED");
    assertEquals(type.getName(), failed.error().type(), failed.error().message());
    assertTrue(
        failed.error().message().contains(ref.id()),
        "the error names the id: " + failed.error().message());
    StoredMessage dead = backend.findDeadLetter(ref).block(SOON);
    assertNotNull(dead, ref + " in the DLQ");
    assertEquals(MessageState.DEAD_LETTER, dead.state());
    return failed;
  }

  /** Submits a healthy task after the hostile one and waits for its result. */
  void assertStillHealthy() {
    startWorkers();
    String in = "healthy-" + (++healthy);
    assertEquals(in + "!", engine.submit(ECHO, in).flatMap(h -> h.result(SOON)).block(SOON));
  }

  @Override
  public void close() {
    if (workers != null) {
      workers.dispose();
    }
    raw.close();
    rawClient.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    engine.closeAsync().block(SOON);
    backend.closeAsync().block(SOON);
  }
}
