package io.taskflux.task;

import io.taskflux.backoff.BackoffSettings;
import io.taskflux.internal.Ids;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.annotation.JsonDeserialize;
import tools.jackson.databind.annotation.JsonSerialize;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.NullNode;

/**
 * One unit of work: which task to run with which arguments, and everything needed to schedule,
 * retry and chain it. Messages are immutable values: change one with {@link #toBuilder()} or a
 * {@code with*} copy. JSON trees passed in are copied, and the accessors of {@link #arguments()},
 * {@link #metadata()} and {@link #previousResult()} return copies, so nobody can change a message
 * from outside. Times and durations are kept at millisecond precision (finer parts are dropped on
 * construction), which is what makes {@code decode(encode(m)).equals(m)} hold in every serializer.
 *
 * <p>Wire form: a JSON object with the component names below; instants are epoch milliseconds,
 * durations milliseconds, null components are omitted. Any Jackson 3 mapper reads and writes it
 * that way (the format does not depend on the mapper's settings).
 *
 * @param id unique within its queue; a random UUID by default (generated without blocking)
 * @param task the registered task name
 * @param queue the queue it waits in
 * @param arguments the task's input as JSON; {@code null} JSON when none
 * @param metadata user metadata, a JSON object (empty by default)
 * @param priority {@code >= 0}; lower runs first
 * @param retries attempts that failed and were retried so far ({@code >= 0})
 * @param maxRetries how many retries are allowed ({@code >= 0}): at most {@code maxRetries + 1}
 *     executions; {@link #UNLIMITED_RETRIES} for no limit
 * @param timeout the longest one execution may run ({@code > 0}; capped at {@link #MAX_DURATION})
 * @param createdAt when the message was created
 * @param updatedAt when it last changed
 * @param readyAt when it may run next (created + delay at first, then the retry time)
 * @param delay the delay asked for at submission ({@code >= 0}; capped at {@link #MAX_DURATION})
 * @param resultTtl how long its result is kept, or null for the engine's default
 * @param progenitorId the first message of a callback chain or trigger series, or null
 * @param previousMessageId the message whose completion submitted this one, or null
 * @param previousResult that message's result, or null (a JSON {@code null} result is kept as such)
 * @param callback the message to submit when this one succeeds (it may have its own), or null
 * @param backoff how long to wait between attempts
 * @param exceptionDetails the last attempt's failure, or null
 */
