package io.taskflux.engine;

import io.taskflux.caller.Caller;
import io.taskflux.serde.Serializer;
import io.taskflux.spi.Backend;
import io.taskflux.spi.Retention;
import io.taskflux.task.Message;
import io.taskflux.task.MessageRef;
import io.taskflux.worker.Worker;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * The entry point: register tasks, submit them, follow them, and run workers.
 *
 * <pre>{@code
 * try (TaskEngine engine = TaskEngine.inMemory()) {
 *   TaskDefinition<Order, Receipt> charge = TaskDefinition.of("charge", Order.class, Receipt.class);
 *   engine.register(charge, order -> paymentClient.charge(order));
 *   engine.workers(WorkerOptions.queues("default").concurrency(64)).start();
 *   Receipt r = engine.submit(charge, order).flatMap(h -> h.result(Duration.ofSeconds(5))).block();
 * } // close(): drains the workers, then closes what the engine owns
 * }</pre>
 *
 * <p><b>Threads.</b> Thread-safe. Every method that touches storage returns a cold {@code
 * Mono}/{@code Flux} and never blocks; registration and {@link #handle} are plain in-memory calls.
 * Argument errors throw {@link IllegalArgumentException} (or {@link NullPointerException}) at once,
 * naming the parameter.
 */
public interface TaskEngine extends AutoCloseable {

  /** An engine on a fresh in-memory backend with the defaults (the embedded default). */
  static TaskEngine inMemory() {
    return builder().build();
  }

  /** A builder: backend, namespace, serializer, clock, caller, retention. */
  static TaskEngineBuilder builder() {
    return new TaskEngineBuilder();
  }

  // ---------------------------------------------------------------- registration

  /**
   * Registers a reactive task: {@code function} returns a {@code Mono} of the result and must not
   * block (it is subscribed on a Reactor non-blocking thread).
   *
   * @throws IllegalArgumentException if a task of that name is registered, or the definition is
   *     declared {@link Mechanism#BLOCKING}
   */
  <I, O> TaskEngine register(
      TaskDefinition<I, O> definition, Function<? super I, ? extends Mono<? extends O>> function);

  /** {@link #register(TaskDefinition, Function)} for a function that also wants its message. */
  <I, O> TaskEngine register(
      TaskDefinition<I, O> definition,
      BiFunction<? super I, Message, ? extends Mono<? extends O>> function);

  /**
   * Registers a blocking task: {@code function} runs on the engine caller's bounded pool of threads
   * ({@link Caller#toThread}), never on a Reactor non-blocking thread; a timeout or a revocation
   * interrupts it.
   *
   * @throws IllegalArgumentException if a task of that name is registered
   */
  <I, O> TaskEngine registerBlocking(
      TaskDefinition<I, O> definition, Function<? super I, ? extends O> function);

  /** {@link #registerBlocking(TaskDefinition, Function)} for a function that wants its message. */
  <I, O> TaskEngine registerBlocking(
      TaskDefinition<I, O> definition, BiFunction<? super I, Message, ? extends O> function);

  // ---------------------------------------------------------------- submission

  /** {@link #submit(TaskDefinition, Object, SubmitOptions)} with the defaults. */
  <I, O> Mono<TaskHandle<O>> submit(TaskDefinition<I, O> definition, I input);

  /**
   * Stores a message for {@code input} (status {@code SUBMITTED}), then runs the definition's
   * {@code onSubmit} hook, and emits its handle. In {@linkplain SubmitOptions#deferred(boolean)
   * deferred} mode it stores nothing and emits a handle holding the built message. The definition
   * need not be registered here (a producer without workers).
   *
   * @return fails with {@link io.taskflux.MessageAlreadyExistsException} if a live message has the
   *     same id, {@link io.taskflux.CapacityExceededException} if the backend is full
   * @throws IllegalArgumentException if the input cannot be encoded
   */
  <I, O> Mono<TaskHandle<O>> submit(
      TaskDefinition<I, O> definition, I input, SubmitOptions options);

  /** How many tasks {@code submitAll} stores per backend call unless told otherwise. */
  int SUBMIT_CHUNK = 1000;

  /** {@link #submitAll(TaskDefinition, Iterable, SubmitOptions)} with the defaults. */
  <I, O> Flux<TaskHandle<O>> submitAll(
      TaskDefinition<I, O> definition, Iterable<? extends I> inputs);

  /**
   * Submits one task per input, in chunks of {@value #SUBMIT_CHUNK}: each chunk is stored with one
   * {@link Backend#enqueueAll} call (one round trip on Redis), the next chunk once the previous one
   * is stored. The outcome is that of {@link #submit(TaskDefinition, Object, SubmitOptions)} called
   * for each input in order, stopping at the first error: the handles are emitted in input order as
   * their tasks are stored ({@code onSubmit} runs before each), then the flux completes, or ends
   * with the first error: {@link IllegalArgumentException} for an input that cannot be encoded,
   * {@link io.taskflux.CapacityExceededException} for the first task the backend has no room for
   * (neither it nor any later task is stored), {@link io.taskflux.MessageTooLargeException} when a
   * task is larger than the backend stores (its whole chunk is refused: no task of that chunk nor
   * any later one is stored; earlier chunks are), {@link io.taskflux.BackendUnavailableException}.
   * Each task is stored atomically, not the whole list. A {@code null} element of {@code inputs} is
   * submitted as JSON {@code null}, as by {@code submit}. Cold: each subscription submits again
   * (new ids).
   *
   * @param options applied to every task, as by {@code submit}; it must not name an id (each task
   *     gets its own)
   * @throws IllegalArgumentException if {@code options} names an id
   */
  <I, O> Flux<TaskHandle<O>> submitAll(
      TaskDefinition<I, O> definition, Iterable<? extends I> inputs, SubmitOptions options);

  /**
   * {@link #submitAll(TaskDefinition, Iterable, SubmitOptions)} for inputs that arrive over time: a
   * chunk is stored once it holds {@value #SUBMIT_CHUNK} inputs or {@code inputs} completes. An
   * error of {@code inputs} ends the flux after the inputs before it are stored.
   */
  <I, O> Flux<TaskHandle<O>> submitAll(
      TaskDefinition<I, O> definition, Publisher<? extends I> inputs, SubmitOptions options);

  /**
   * {@link #submitAll(TaskDefinition, Publisher, SubmitOptions)} with chunks of {@code chunkSize}
   * tasks.
   *
   * @throws IllegalArgumentException if {@code chunkSize < 1}, or {@code options} names an id
   */
  <I, O> Flux<TaskHandle<O>> submitAll(
      TaskDefinition<I, O> definition,
      Publisher<? extends I> inputs,
      SubmitOptions options,
      int chunkSize);

  /**
   * Submits by task name with JSON input, for producers that do not have the worker's classes. The
   * queue, timeout, retries and backoff are the registered definition's when this engine knows the
   * name, else the defaults (the queue is then {@link SubmitOptions#queue()} or {@value
   * Message#DEFAULT_QUEUE}).
   */
  Mono<TaskHandle<JsonNode>> submit(String taskName, JsonNode input, SubmitOptions options);

  /**
   * Submits a message built earlier ({@linkplain SubmitOptions#deferred(boolean) deferred}), as it
   * is. Fails like {@link #submit(TaskDefinition, Object, SubmitOptions)}.
   */
  Mono<TaskHandle<JsonNode>> submit(Message message);

  // ---------------------------------------------------------------- following

  /** Re-attaches to a task of {@code definition}'s queue by id (another request, process, host). */
  <O> TaskHandle<O> handle(TaskDefinition<?, O> definition, String id);

  /** Re-attaches to a task by its address (for a message submitted to another queue). */
  <O> TaskHandle<O> handle(TaskDefinition<?, O> definition, MessageRef ref);

  /**
   * Every handle's outcome, in completion order (the seed's {@code istream}); a failed task is a
   * {@link Result} with its error, never an error of the stream. Cold.
   *
   * @throws IllegalArgumentException if two handles address the same message
   */
  <O> Flux<Result<O>> results(Collection<? extends TaskHandle<O>> handles);

  /** {@link #results} in the order of {@code handles} (the seed's {@code stream}). */
  <O> Flux<Result<O>> resultsInOrder(Collection<? extends TaskHandle<O>> handles);

  // ---------------------------------------------------------------- workers and parts

  /**
   * A worker over the registered tasks, not started. Its queues are {@code options.queues()}, or
   * the sorted queues of every registered task when empty.
   *
   * @throws IllegalStateException if no task is registered
   */
  Worker workers(WorkerOptions options);

  /** The backend. */
  Backend backend();

  /** The clock every decision is taken on (the backend's). */
  Clock clock();

  /** The serializer of inputs and results. */
  Serializer serializer();

  /** The caller whose bounded pool runs blocking tasks. */
  Caller caller();

  /**
   * The namespace, the one of {@link #backend()}: it isolates this engine's keys, queues, locks,
   * worker ids and trigger tick claims from engines of other namespaces on the same store.
   */
  String namespace();

  /** The TTLs of what the engine writes. */
  Retention retention();

  /** The result TTL of tasks that set none. */
  Duration defaultResultTtl();

  /**
   * Stops every worker this engine made (gracefully: running tasks get their {@linkplain
   * WorkerOptions#gracePeriod() grace period}), then the caller if the engine created it, then the
   * backend if the engine owns it ({@link TaskEngineBuilder#ownedBackend}; a backend given with
   * {@link TaskEngineBuilder#backend} is left open). Completes when all of that is done. Cold:
   * nothing happens until subscribed; idempotent (a second close completes at once). Never blocks.
   */
  Mono<Void> closeAsync();

  /**
   * {@link #closeAsync()}, waited for on the calling thread, so an engine works in
   * try-with-resources. The wait is bounded: the longest grace period of this engine's workers plus
   * {@link Backend#CLOSE_TIMEOUT} (30 s); past it {@code close} throws and the close goes on in the
   * background. Blocking: never call it on a Reactor non-blocking thread (a task, an operator of a
   * {@code Mono}/{@code Flux}); subscribe to {@code closeAsync()} there.
   *
   * @throws IllegalStateException if called on a Reactor non-blocking thread (nothing is closed)
   * @throws io.taskflux.TaskfluxException if the close did not finish in time or failed
   */
  @Override
  void close();
}
