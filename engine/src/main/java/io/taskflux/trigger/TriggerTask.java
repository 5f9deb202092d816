package io.taskflux.trigger;

import io.taskflux.engine.SubmitOptions;
import io.taskflux.engine.TaskDefinition;
import io.taskflux.engine.TaskEngine;
import io.taskflux.engine.TaskHandle;
import io.taskflux.time.Timers;
import java.time.Instant;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Scheduler;

/**
 * A task submitted by a {@link Trigger} (cron, interval or date) instead of by a caller, the seed's
 * {@code TriggerTask}. Each tick submits one message whose id is derived from the task name and the
 * fire time ({@link #tickId}); the tick is first claimed with a backend lock and the message is
 * stored only if absent, so any number of instances sharing a backend submit each tick once. The
 * first tick's message is the progenitor of the series: later ticks carry its id as {@code
 * progenitorId}.
 *
 * <p>The task's function takes no input: its definition's input type must be {@link Void}. Time is
 * the engine's clock; waits run on a {@link Scheduler} (the clock's by default), so a virtual-time
 * scheduler drives it in tests. Thread-safe; nothing blocks.
 *
 * @param <O> the task's output type
 */
public interface TriggerTask<O> {

  /**
   * A trigger task on the clock's scheduler, with default submit options. Not scheduled yet.
   *
   * @throws TriggerException if the definition's input type is not {@link Void} (a trigger function
   *     takes no parameters)
   */
  static <O> TriggerTask<O> create(
      TaskEngine engine, TaskDefinition<?, O> definition, Trigger trigger) {
    return create(
        engine, definition, trigger, SubmitOptions.defaults(), Timers.scheduler(engine.clock()));
  }

  /**
   * A trigger task with submit options for every tick (priority, queue, metadata...; the id and
   * deferred mode are the trigger's) and the scheduler its waits run on.
   *
   * @throws TriggerException if the definition's input type is not {@link Void}
   */
  static <O> TriggerTask<O> create(
      TaskEngine engine,
      TaskDefinition<?, O> definition,
      Trigger trigger,
      SubmitOptions options,
      Scheduler scheduler) {
    return new DefaultTriggerTask<>(engine, definition, trigger, options, scheduler);
  }

  /**
   * Schedules the job (the seed's {@code generate}): from now on each tick submits a message.
   *
   * @throws TriggerException if it is already scheduled or was shut down
   */
  TriggerTask<O> start();

  /** Whether a job is scheduled (the seed's {@code generated}). */
  boolean isScheduled();

  /** Skips ticks until {@link #resume()}. No effect when not scheduled or already paused. */
  void pause();

  /** Fires again from the next tick after now. No effect unless paused. */
  void resume();

  /** Whether the job is paused. */
  boolean isPaused();

  /**
   * Removes the job; {@link #start()} may schedule it again.
   *
   * @throws TriggerException if no job is scheduled
   */
  void clear();

  /** Stops for good: the job is removed and {@link #start()} refuses. Idempotent. */
  void shutdown();

  /** The handles of the messages this instance submitted, as they are submitted (hot). */
  Flux<TaskHandle<O>> submissions();

  /** The message id of the tick at {@code fireTime}: the same in every instance. */
  String tickId(Instant fireTime);
}
