package io.taskflux.worker;

import io.taskflux.engine.TaskDefinition;
import io.taskflux.engine.TaskHooks;
import io.taskflux.task.Message;
import java.util.function.BooleanSupplier;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * What the worker needs from a registered task: its definition, how to decode its input and encode
 * its output, how to start one attempt, and its hooks. The engine implements it for each {@code
 * register}; the worker never sees the user's function types.
 */
public interface RegisteredTask {

  /** The definition it was registered with. */
  TaskDefinition<?, ?> definition();

  /**
   * The message's arguments as the task's input type.
   *
   * @throws io.taskflux.UndecodablePayloadException if they do not fit
   */
  Object decode(Message message);

  /**
   * Starts one attempt: calls the function (or hands it to the blocking pool) and returns its
   * running invocation. Must not block; a synchronous exception of the function is delivered as the
   * invocation's error.
   */
  Invocation start(Object input, Message message);

  /**
   * The value a guarded start's invocation yields instead of running the function, when {@code
   * mayStart} said no at the moment the function would have begun. Never escapes the worker.
   */
  Object NOT_STARTED = new Object();

  /**
   * As {@link #start(Object, Message)}, but the function runs only if {@code mayStart} still says
   * yes at the moment it would begin (for a blocking task: on its pool thread, which may be later
   * than this call); else the invocation yields {@link #NOT_STARTED}. The worker passes "the lease
   * still holds", so an attempt whose lease expired before it began never runs.
   */
  default Invocation start(Object input, Message message, BooleanSupplier mayStart) {
    if (!mayStart.getAsBoolean()) {
      return Invocation.reactive(Mono.just(NOT_STARTED));
    }
    return start(input, message);
  }

  /**
   * A result as JSON.
   *
   * @throws IllegalArgumentException if the serializer cannot write it
   */
  JsonNode encode(Object result);

  /** The task's hooks, with erased types. */
  TaskHooks<Object, Object> hooks();
}
