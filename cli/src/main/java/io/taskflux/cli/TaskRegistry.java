package io.taskflux.cli;

import io.taskflux.engine.TaskDefinition;
import io.taskflux.engine.TaskEngine;
import io.taskflux.task.Message;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Function;
import reactor.core.publisher.Mono;

/**
 * What {@link TaskModule}s register, recorded before it is applied to an engine, so the command
 * line knows every task's name, queue and module, and can refuse two tasks with one name. Not
 * thread-safe (modules register on one thread).
 */
public final class TaskRegistry {

  private final Map<String, Entry> entries = new LinkedHashMap<>();
  private String currentModule = "?";

  private record Entry(
      TaskDefinition<?, ?> definition,
      String module,
      BiConsumer<TaskEngine, AttemptListener> apply) {}

  /**
   * Told when an attempt of a registered task starts and when its work has really stopped (a
   * blocking function returned; a reactive {@code Mono} terminated or was cancelled). Called on the
   * task's thread, which may be a Reactor non-blocking one: implementations must not block.
   */
  interface AttemptListener {
    /** An attempt of {@code message} starts; returns a number {@link #ended} is given back. */
    long started(Message message);

    /** The attempt {@link #started} numbered {@code attempt} has stopped. */
    void ended(long attempt);
  }

  TaskRegistry() {}

  /** Registers a reactive task ({@link TaskEngine#register(TaskDefinition, Function)}). */
  public <I, O> TaskRegistry register(
      TaskDefinition<I, O> definition, Function<? super I, ? extends Mono<? extends O>> function) {
    Objects.requireNonNull(function, "function");
    return register(definition, (I input, Message message) -> function.apply(input));
  }

  /**
   * Registers a reactive task that also wants its message (id, attempt count, metadata): {@link
   * TaskEngine#register(TaskDefinition, BiFunction)}.
   */
  public <I, O> TaskRegistry register(
      TaskDefinition<I, O> definition,
      BiFunction<? super I, Message, ? extends Mono<? extends O>> function) {
    Objects.requireNonNull(function, "function");
    return add(
        definition,
        (engine, listener) -> {
          if (listener == null) {
            engine.register(definition, function);
            return;
          }
          engine.register(
              definition,
              (I input, Message message) ->
                  Mono.defer(
                      () -> {
                        long attempt = listener.started(message);
                        Mono<? extends O> mono;
                        try {
                          mono = function.apply(input, message);
                        } catch (RuntimeException | Error e) {
                          listener.ended(attempt);
                          throw e;
                        }
                        return mono.doFinally(signal -> listener.ended(attempt));
                      }));
        });
  }

  /** Registers a blocking task ({@link TaskEngine#registerBlocking(TaskDefinition, Function)}). */
  public <I, O> TaskRegistry registerBlocking(
      TaskDefinition<I, O> definition, Function<? super I, ? extends O> function) {
    Objects.requireNonNull(function, "function");
    return registerBlocking(definition, (I input, Message message) -> function.apply(input));
  }

  /**
   * Registers a blocking task that also wants its message: {@link
   * TaskEngine#registerBlocking(TaskDefinition, BiFunction)}.
   */
  public <I, O> TaskRegistry registerBlocking(
      TaskDefinition<I, O> definition, BiFunction<? super I, Message, ? extends O> function) {
    Objects.requireNonNull(function, "function");
    return add(
        definition,
        (engine, listener) -> {
          if (listener == null) {
            engine.registerBlocking(definition, function);
            return;
          }
          engine.registerBlocking(
              definition,
              (I input, Message message) -> {
                long attempt = listener.started(message);
                try {
                  return function.apply(input, message);
                } finally {
                  listener.ended(attempt);
                }
              });
        });
  }

  private TaskRegistry add(
      TaskDefinition<?, ?> definition, BiConsumer<TaskEngine, AttemptListener> apply) {
    Objects.requireNonNull(definition, "definition");
    Entry previous = entries.get(definition.name());
    if (previous != null) {
      throw new CliException(
          CliException.USAGE,
          "task name collision: '"
              + definition.name()
              + "' is registered by "
              + previous.module()
              + " and by "
              + currentModule);
    }
    entries.put(definition.name(), new Entry(definition, currentModule, apply));
    return this;
  }

  void loading(String module) {
    this.currentModule = module;
  }

  /** The definitions registered, in registration order. */
  public List<TaskDefinition<?, ?>> definitions() {
    List<TaskDefinition<?, ?>> list = new ArrayList<>();
    entries.values().forEach(e -> list.add(e.definition()));
    return Collections.unmodifiableList(list);
  }

  /** The definition of a task name, or null. */
  TaskDefinition<?, ?> definition(String name) {
    Entry e = entries.get(name);
    return e == null ? null : e.definition();
  }

  boolean isEmpty() {
    return entries.isEmpty();
  }

  /** Registers every recorded task on {@code engine}. */
  void applyTo(TaskEngine engine) {
    applyTo(engine, null);
  }

  /**
   * Registers every recorded task on {@code engine}, each wrapped to tell {@code listener} (when
   * not null) when its attempts start and stop.
   */
  void applyTo(TaskEngine engine, AttemptListener listener) {
    entries.values().forEach(e -> e.apply().accept(engine, listener));
  }
}
