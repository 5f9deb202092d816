package io.taskflux.engine;

import io.taskflux.caller.Caller;
import io.taskflux.caller.CallerOptions;
import io.taskflux.memory.InMemoryBackend;
import io.taskflux.memory.InMemoryOptions;
import io.taskflux.serde.Serializer;
import io.taskflux.spi.Backend;
import io.taskflux.spi.Retention;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Builds a {@link TaskEngine}. Not thread-safe. Defaults: a new in-memory backend on the clock (the
 * UTC system clock unless set), namespace {@code "taskflux"}, {@link Serializer#json()}, a new
 * caller named after the namespace, {@link Retention#defaults()}, results kept 7 days.
 */
public final class TaskEngineBuilder {

  private Backend backend;
  private String namespace = "taskflux";
  private Serializer serializer = Serializer.json();
  private Clock clock;
  private Caller caller;
  private Retention retention = Retention.defaults();
  private Duration resultTtl = Retention.DEFAULT_TTL;

  TaskEngineBuilder() {}

  /** The backend (default: a new in-memory one, which the engine then closes on close). */
  public TaskEngineBuilder backend(Backend backend) {
    this.backend = Objects.requireNonNull(backend, "backend");
    return this;
  }

  /** The namespace, the prefix of worker ids and trigger locks. */
  public TaskEngineBuilder namespace(String namespace) {
    TaskDefinition.requireText(namespace, "namespace");
    this.namespace = namespace;
    return this;
  }

  /** The serializer of task inputs and results. */
  public TaskEngineBuilder serializer(Serializer serializer) {
    this.serializer = Objects.requireNonNull(serializer, "serializer");
    return this;
  }

  /**
   * The clock. With a given backend it must be that backend's clock (time has one source); without
   * one, the in-memory backend is built on it.
   */
  public TaskEngineBuilder clock(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
    return this;
  }

  /** The caller whose bounded pool runs blocking tasks (default: a new one, stopped on close). */
  public TaskEngineBuilder caller(Caller caller) {
    this.caller = Objects.requireNonNull(caller, "caller");
    return this;
  }

  /** The TTLs of messages, statuses, dead letters and revocation marks. */
  public TaskEngineBuilder retention(Retention retention) {
    this.retention = Objects.requireNonNull(retention, "retention");
    return this;
  }

  /** How long results of tasks that set no TTL are kept ({@code > 0}). */
  public TaskEngineBuilder resultTtl(Duration resultTtl) {
    this.resultTtl = TaskDefinition.positive(resultTtl, "resultTtl");
    return this;
  }

  /**
   * Builds the engine.
   *
   * @throws IllegalArgumentException if a clock and a backend with another clock were both given
   */
  public TaskEngine build() {
    boolean ownsBackend = backend == null;
    Backend b = backend;
    if (b == null) {
      Clock c = clock != null ? clock : Clock.systemUTC();
      b = InMemoryBackend.create(InMemoryOptions.defaults().withClock(c));
    } else if (clock != null && !clock.equals(b.clock())) {
      throw new IllegalArgumentException("clock must be the backend's clock, got " + clock);
    }
    boolean ownsCaller = caller == null;
    Caller c = caller != null ? caller : Caller.create(CallerOptions.named(namespace + "-tasks"));
    return new DefaultTaskEngine(
        b, ownsBackend, namespace, serializer, c, ownsCaller, retention, resultTtl);
  }
}
