package io.taskflux.engine;

import io.taskflux.MessageAlreadyExistsException;
import io.taskflux.caller.Caller;
import io.taskflux.internal.Closing;
import io.taskflux.serde.Serializer;
import io.taskflux.spi.Backend;
import io.taskflux.spi.EnqueueRequest;
import io.taskflux.spi.Retention;
import io.taskflux.task.Message;
import io.taskflux.task.MessageRef;
import io.taskflux.worker.Worker;
import io.taskflux.worker.WorkerContext;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.NullNode;

/** The {@link TaskEngine}: a registry, the submission path, handles, and the workers it made. */
final class DefaultTaskEngine implements TaskEngine {

  private static final System.Logger LOG = System.getLogger("io.taskflux.engine");

  private final Backend backend;
  private final Backend owned; // closed with the engine; null when the backend is borrowed
  private final String namespace;
  private final Serializer serializer;
  private final Caller caller;
  private final boolean ownsCaller;
  private final Retention retention;
  private final Duration resultTtl;
  private final Map<String, Registration<?, ?>> registrations = new ConcurrentHashMap<>();
  private final Set<Worker> workers = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile Duration longestGrace = Duration.ZERO;

  DefaultTaskEngine(
      Backend backend,
      Backend owned,
      String namespace,
      Serializer serializer,
      Caller caller,
      boolean ownsCaller,
      Retention retention,
      Duration resultTtl) {
    this.backend = backend;
    this.owned = owned;
    this.namespace = namespace;
    this.serializer = serializer;
    this.caller = caller;
    this.ownsCaller = ownsCaller;
    this.retention = retention;
    this.resultTtl = resultTtl;
  }

  // ---------------------------------------------------------------- registration

  @Override
  public <I, O> TaskEngine register(
      TaskDefinition<I, O> definition, Function<? super I, ? extends Mono<? extends O>> function) {
    Objects.requireNonNull(function, "function");
    return register(definition, (I input, Message m) -> function.apply(input));
  }

  @Override
  public <I, O> TaskEngine register(
      TaskDefinition<I, O> definition,
      BiFunction<? super I, Message, ? extends Mono<? extends O>> function) {
    Objects.requireNonNull(definition, "definition");
    Objects.requireNonNull(function, "function");
    if (definition.mechanism() == Mechanism.BLOCKING) {
      throw new IllegalArgumentException(
          "definition '" + definition.name() + "' is declared BLOCKING: use registerBlocking");
    }
    return add(Registration.reactive(definition, serializer, function));
  }

  @Override
  public <I, O> TaskEngine registerBlocking(
      TaskDefinition<I, O> definition, Function<? super I, ? extends O> function) {
    Objects.requireNonNull(function, "function");
    return registerBlocking(definition, (I input, Message m) -> function.apply(input));
  }

  @Override
  public <I, O> TaskEngine registerBlocking(
      TaskDefinition<I, O> definition, BiFunction<? super I, Message, ? extends O> function) {
    Objects.requireNonNull(definition, "definition");
    Objects.requireNonNull(function, "function");
    return add(Registration.blocking(definition, serializer, function, caller));
  }

  private TaskEngine add(Registration<?, ?> registration) {
    String name = registration.definition().name();
    if (registrations.putIfAbsent(name, registration) != null) {
      throw new IllegalArgumentException("a task named '" + name + "' is already registered");
    }
    return this;
  }

  // ---------------------------------------------------------------- submission

  @Override
  public <I, O> Mono<TaskHandle<O>> submit(TaskDefinition<I, O> definition, I input) {
    return submit(definition, input, SubmitOptions.defaults());
  }

  @Override
  public <I, O> Mono<TaskHandle<O>> submit(
      TaskDefinition<I, O> definition, I input, SubmitOptions options) {
    Objects.requireNonNull(definition, "definition");
    Objects.requireNonNull(options, "options");
    JsonNode arguments = input == null ? NullNode.getInstance() : serializer.toTree(input);
    return Mono.defer(
        () -> {
          Message message = build(definition, arguments, options);
          return store(message, options.deferred(), definition.hooks())
              .thenReturn(handleOf(message, definition.outputType()));
        });
  }

