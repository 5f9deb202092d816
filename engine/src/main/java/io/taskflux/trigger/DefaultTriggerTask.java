package io.taskflux.trigger;

import io.taskflux.MessageAlreadyExistsException;
import io.taskflux.engine.SubmitOptions;
import io.taskflux.engine.TaskDefinition;
import io.taskflux.engine.TaskEngine;
import io.taskflux.engine.TaskHandle;
import io.taskflux.internal.Ids;
import io.taskflux.spi.LockResult;
import io.taskflux.task.Message;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;

/**
 * The {@link TriggerTask}. State, guarded by this object's monitor: {@link #scheduled}, {@link
 * #paused}, {@link #shutdown}, the progenitor id of the series, and {@link #generation}, which
 * every start, pause, clear and shutdown moves on: a wait or a tick of an older generation does
 * nothing (on a virtual-time scheduler a due tick can even run inside the call that schedules it,
 * so the generation, not the last subscription, is what decides).
 */
final class DefaultTriggerTask<O> implements TriggerTask<O> {

  private static final System.Logger LOG = System.getLogger("io.taskflux.trigger");

  private final TaskEngine engine;
  private final TaskDefinition<?, O> definition;
  private final Trigger trigger;
  private final SubmitOptions options;
  private final Scheduler scheduler;
  private final String owner;
  private final Sinks.Many<TaskHandle<O>> submitted = Sinks.many().multicast().directBestEffort();

  private boolean scheduled;
  private boolean paused;
  private boolean shutdown;
  private long generation;
  private Disposable wait = Disposables.disposed();
  private String progenitorId;

  DefaultTriggerTask(
      TaskEngine engine,
      TaskDefinition<?, O> definition,
      Trigger trigger,
      SubmitOptions options,
      Scheduler scheduler) {
    this.engine = Objects.requireNonNull(engine, "engine");
    this.definition = Objects.requireNonNull(definition, "definition");
    this.trigger = Objects.requireNonNull(trigger, "trigger");
    this.options = Objects.requireNonNull(options, "options");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    if (definition.inputType() != Void.class) {
      throw new TriggerException(
          "a trigger task's function takes no parameters, but '"
              + definition.name()
              + "' takes "
              + definition.inputType().getName()
              + "; declare its input type as Void");
    }
    this.owner = engine.namespace() + ":trigger:" + Ids.randomUuid();
  }

  @Override
  public synchronized TriggerTask<O> start() {
    if (shutdown) {
      throw new TriggerException("trigger task '" + definition.name() + "' was shut down");
    }
    if (scheduled) {
      throw new TriggerException("Task already scheduled: '" + definition.name() + "'");
    }
    scheduled = true;
    paused = false;
    // A tick due exactly now counts: look from just before it.
    scheduleAfter(engine.clock().instant().minusMillis(1), ++generation);
    return this;
  }

  /** Waits for the first tick after {@code after}, fires it, and schedules the next. */
  private synchronized void scheduleAfter(Instant after, long gen) {
    Optional<Instant> next = trigger.nextAfter(after);
    if (gen != generation || next.isEmpty()) {
      return; // stale, or a date trigger that already fired (it stays "scheduled" until cleared)
    }
    Instant fireTime = next.get();
    Duration delay = Duration.between(engine.clock().instant(), fireTime);
    wait =
        Mono.delay(delay.isNegative() ? Duration.ZERO : delay, scheduler)
            .filter(t -> isCurrent(gen))
            .flatMap(t -> fire(fireTime))
            .subscribe(
                null,
                e -> {
                  LOG.log(Level.WARNING, "trigger '" + definition.name() + "' failed a tick", e);
                  scheduleAfter(fireTime, gen);
                },
                () -> scheduleAfter(fireTime, gen));
  }

  private synchronized boolean isCurrent(long gen) {
    return gen == generation;
  }

  /**
   * One tick: claims it with a lock (one instance wins across all sharing the backend), then
   * submits its message if absent, with the series' progenitor.
   */
  private Mono<Void> fire(Instant fireTime) {
    String id = tickId(fireTime);
    // The claim depends on the namespace, queue, trigger name and tick time only: never on this
    // instance, its clock or its engine's settings. The engine's namespace is its backend's, so
    // every scheduler that shares the lock also shares the messages it guards.
    String lock = engine.namespace() + ":trigger-tick:" + definition.queue() + ":" + id;
    return engine
        .backend()
        .acquireLock(lock, owner, engine.retention().message())
        .flatMap(
            got -> {
              String progenitor = progenitorFor(id);
              if (got != LockResult.ACQUIRED) {
                return Mono.empty(); // another instance (or this one) already submitted this tick
              }
              return engine
                  .submit(definition, null, options.id(id).deferred(true))
                  .map(h -> h.message().orElseThrow())
                  .map(m -> progenitor == null ? m : m.toBuilder().progenitorId(progenitor).build())
                  .flatMap(this::submit);
            });
  }

  /** The progenitor of the tick {@code id}: null for the first tick, else the first tick's id. */
  private synchronized String progenitorFor(String id) {
    if (progenitorId == null) {
      progenitorId = id;
      return null;
    }
    return progenitorId.equals(id) ? null : progenitorId;
  }

  private Mono<Void> submit(Message message) {
    return engine
        .submit(message)
        .map(h -> engine.handle(definition, h.ref()))
        .doOnNext(submitted::tryEmitNext)
        // Submit-if-absent: a live message of this tick is already stored.
        .onErrorResume(MessageAlreadyExistsException.class, e -> Mono.empty())
        .then();
  }

  @Override
  public synchronized boolean isScheduled() {
    return scheduled;
  }

  @Override
  public synchronized void pause() {
    if (scheduled && !paused) {
      paused = true;
      generation++;
      wait.dispose();
    }
  }

  @Override
  public synchronized void resume() {
    if (scheduled && paused && !shutdown) {
      paused = false;
      scheduleAfter(engine.clock().instant(), ++generation);
    }
  }

  @Override
  public synchronized boolean isPaused() {
    return paused;
  }

  @Override
  public synchronized void clear() {
    if (!scheduled) {
      throw new TriggerException("trigger task '" + definition.name() + "' has no job to clear");
    }
    scheduled = false;
    paused = false;
    generation++;
    wait.dispose();
  }

  @Override
  public synchronized void shutdown() {
    shutdown = true;
    scheduled = false;
    generation++;
    wait.dispose();
    submitted.tryEmitComplete();
  }

  @Override
  public Flux<TaskHandle<O>> submissions() {
    return submitted.asFlux();
  }

  @Override
  public String tickId(Instant fireTime) {
    return definition.name() + "@" + fireTime.toEpochMilli();
  }
}
