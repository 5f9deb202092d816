package io.taskflux.engine;

import io.taskflux.backoff.Backoff;
import io.taskflux.task.Message;
import java.time.Duration;
import java.util.Objects;

/**
 * What a task is, independent of the code that runs it: its name, input and output types, the queue
 * it waits in, and its policy (timeout, retries, backoff, result TTL, hooks). Producers that submit
 * and workers that run share the same definition.
 *
 * <p>Immutable and thread-safe: each {@code name(value)} method returns a copy with that setting
 * changed, so {@code TaskDefinition.of("charge", Order.class, Receipt.class).queue("payments")
 * .maxRetries(5)} reads as a builder. Invalid values throw {@link IllegalArgumentException} naming
 * the parameter.
 *
 * <p>Defaults (the seed's): queue {@value Message#DEFAULT_QUEUE}, timeout 1 h, {@value
 * Message#DEFAULT_MAX_RETRIES} retries (at most 4 executions), {@link Backoff#exponential()}, the
 * engine's result TTL, {@link Mechanism#REACTIVE}, no hooks.
 *
 * @param <I> the input type ({@link Void} for a task without input, e.g. a trigger task)
 * @param <O> the output type ({@link Void} for none)
 */
public final class TaskDefinition<I, O> {

  private final String name;
  private final Class<I> inputType;
  private final Class<O> outputType;
  private final String queue;
  private final Duration timeout;
  private final int maxRetries;
  private final Backoff backoff;
  private final Duration resultTtl;
  private final Mechanism mechanism;
  private final TaskHooks<I, O> hooks;

  private TaskDefinition(
      String name,
      Class<I> inputType,
      Class<O> outputType,
      String queue,
      Duration timeout,
      int maxRetries,
      Backoff backoff,
      Duration resultTtl,
      Mechanism mechanism,
      TaskHooks<I, O> hooks) {
    this.name = name;
    this.inputType = inputType;
    this.outputType = outputType;
    this.queue = queue;
    this.timeout = timeout;
    this.maxRetries = maxRetries;
    this.backoff = backoff;
    this.resultTtl = resultTtl;
    this.mechanism = mechanism;
    this.hooks = hooks;
  }

  /**
   * A definition with the defaults.
   *
   * @param name the task name, unique per engine, not blank
   * @param inputType the input's class (decoded from JSON with the engine's serializer)
   * @param outputType the result's class
   */
  public static <I, O> TaskDefinition<I, O> of(
      String name, Class<I> inputType, Class<O> outputType) {
    requireText(name, "name");
    return new TaskDefinition<>(
        name,
        Objects.requireNonNull(inputType, "inputType"),
        Objects.requireNonNull(outputType, "outputType"),
        Message.DEFAULT_QUEUE,
        Message.DEFAULT_TIMEOUT,
        Message.DEFAULT_MAX_RETRIES,
        Backoff.exponential(),
        null,
        Mechanism.REACTIVE,
        TaskHooks.none());
  }

  /** The task name. */
  public String name() {
    return name;
  }

  /** The input class. */
  public Class<I> inputType() {
    return inputType;
  }

  /** The output class. */
  public Class<O> outputType() {
    return outputType;
  }

  /** The queue its messages wait in (a submission may override it). */
  public String queue() {
    return queue;
  }

  /** A copy in another queue. */
  public TaskDefinition<I, O> queue(String queue) {
    requireText(queue, "queue");
    return copy(queue, timeout, maxRetries, backoff, resultTtl, mechanism, hooks);
  }

  /** The longest one execution may run before it is cancelled and handled as a failure. */
  public Duration timeout() {
    return timeout;
  }

  /** A copy with another timeout ({@code > 0}). */
  public TaskDefinition<I, O> timeout(Duration timeout) {
    return copy(
        queue, positive(timeout, "timeout"), maxRetries, backoff, resultTtl, mechanism, hooks);
  }

  /** How many retries are allowed: at most {@code maxRetries + 1} executions. */
  public int maxRetries() {
    return maxRetries;
  }

  /**
   * A copy with another retry limit ({@code >= 0}; {@link Message#UNLIMITED_RETRIES} for no limit).
   */
  public TaskDefinition<I, O> maxRetries(int maxRetries) {
    if (maxRetries < 0) {
      throw new IllegalArgumentException("maxRetries must be >= 0, got " + maxRetries);
    }
    return copy(queue, timeout, maxRetries, backoff, resultTtl, mechanism, hooks);
  }

  /** The wait between attempts, counted from each failure. */
  public Backoff backoff() {
    return backoff;
  }

  /** A copy with another backoff. */
  public TaskDefinition<I, O> backoff(Backoff backoff) {
    Objects.requireNonNull(backoff, "backoff");
    return copy(queue, timeout, maxRetries, backoff, resultTtl, mechanism, hooks);
  }

  /** How long results are kept, or null for the engine's default. */
  public Duration resultTtl() {
    return resultTtl;
  }

  /** A copy whose results are kept for {@code ttl} ({@code > 0}). */
  public TaskDefinition<I, O> resultTtl(Duration ttl) {
    return copy(queue, timeout, maxRetries, backoff, positive(ttl, "resultTtl"), mechanism, hooks);
  }

  /** How the task runs: reactive or on the caller's bounded pool of threads. */
  public Mechanism mechanism() {
    return mechanism;
  }

  /**
   * A copy with another mechanism. {@link TaskEngine#registerBlocking} sets {@link
   * Mechanism#BLOCKING} itself; {@link TaskEngine#register} refuses a definition declared blocking.
   */
  public TaskDefinition<I, O> mechanism(Mechanism mechanism) {
    Objects.requireNonNull(mechanism, "mechanism");
    return copy(queue, timeout, maxRetries, backoff, resultTtl, mechanism, hooks);
  }

  /** The hooks run on submission and on each outcome. */
  public TaskHooks<I, O> hooks() {
    return hooks;
  }

  /** A copy with other hooks. */
  public TaskDefinition<I, O> hooks(TaskHooks<I, O> hooks) {
    Objects.requireNonNull(hooks, "hooks");
    return copy(queue, timeout, maxRetries, backoff, resultTtl, mechanism, hooks);
  }

  private TaskDefinition<I, O> copy(
      String queue,
      Duration timeout,
      int maxRetries,
      Backoff backoff,
      Duration resultTtl,
      Mechanism mechanism,
      TaskHooks<I, O> hooks) {
    return new TaskDefinition<>(
        name,
        inputType,
        outputType,
        queue,
        timeout,
        maxRetries,
        backoff,
        resultTtl,
        mechanism,
        hooks);
  }

  static void requireText(String value, String name) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(name + " must not be blank, got '" + value + "'");
    }
  }

  static Duration positive(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException(name + " must be > 0, got " + d);
    }
    return d;
  }

  @Override
  public String toString() {
    return "TaskDefinition["
        + name
        + ", "
        + inputType.getSimpleName()
        + " -> "
        + outputType.getSimpleName()
        + ", queue="
        + queue
        + "]";
  }
}