  @Override
  public <I, O> Flux<TaskHandle<O>> submitAll(
      TaskDefinition<I, O> definition, Iterable<? extends I> inputs) {
    return submitAll(definition, inputs, SubmitOptions.defaults());
  }

  @Override
  public <I, O> Flux<TaskHandle<O>> submitAll(
      TaskDefinition<I, O> definition, Iterable<? extends I> inputs, SubmitOptions options) {
    Objects.requireNonNull(inputs, "inputs");
    return bulk(definition, options).submit(BulkSubmit.chunks(inputs, SUBMIT_CHUNK));
  }

  @Override
  public <I, O> Flux<TaskHandle<O>> submitAll(
      TaskDefinition<I, O> definition, Publisher<? extends I> inputs, SubmitOptions options) {
    return submitAll(definition, inputs, options, SUBMIT_CHUNK);
  }

  @Override
  public <I, O> Flux<TaskHandle<O>> submitAll(
      TaskDefinition<I, O> definition,
      Publisher<? extends I> inputs,
      SubmitOptions options,
      int chunkSize) {
    Objects.requireNonNull(inputs, "inputs");
    if (chunkSize < 1) {
      throw new IllegalArgumentException("chunkSize must be >= 1, got " + chunkSize);
    }
    BulkSubmit<I, O> bulk = bulk(definition, options);
    return bulk.submit(Flux.<I>from(inputs).buffer(chunkSize));
  }

  private <I, O> BulkSubmit<I, O> bulk(TaskDefinition<I, O> definition, SubmitOptions options) {
    Objects.requireNonNull(definition, "definition");
    Objects.requireNonNull(options, "options");
    if (options.id() != null) {
      throw new IllegalArgumentException(
          "options name the id '" + options.id() + "': submitAll gives each task its own id");
    }
    return new BulkSubmit<>(
        backend,
        retention,
        definition,
        options,
        input -> input == null ? NullNode.getInstance() : serializer.toTree(input),
        (arguments, o) -> build(definition, arguments, o),
        m -> handleOf(m, definition.outputType()));
  }

  @Override
  public Mono<TaskHandle<JsonNode>> submit(String taskName, JsonNode input, SubmitOptions options) {
    TaskDefinition.requireText(taskName, "taskName");
    Objects.requireNonNull(options, "options");
    JsonNode arguments = input == null ? NullNode.getInstance() : input.deepCopy();
    Registration<?, ?> known = registrations.get(taskName);
    TaskDefinition<?, ?> definition =
        known != null
            ? known.definition()
            : TaskDefinition.of(taskName, JsonNode.class, JsonNode.class);
    return Mono.defer(
        () -> {
          Message message = build(definition, arguments, options);
          return store(message, options.deferred(), definition.hooks())
              .thenReturn(handleOf(message, JsonNode.class));
        });
  }

  @Override
  public Mono<TaskHandle<JsonNode>> submit(Message message) {
    Objects.requireNonNull(message, "message");
    Registration<?, ?> known = registrations.get(message.task());
    TaskHooks<?, ?> hooks = known != null ? known.definition().hooks() : TaskHooks.none();
    return Mono.defer(
        () -> store(message, false, hooks).thenReturn(handleOf(message, JsonNode.class)));
  }

  /** The message of one submission, created now. */
  private Message build(TaskDefinition<?, ?> definition, JsonNode arguments, SubmitOptions o) {
    Instant now = backend.clock().instant();
    Message.Builder b =
        Message.builder()
            .task(definition.name())
            .queue(o.queue() != null ? o.queue() : definition.queue())
            .arguments(arguments)
            .metadata(o.metadata().isEmpty() ? null : serializer.toTree(o.metadata()))
            .priority(o.priority())
            .maxRetries(definition.maxRetries())
            .timeout(o.timeout() != null ? o.timeout() : definition.timeout())
            .createdAt(now)
            .delay(o.delay())
            .resultTtl(o.resultTtl() != null ? o.resultTtl() : definition.resultTtl())
            .callback(o.callback())
            .backoff(definition.backoff().settings());
    if (o.id() != null) {
      b.id(o.id());
    }
    return b.build();
  }