@JsonSerialize(using = MessageJson.Writer.class)
@JsonDeserialize(using = MessageJson.Reader.class)
public record Message(
    String id,
    String task,
    String queue,
    JsonNode arguments,
    JsonNode metadata,
    int priority,
    int retries,
    int maxRetries,
    Duration timeout,
    Instant createdAt,
    Instant updatedAt,
    Instant readyAt,
    Duration delay,
    Duration resultTtl,
    String progenitorId,
    String previousMessageId,
    JsonNode previousResult,
    Message callback,
    BackoffSettings backoff,
    ExceptionDetails exceptionDetails) {

  /** The default queue name. */
  public static final String DEFAULT_QUEUE = "default";

  /** The default {@link #maxRetries()}: 3, so at most 4 executions. */
  public static final int DEFAULT_MAX_RETRIES = 3;

  /** {@link #maxRetries()} meaning "retry for ever". */
  public static final int UNLIMITED_RETRIES = Integer.MAX_VALUE;

  /**
   * The metadata of every message without any: shared rather than one empty object per message (80
   * bytes of each queued message's heap). Never handed out ({@link #metadata()} returns copies) and
   * never changed.
   */
  private static final JsonNode NO_METADATA = JsonNodeFactory.instance.objectNode();

  /**
   * The longest {@link #timeout()}, {@link #delay()} and {@link #resultTtl()}: 100 years. Longer
   * durations (up to {@code ChronoUnit.FOREVER}) are capped to it rather than refused, since they
   * mean "never" either way and a longer one would overflow the clock's arithmetic.
   */
  public static final Duration MAX_DURATION = Duration.ofDays(36_500);

  /** The default {@link #timeout()}: 1 hour. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofHours(1);

  /**
   * Validates every component and normalizes: null arguments become JSON {@code null}, null
   * metadata an empty object, times are truncated to milliseconds, JSON trees are copied.
   *
   * @throws IllegalArgumentException naming the first invalid component
   */
  public Message {
    requireName(id, "id");
    requireName(task, "task");
    requireName(queue, "queue");
    arguments = arguments == null ? NullNode.getInstance() : arguments.deepCopy();
    if (metadata == null || metadata.isNull() || metadata.isObject() && metadata.isEmpty()) {
      metadata = NO_METADATA;
    } else if (!metadata.isObject()) {
      throw new IllegalArgumentException("metadata must be a JSON object, got " + metadata);
    } else {
      metadata = metadata.deepCopy();
    }
    if (priority < 0) {
      throw new IllegalArgumentException("priority must be >= 0, got " + priority);
    }
    if (retries < 0) {
      throw new IllegalArgumentException("retries must be >= 0, got " + retries);
    }
    if (maxRetries < 0) {
      throw new IllegalArgumentException("maxRetries must be >= 0, got " + maxRetries);
    }
    timeout = capped(millis(Objects.requireNonNull(timeout, "timeout")));
    if (timeout.isZero() || timeout.isNegative()) {
      throw new IllegalArgumentException("timeout must be > 0, got " + timeout);
    }
    createdAt = millis(createdAt, "createdAt");
    updatedAt = millis(updatedAt, "updatedAt");
    readyAt = millis(readyAt, "readyAt");
    delay = capped(millis(delay == null ? Duration.ZERO : delay));
    if (delay.isNegative()) {
      throw new IllegalArgumentException("delay must be >= 0, got " + delay);
    }
    if (resultTtl != null) {
      resultTtl = capped(millis(resultTtl));
      if (resultTtl.isZero() || resultTtl.isNegative()) {
        throw new IllegalArgumentException("resultTtl must be > 0 or null, got " + resultTtl);
      }
    }
    previousResult = previousResult == null ? null : previousResult.deepCopy();
    backoff = backoff == null ? BackoffSettings.defaults() : backoff;
  }

  /** A builder for a new message; {@code createdAt} must be set, the rest has defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding every component of this message. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** The task's input (a copy). */
  @Override
  public JsonNode arguments() {
    return arguments.deepCopy();
  }

  /** The user metadata, a JSON object (a copy). */
  @Override
  public JsonNode metadata() {
    return metadata.deepCopy();
  }

  /** The previous message's result (a copy), or null. */
  @Override
  public JsonNode previousResult() {
    return previousResult == null ? null : previousResult.deepCopy();
  }

  /** Where this message lives: its queue and id. */
  public MessageRef ref() {
    return new MessageRef(queue, id);
  }

  /** Whether it may run at {@code now}: {@code readyAt <= now}. */
  public boolean isReady(Instant now) {
    return !readyAt.isAfter(now);
  }

  /** Whether another attempt is allowed after a failure: {@code retries < maxRetries}. */
  public boolean canRetry() {
    return retries < maxRetries;
  }

  /** The ids of the callback chain, first callback first. */
  public List<String> descendantIds() {
    List<String> ids = new ArrayList<>();
    for (Message m = callback; m != null; m = m.callback) {
      ids.add(m.id);
    }
    return ids;
  }

  /** A copy with another retry count and {@code updatedAt}. */
  public Message withRetries(int retries, Instant updatedAt) {
    return toBuilder().retries(retries).updatedAt(updatedAt).build();
  }

  /** A copy that becomes ready at {@code readyAt}. */
  public Message withReadyAt(Instant readyAt) {
    return toBuilder().readyAt(readyAt).build();
  }

  /** A copy with other exception details (null clears them). */
  public Message withExceptionDetails(ExceptionDetails details) {
    return toBuilder().exceptionDetails(details).build();
  }

  /** A copy with {@code updatedAt} changed. */
  public Message withUpdatedAt(Instant updatedAt) {
    return toBuilder().updatedAt(updatedAt).build();
  }

  /** A copy with other metadata (a JSON object). */
  public Message withMetadata(JsonNode metadata) {
    return toBuilder().metadata(metadata).build();
  }

  /** A copy with another priority. */
  public Message withPriority(int priority) {
    return toBuilder().priority(priority).build();
  }

  /** A copy with a new random id (the seed's {@code duplicate()}). */
  public Message withNewId() {
    return toBuilder().id(Ids.randomUuid()).build();
  }

  static void requireName(String value, String name) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(name + " must not be blank, got '" + value + "'");
    }
  }

  private static Instant millis(Instant t, String name) {
    return Objects.requireNonNull(t, name).truncatedTo(ChronoUnit.MILLIS);
  }

  private static Duration millis(Duration d) {
    return d.truncatedTo(ChronoUnit.MILLIS);
  }

  private static Duration capped(Duration d) {
    return d.compareTo(MAX_DURATION) > 0 ? MAX_DURATION : d;
  }

  /**
   * Builds a {@link Message}. Not thread-safe. Defaults: a random UUID id, queue {@value
   * #DEFAULT_QUEUE}, JSON {@code null} arguments, empty metadata, priority 0, {@value
   * #DEFAULT_MAX_RETRIES} max retries, a 1 h timeout, {@code updatedAt = createdAt}, {@code readyAt
   * = createdAt + delay}, the default exponential backoff.
   */
  public static final class Builder {
    private String id;
    private String task;
    private String queue = DEFAULT_QUEUE;
    private JsonNode arguments;
    private JsonNode metadata;
    private int priority;
    private int retries;
    private int maxRetries = DEFAULT_MAX_RETRIES;
    private Duration timeout = DEFAULT_TIMEOUT;
    private Instant createdAt;
    private Instant updatedAt;
    private Instant readyAt;
    private Duration delay = Duration.ZERO;
    private Duration resultTtl;
    private String progenitorId;
    private String previousMessageId;
    private JsonNode previousResult;
    private Message callback;
    private BackoffSettings backoff;
    private ExceptionDetails exceptionDetails;

    private Builder() {}

    private Builder(Message m) {
      id = m.id;
      task = m.task;
      queue = m.queue;
      arguments = m.arguments;
      metadata = m.metadata;
      priority = m.priority;
      retries = m.retries;
      maxRetries = m.maxRetries;
      timeout = m.timeout;
      createdAt = m.createdAt;
      updatedAt = m.updatedAt;
      readyAt = m.readyAt;
      delay = m.delay;
      resultTtl = m.resultTtl;
      progenitorId = m.progenitorId;
      previousMessageId = m.previousMessageId;
      previousResult = m.previousResult;
      callback = m.callback;
      backoff = m.backoff;
      exceptionDetails = m.exceptionDetails;
    }

    /** Sets {@link Message#id()}. */
    public Builder id(String id) {
      this.id = id;
      return this;
    }

    /** Sets {@link Message#task()}. */
    public Builder task(String task) {
      this.task = task;
      return this;
    }

    /** Sets {@link Message#queue()}. */
    public Builder queue(String queue) {
      this.queue = queue;
      return this;
    }

    /** Sets {@link Message#arguments()}. */
    public Builder arguments(JsonNode arguments) {
      this.arguments = arguments;
      return this;
    }

    /** Sets {@link Message#metadata()}. */
    public Builder metadata(JsonNode metadata) {
      this.metadata = metadata;
      return this;
    }

    /** Sets {@link Message#priority()}. */
    public Builder priority(int priority) {
      this.priority = priority;
      return this;
    }

    /** Sets {@link Message#retries()}. */
    public Builder retries(int retries) {
      this.retries = retries;
      return this;
    }

    /** Sets {@link Message#maxRetries()}. */
    public Builder maxRetries(int maxRetries) {
      this.maxRetries = maxRetries;
      return this;
    }

    /** Sets {@link Message#timeout()}. */
    public Builder timeout(Duration timeout) {
      this.timeout = timeout;
      return this;
    }

    /** Sets {@link Message#createdAt()} (required). */
    public Builder createdAt(Instant createdAt) {
      this.createdAt = createdAt;
      return this;
    }

    /** Sets {@link Message#updatedAt()}; defaults to {@code createdAt}. */
    public Builder updatedAt(Instant updatedAt) {
      this.updatedAt = updatedAt;
      return this;
    }

    /** Sets {@link Message#readyAt()}; defaults to {@code createdAt + delay}. */
    public Builder readyAt(Instant readyAt) {
      this.readyAt = readyAt;
      return this;
    }

    /** Sets {@link Message#delay()}. */
    public Builder delay(Duration delay) {
      this.delay = delay;
      return this;
    }

    /** Sets {@link Message#resultTtl()}. */
    public Builder resultTtl(Duration resultTtl) {
      this.resultTtl = resultTtl;
      return this;
    }

    /** Sets {@link Message#progenitorId()}. */
    public Builder progenitorId(String progenitorId) {
      this.progenitorId = progenitorId;
      return this;
    }

    /** Sets {@link Message#previousMessageId()}. */
    public Builder previousMessageId(String previousMessageId) {
      this.previousMessageId = previousMessageId;
      return this;
    }

    /** Sets {@link Message#previousResult()}. */
    public Builder previousResult(JsonNode previousResult) {
      this.previousResult = previousResult;
      return this;
    }

    /** Sets {@link Message#callback()}. */
    public Builder callback(Message callback) {
      this.callback = callback;
      return this;
    }

    /** Sets {@link Message#backoff()}. */
    public Builder backoff(BackoffSettings backoff) {
      this.backoff = backoff;
      return this;
    }

    /** Sets {@link Message#exceptionDetails()}. */
    public Builder exceptionDetails(ExceptionDetails exceptionDetails) {
      this.exceptionDetails = exceptionDetails;
      return this;
    }

    /**
     * Builds the message.
     *
     * @throws IllegalArgumentException if a component is invalid or {@code createdAt} is unset
     */
    public Message build() {
      if (createdAt == null) {
        throw new IllegalArgumentException("createdAt must be set");
      }
      Duration d = delay == null ? Duration.ZERO : capped(delay);
      return new Message(
          id == null ? Ids.randomUuid() : id,
          task,
          queue,
          arguments,
          metadata,
          priority,
          retries,
          maxRetries,
          timeout,
          createdAt,
          updatedAt == null ? createdAt : updatedAt,
          readyAt == null ? createdAt.plus(d) : readyAt,
          d,
          resultTtl,
          progenitorId,
          previousMessageId,
          previousResult,
          callback,
          backoff,
          exceptionDetails);
    }
  }
}
