package io.taskflux.engine;

import io.taskflux.caller.Caller;
import io.taskflux.caller.Pending;
import io.taskflux.serde.Serializer;
import io.taskflux.task.Message;
import io.taskflux.worker.Invocation;
import io.taskflux.worker.RegisteredTask;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.NullNode;

/** A registered task: its definition and function, as the worker sees it. */
final class Registration<I, O> implements RegisteredTask {

  private final TaskDefinition<I, O> definition;
  private final Serializer serializer;
  private final BiFunction<? super I, Message, ? extends Mono<? extends O>> reactive;
  private final BiFunction<? super I, Message, ? extends O> blocking;
  private final Caller caller;

  private Registration(
      TaskDefinition<I, O> definition,
      Serializer serializer,
      BiFunction<? super I, Message, ? extends Mono<? extends O>> reactive,
      BiFunction<? super I, Message, ? extends O> blocking,
      Caller caller) {
    this.definition = definition;
    this.serializer = serializer;
    this.reactive = reactive;
    this.blocking = blocking;
    this.caller = caller;
  }

  static <I, O> Registration<I, O> reactive(
      TaskDefinition<I, O> definition,
      Serializer serializer,
      BiFunction<? super I, Message, ? extends Mono<? extends O>> function) {
    return new Registration<>(definition, serializer, function, null, null);
  }

  static <I, O> Registration<I, O> blocking(
      TaskDefinition<I, O> definition,
      Serializer serializer,
      BiFunction<? super I, Message, ? extends O> function,
      Caller caller) {
    return new Registration<>(
        definition.mechanism(Mechanism.BLOCKING), serializer, null, function, caller);
  }

  @Override
  public TaskDefinition<I, O> definition() {
    return definition;
  }

  @Override
  public Object decode(Message message) {
    if (definition.inputType() == Void.class) {
      return null;
    }
    return serializer.fromTree(message.arguments(), definition.inputType(), message.id());
  }

  @Override
  public Invocation start(Object input, Message message) {
    return start(input, message, () -> true);
  }

  @Override
  @SuppressWarnings("unchecked")
  public Invocation start(Object input, Message message, BooleanSupplier mayStart) {
    I typed = (I) input;
    if (!mayStart.getAsBoolean()) {
      return Invocation.reactive(Mono.just(NOT_STARTED));
    }
    if (reactive != null) {
      return Invocation.reactive(
          Mono.defer(() -> reactive.apply(typed, message)).cast(Object.class));
    }
    // Blocking work goes to the caller's bounded pool, never to a Reactor non-blocking thread;
    // cancelling the value's subscription cancels the pending, which interrupts the thread.
    // The guard is asked again on the pool thread: the pool may start it later than this call.
    Pending<Object> pending =
        caller.toThread(
            () -> mayStart.getAsBoolean() ? blocking.apply(typed, message) : NOT_STARTED);
    return new Invocation(pending.asMono(true), pending.whenDone().then());
  }

  @Override
  public JsonNode encode(Object result) {
    return result == null ? NullNode.getInstance() : serializer.toTree(result);
  }

  @Override
  @SuppressWarnings("unchecked")
  public TaskHooks<Object, Object> hooks() {
    return (TaskHooks<Object, Object>) (TaskHooks<?, ?>) definition.hooks();
  }
}
