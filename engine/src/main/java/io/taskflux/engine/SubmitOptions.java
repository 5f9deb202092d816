package io.taskflux.engine;

import io.taskflux.task.Message;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How one submission differs from its {@link TaskDefinition}'s defaults: priority, delay, id,
 * metadata, result TTL, timeout, queue, callbacks, and whether to store it at all.
 *
 * <p>Immutable and thread-safe; each {@code name(value)} method returns a copy, starting from
 * {@link #defaults()}. Invalid values throw {@link IllegalArgumentException} naming the parameter
 * at once (the seed's {@code generate} validation): a negative priority or delay, a blank id, a
 * non-positive TTL or timeout, a callback list whose members have callbacks of their own.
 */
public final class SubmitOptions {

  private static final SubmitOptions DEFAULTS =
      new SubmitOptions(0, Duration.ZERO, null, Map.of(), null, null, null, null, false);

  private final int priority;
  private final Duration delay;
  private final String id;
  private final Map<String, Object> metadata;
  private final Duration resultTtl;
  private final Duration timeout;
  private final String queue;
  private final Message callback;
  private final boolean deferred;

  private SubmitOptions(
      int priority,
      Duration delay,
      String id,
      Map<String, Object> metadata,
      Duration resultTtl,
      Duration timeout,
      String queue,
      Message callback,
      boolean deferred) {
    this.priority = priority;
    this.delay = delay;
    this.id = id;
    this.metadata = metadata;
    this.resultTtl = resultTtl;
    this.timeout = timeout;
    this.queue = queue;
    this.callback = callback;
    this.deferred = deferred;
  }

  /** Priority 0, no delay, a random id, no metadata, the definition's settings, submitted. */
  public static SubmitOptions defaults() {
    return DEFAULTS;
  }

  /** Lower runs first ({@code >= 0}); FIFO among equals. */
  public int priority() {
    return priority;
  }

  /** A copy with another priority ({@code >= 0}). */
  public SubmitOptions priority(int priority) {
    if (priority < 0) {
      throw new IllegalArgumentException("priority must be >= 0, got " + priority);
    }
    return new SubmitOptions(
        priority, delay, id, metadata, resultTtl, timeout, queue, callback, deferred);
  }

  /** How long after submission the first attempt may start. */
  public Duration delay() {
    return delay;
  }

  /** A copy with a delay ({@code >= 0}). */
  public SubmitOptions delay(Duration delay) {
    Objects.requireNonNull(delay, "delay");
    if (delay.isNegative()) {
      throw new IllegalArgumentException("delay must be >= 0, got " + delay);
    }
    return new SubmitOptions(
        priority, delay, id, metadata, resultTtl, timeout, queue, callback, deferred);
  }

  /** The message id asked for, or null for a random UUID. */
  public String id() {
    return id;
  }

  /**
   * A copy with a chosen message id (unique within its queue): submitting a second live message
   * with the same id fails with {@link io.taskflux.MessageAlreadyExistsException}.
   */
  public SubmitOptions id(String id) {
    TaskDefinition.requireText(id, "id");
    return new SubmitOptions(
        priority, delay, id, metadata, resultTtl, timeout, queue, callback, deferred);
  }

  /** User metadata stored with the message (encoded with the engine's serializer). */
  public Map<String, Object> metadata() {
    return metadata;
  }

  /** A copy with metadata (a copy of the map is kept). */
  public SubmitOptions metadata(Map<String, ?> metadata) {
    Objects.requireNonNull(metadata, "metadata");
    Map<String, Object> copy = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    return new SubmitOptions(
        priority, delay, id, copy, resultTtl, timeout, queue, callback, deferred);
  }

  /** The result TTL override, or null for the definition's. */
  public Duration resultTtl() {
    return resultTtl;
  }

  /** A copy whose result is kept for {@code ttl} ({@code > 0}). */
  public SubmitOptions resultTtl(Duration ttl) {
    return new SubmitOptions(
        priority,
        delay,
        id,
        metadata,
        TaskDefinition.positive(ttl, "resultTtl"),
        timeout,
        queue,
        callback,
        deferred);
  }

  /** The timeout override (the seed's {@code timeout_override}), or null for the definition's. */
  public Duration timeout() {
    return timeout;
  }

  /** A copy with a timeout override ({@code > 0}). */
  public SubmitOptions timeout(Duration timeout) {
    return new SubmitOptions(
        priority,
        delay,
        id,
        metadata,
        resultTtl,
        TaskDefinition.positive(timeout, "timeout"),
        queue,
        callback,
        deferred);
  }

  /** The queue override, or null for the definition's. */
  public String queue() {
    return queue;
  }

  /** A copy submitted to another queue. */
  public SubmitOptions queue(String queue) {
    TaskDefinition.requireText(queue, "queue");
    return new SubmitOptions(
        priority, delay, id, metadata, resultTtl, timeout, queue, callback, deferred);
  }

  /** The message to submit when this one succeeds (it may have its own), or null. */
  public Message callback() {
    return callback;
  }

  /**
   * A copy with callbacks, usually built with {@link #deferred(boolean) deferred} submissions: one
   * message (which may carry its own callback chain), or several, which are chained in order (the
   * first runs after this task, the second after the first...) and then must not have callbacks of
   * their own. Each callback gets this task's result as its {@link Message#previousResult()}.
   */
  public SubmitOptions callbacks(Message... callbacks) {
    Objects.requireNonNull(callbacks, "callbacks");
    if (callbacks.length == 0) {
      throw new IllegalArgumentException("callbacks must not be empty");
    }
    Message chain = null;
    for (int i = callbacks.length - 1; i >= 0; i--) {
      Message m = Objects.requireNonNull(callbacks[i], "callbacks[" + i + "]");
      if (callbacks.length > 1 && m.callback() != null) {
        throw new IllegalArgumentException(
            "callbacks[" + i + "] has a callback of its own; a list of callbacks must not");
      }
      chain = chain == null ? m : m.toBuilder().callback(chain).build();
    }
    return new SubmitOptions(
        priority, delay, id, metadata, resultTtl, timeout, queue, chain, deferred);
  }

  /** A copy with the callbacks as a list ({@link #callbacks(Message...)}). */
  public SubmitOptions callbacks(List<Message> callbacks) {
    return callbacks(new ArrayList<>(callbacks).toArray(Message[]::new));
  }

  /** Whether submission only builds the message and stores nothing (the seed's deferred mode). */
  public boolean deferred() {
    return deferred;
  }

  /**
   * A copy in deferred mode: {@code submit} builds the message, stores nothing, runs no hook, and
   * returns a handle whose {@link TaskHandle#message()} holds it, to submit later with {@link
   * TaskEngine#submit(Message)} or to pass as a callback.
   */
  public SubmitOptions deferred(boolean deferred) {
    return new SubmitOptions(
        priority, delay, id, metadata, resultTtl, timeout, queue, callback, deferred);
  }

  @Override
  public String toString() {
    return "SubmitOptions[priority="
        + priority
        + ", delay="
        + delay
        + ", id="
        + id
        + ", queue="
        + queue
        + ", deferred="
        + deferred
        + "]";
  }
}
