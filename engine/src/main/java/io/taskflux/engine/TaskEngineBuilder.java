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
 * UTC system clock unless set), owned by the engine; the backend's namespace ({@code "taskflux"}
 * unless the backend was built with another); {@link Serializer#json()}; a new caller named after
 * the namespace; {@link Retention#defaults()}; results kept 7 days.
 *
 * <p><b>Backend ownership</b> is said at the call site: {@link #backend(Backend)} lends a backend
 * to the engine (the engine never closes it: close it yourself, after the engine, or share it
 * between engines), {@link #ownedBackend(Backend)} hands it over ({@link TaskEngine#close()} closes
 * it after the workers).
 *
 * <p><b>One namespace.</b> An engine has exactly one namespace, its backend's: it isolates keys,
 * queues, locks, worker ids and trigger tick claims alike. {@link #namespace(String)} on a backend
 * of another namespace makes the engine use {@link Backend#withNamespace the backend's view} of
 * that namespace, over the same connections.
 */
public final class TaskEngineBuilder {

  private Backend backend;
  private boolean ownsBackend;
  private String namespace;
  private Serializer serializer = Serializer.json();
  private Clock clock;
  private Caller caller;
  private Retention retention = Retention.defaults();
  private Duration resultTtl = Retention.DEFAULT_TTL;

  TaskEngineBuilder() {}

  /**
   * A borrowed backend: the engine uses it but never closes it, so it can be shared by several
   * engines and outlive them; whoever created it closes it, after the engines. (Default: a new
   * in-memory backend, owned by the engine.) Replaces an earlier {@link #ownedBackend}.
   */
  public TaskEngineBuilder backend(Backend backend) {
    this.backend = Objects.requireNonNull(backend, "backend");
    this.ownsBackend = false;
    return this;
  }

  /**
   * An owned backend: handed over to the engine, which closes it (and every namespace view of it)
   * at the end of {@link TaskEngine#closeAsync()}, after its workers stopped. Replaces an earlier
   * {@link #backend}.
   */
  public TaskEngineBuilder ownedBackend(Backend backend) {
    this.backend = Objects.requireNonNull(backend, "backend");
    this.ownsBackend = true;
    return this;
  }

  /**
   * The namespace (default: the backend's). It isolates everything of the engine: on a backend of
   * another namespace the engine works on {@code backend.withNamespace(namespace)}, so its keys
   * (Redis), store (in-memory), worker ids and trigger tick claims are all under {@code namespace}.
   */
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
    Backend given = backend;
    boolean owns = ownsBackend;
    if (given == null) {
      Clock c = clock != null ? clock : Clock.systemUTC();
      InMemoryOptions o = InMemoryOptions.defaults().withClock(c);
      given = InMemoryBackend.create(namespace != null ? o.withNamespace(namespace) : o);
      owns = true;
    } else if (clock != null && !clock.equals(given.clock())) {
      throw new IllegalArgumentException("clock must be the backend's clock, got " + clock);
    }
    Backend b =
        namespace == null || namespace.equals(given.namespace())
            ? given
            : given.withNamespace(namespace);
    String ns = b.namespace();
    boolean ownsCaller = caller == null;
    Caller c = caller != null ? caller : Caller.create(CallerOptions.named(ns + "-tasks"));
    return new DefaultTaskEngine(
        b, owns ? given : null, ns, serializer, c, ownsCaller, retention, resultTtl);
  }
}