  /** Enqueues (unless deferred), then runs onSubmit; the seed's order. */
  private Mono<Void> store(Message message, boolean deferred, TaskHooks<?, ?> hooks) {
    if (deferred) {
      return Mono.empty();
    }
    return backend
        .enqueue(new EnqueueRequest(message, retention))
        .flatMap(
            stored -> {
              if (!stored) {
                return Mono.error(new MessageAlreadyExistsException(message.id()));
              }
              try {
                hooks.onSubmit(message);
              } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "hook onSubmit of " + message.ref() + " threw; ignored", e);
              }
              return Mono.empty();
            });
  }

  private <O> TaskHandle<O> handleOf(Message message, Class<O> type) {
    return new DefaultTaskHandle<>(backend, serializer, retention, message.ref(), type, message);
  }

  // ---------------------------------------------------------------- following

  @Override
  public <O> TaskHandle<O> handle(TaskDefinition<?, O> definition, String id) {
    Objects.requireNonNull(definition, "definition");
    return handle(definition, MessageRef.of(definition.queue(), id));
  }

  @Override
  public <O> TaskHandle<O> handle(TaskDefinition<?, O> definition, MessageRef ref) {
    Objects.requireNonNull(definition, "definition");
    Objects.requireNonNull(ref, "ref");
    return new DefaultTaskHandle<>(
        backend, serializer, retention, ref, definition.outputType(), null);
  }

  @Override
  public <O> Flux<Result<O>> results(Collection<? extends TaskHandle<O>> handles) {
    List<TaskHandle<O>> list = distinct(handles);
    return list.isEmpty()
        ? Flux.empty()
        : Flux.fromIterable(list).flatMap(TaskHandle::outcome, list.size());
  }

  @Override
  public <O> Flux<Result<O>> resultsInOrder(Collection<? extends TaskHandle<O>> handles) {
    List<TaskHandle<O>> list = distinct(handles);
    return list.isEmpty()
        ? Flux.empty()
        : Flux.fromIterable(list).flatMapSequential(TaskHandle::outcome, list.size());
  }

  private static <O> List<TaskHandle<O>> distinct(Collection<? extends TaskHandle<O>> handles) {
    List<TaskHandle<O>> list = List.copyOf(Objects.requireNonNull(handles, "handles"));
    Set<MessageRef> seen = new HashSet<>();
    for (TaskHandle<O> h : list) {
      if (!seen.add(h.ref())) {
        throw new IllegalArgumentException("handles address " + h.ref() + " twice");
      }
    }
    return list;
  }

  // ---------------------------------------------------------------- workers and parts

  @Override
  public Worker workers(WorkerOptions options) {
    Objects.requireNonNull(options, "options");
    if (registrations.isEmpty()) {
      throw new IllegalStateException("no task is registered: register tasks before workers");
    }
    WorkerOptions resolved = options;
    if (options.queues().isEmpty()) {
      Set<String> queues = new TreeSet<>();
      registrations.values().forEach(r -> queues.add(r.definition().queue()));
      resolved = options.withQueues(List.copyOf(queues));
    }
    Worker worker =
        Worker.create(
            new WorkerContext(backend, registrations::get, retention, resultTtl, namespace),
            resolved);
    workers.add(worker);
    synchronized (this) {
      if (resolved.gracePeriod().compareTo(longestGrace) > 0) {
        longestGrace = resolved.gracePeriod();
      }
    }
    return worker;
  }

  @Override
  public Backend backend() {
    return backend;
  }

  @Override
  public Clock clock() {
    return backend.clock();
  }

  @Override
  public Serializer serializer() {
    return serializer;
  }

  @Override
  public Caller caller() {
    return caller;
  }

  @Override
  public String namespace() {
    return namespace;
  }

  @Override
  public Retention retention() {
    return retention;
  }

  @Override
  public Duration defaultResultTtl() {
    return resultTtl;
  }

  @Override
  public Mono<Void> closeAsync() {
    return Mono.defer(
        () -> {
          if (!closed.compareAndSet(false, true)) {
            return Mono.empty();
          }
          return Flux.fromIterable(List.copyOf(workers))
              .flatMap(Worker::stop)
              .then(ownsCaller ? caller.closeAsync() : Mono.empty())
              .then(owned != null ? owned.closeAsync() : Mono.empty());
        });
  }

  @Override
  public void close() {
    Closing.await(closeAsync(), longestGrace.plus(Backend.CLOSE_TIMEOUT), "engine " + namespace);
  }
}
