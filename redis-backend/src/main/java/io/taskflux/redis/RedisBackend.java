package io.taskflux.redis;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.SslOptions;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.resource.ClientResources;
import io.taskflux.BackendUnavailableException;
import io.taskflux.CapacityExceededException;
import io.taskflux.UndecodablePayloadException;
import io.taskflux.internal.Checks;
import io.taskflux.redis.Scripts.Args;
import io.taskflux.serde.Serializer;
import io.taskflux.spi.Backend;
import io.taskflux.spi.ClaimRequest;
import io.taskflux.spi.CompleteRequest;
import io.taskflux.spi.Delivery;
import io.taskflux.spi.EnqueueRequest;
import io.taskflux.spi.FailRequest;
import io.taskflux.spi.Lease;
import io.taskflux.spi.LockResult;
import io.taskflux.spi.MessageState;
import io.taskflux.spi.QueueSelector;
import io.taskflux.spi.QueueStats;
import io.taskflux.spi.ReapRequest;
import io.taskflux.spi.ReapResult;
import io.taskflux.spi.Retention;
import io.taskflux.spi.RetryRequest;
import io.taskflux.spi.RevokeRequest;
import io.taskflux.spi.RevokeResult;
import io.taskflux.spi.SettleResult;
import io.taskflux.spi.StoredMessage;
import io.taskflux.spi.StoredResult;
import io.taskflux.spi.TaskOutcome;
import io.taskflux.task.ExceptionDetails;
import io.taskflux.task.Message;
import io.taskflux.task.MessageRef;
import io.taskflux.task.StatusUpdate;
import io.taskflux.task.TaskStatus;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The Redis backend: every {@link Backend} operation on Lettuce's asynchronous API, one Lua script
 * per operation that changes data (see {@link LuaScript}), plain single commands for single-key
 * reads. Create it with {@link #connect(String)} or {@link #builder()}; nothing connects until the
 * first operation, and a server that cannot be reached fails that operation with {@link
 * BackendUnavailableException} naming its address; one that refuses the credentials, a permission
 * or the TLS handshake fails every operation and every wait at once with {@link
 * io.taskflux.BackendRejectedException} naming the cause (see {@link RedisErrors}).
 *
 * <p>Connections: one shared command connection (Lettuce pipelines all callers on it), one pub/sub
 * connection for every waiter of this instance, and a small pool of dedicated connections for
 * blocking pops. All reconnect by themselves; scripts a restart wiped are reloaded on {@code
 * NOSCRIPT}. Thread-safe; signals of operations arrive on Lettuce's I/O threads, those of waits
 * ({@code await*}, {@code watchStatus}) on the signal scheduler ({@link
 * Schedulers#boundedElastic()} unless configured).
 */
public final class RedisBackend implements Backend {

  /** The default of {@link Builder#maxMessageBytes}: 4 MiB. */
  public static final int DEFAULT_MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

  private static final ExceptionDetails LEASE_LOST =
      ExceptionDetails.of(
          ExceptionDetails.LEASE_LOST,
          "the lease expired before the task finished (its worker is presumed lost)");

  /** How old an outbox record must be before a reaper finishes its callback enqueue. */
  private static final Duration OUTBOX_GRACE = Duration.ofSeconds(30);

  private static final int REAP_BATCH = 1000;

  /** The most messages one {@code enqueue_all.lua} call stores. */
  static final int ENQUEUE_BATCH = 1000;

  private final Clock clock;
  private final Keys keys;
  private final Stored stored;
  private final RedisConnections connections;
  private final Scripts scripts;
  private final RedisWaits waits;
  private final Notifications notifications;
  private final Scheduler signalScheduler;
  private final int capacity;
  private final String namespace;
  // The backend a namespace view was made from (null for that root itself), and a root's views,
  // closed with it.
  private final RedisBackend root;
  private final Set<RedisBackend> views = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final CloseSignal closing = new CloseSignal();
  private final Set<String> registered = ConcurrentHashMap.newKeySet();

  private RedisBackend(Builder b) {
    // Read the Lua scripts from the class path here, on the thread that builds the backend: the
    // read is blocking I/O and would otherwise happen on whichever thread first runs a script,
    // a Reactor or Netty thread.
    LuaScript.values();
    this.clock = b.clock;
    this.namespace = b.namespace;
    this.root = null;
    this.keys = new Keys(b.namespace);
    this.stored = new Stored(b.serializer, b.maxMessageBytes);
    this.connections = new RedisConnections(b);
    this.scripts = new Scripts(connections);
    this.capacity = b.maxQueueLength;
    this.signalScheduler = b.signalScheduler;
    this.notifications = new Notifications(connections);
    this.waits =
        new RedisWaits(
            this, keys, stored, connections, scripts, notifications, signalScheduler, closing);
    // Open the shared and pub/sub connections in the background now, so the first operation and
    // the first waiter do not pay for the handshakes. A failure here is forgotten: operations
    // connect again and report it.
    connections.commands().subscribe(c -> {}, e -> {});
    notifications.warmUp();
  }

  /** A view of {@code root} under {@code namespace}: its connections, scripts and settings. */
  private RedisBackend(RedisBackend root, String namespace) {
    this.clock = root.clock;
    this.namespace = namespace;
    this.root = root;
    this.keys = new Keys(namespace);
    this.stored = root.stored;
    this.connections = root.connections;
    this.scripts = root.scripts;
    this.capacity = root.capacity;
    this.signalScheduler = root.signalScheduler;
    this.notifications = root.notifications;
    this.waits =
        new RedisWaits(
            this, keys, stored, connections, scripts, notifications, signalScheduler, closing);
  }

  /**
   * A backend on one server: {@code redis://[user:password@]host:port[/db]} or {@code rediss://}.
   */
  public static RedisBackend connect(String uri) {
    return builder().uri(uri).build();
  }

  /** A backend on a Redis Cluster reached through any of {@code seedUris}. */
  public static RedisBackend connectCluster(List<String> seedUris) {
    return builder().uris(seedUris).cluster(true).build();
  }

  /** A builder with the defaults: namespace {@code taskflux}, JSON, the UTC system clock. */
  public static Builder builder() {
    return new Builder();
  }

  /** Whether this backend, or the backend it is a namespace view of, was closed. */
  boolean isClosed() {
    return closed.get() || (root != null && root.closed.get());
  }

  /** The namespace of every key this backend reads and writes ({@link Builder#namespace}). */
  @Override
  public String namespace() {
    return namespace;
  }

  /**
   * {@inheritDoc}
   *
   * <p>Here: a {@code RedisBackend} with its keys under {@code namespace}, sharing this backend's
   * connections, scripts and settings (serializer, clock, limits). Closing the view ends its waits
   * and operations only; closing the backend the views came from closes them all, then the
   * connections.
   */
  @Override
  public RedisBackend withNamespace(String namespace) {
    Objects.requireNonNull(namespace, "namespace");
    if (namespace.isBlank()) {
      throw new IllegalArgumentException("namespace must not be blank");
    }
    if (root != null) {
      return root.withNamespace(namespace);
    }
    if (namespace.equals(this.namespace)) {
      return this;
    }
    RedisBackend view = new RedisBackend(this, namespace);
    views.add(view);
    if (closed.get()) {
      view.closeView(); // closed meanwhile: the view must not outlive it
    }
    return view;
  }

  static BackendUnavailableException closedError() {
    return new BackendUnavailableException("the Redis backend is closed");
  }

  @Override
  public Clock clock() {
    return clock;
  }

  private <T> Mono<T> guard(Supplier<Mono<T>> op) {
    return Mono.defer(() -> isClosed() ? Mono.error(closedError()) : op.get());
  }

  private String[] qk(String queue) {
    return keys.queueKeys(queue);
  }

  private Args args(String queue, long now) {
    return new Args().add(keys.queuePrefix(queue)).add(now);
  }

  /** A plain GET on the shared connection (empty when absent). */
  Mono<byte[]> get(String key) {
    return guard(
        () ->
            connections
                .commands()
                .flatMap(c -> Mono.fromCompletionStage(() -> c.get(key)))
                .onErrorMap(connections::translate));
  }

  // ---------------------------------------------------------------- messages

  @Override
  public Mono<Boolean> enqueue(EnqueueRequest request) {
    Objects.requireNonNull(request, "request");
    Message m = request.message();
    Retention r = request.retention();
    return guard(
        () ->
            scripts
                .number(
                    LuaScript.ENQUEUE,
                    qk(m.queue()),
                    args(m.queue(), clock.millis())
                        .add(m.id())
                        .add(m.task())
                        .add(m.priority())
                        .add(m.readyAt().toEpochMilli())
                        .add(m.maxRetries())
                        .add(m.retries())
                        .add(Stored.ms(r.message()))
                        .add(Stored.ms(r.status()))
                        .add(capacity)
                        .add(stored.encodeLimited(m)))
                .flatMap(n -> register(m.queue()).thenReturn(n == 1L)));
  }

  /**
   * One {@code enqueue_all.lua} call per run of consecutive requests of one queue (at most {@value
   * #ENQUEUE_BATCH} each), the runs one after another; a full queue ends the flux with {@link
   * CapacityExceededException} after the results of the requests stored before it. Every message of
   * the call is encoded and checked against {@link Builder#maxMessageBytes} before any is stored:
   * one too large fails the whole call with {@link io.taskflux.MessageTooLargeException} and stores
   * none of it.
   */
  @Override
  public Flux<Boolean> enqueueAll(List<EnqueueRequest> requests) {
    List<EnqueueRequest> all = List.copyOf(Objects.requireNonNull(requests, "requests"));
    return Flux.defer(
        () -> {
          if (isClosed()) {
            return Flux.error(closedError());
          }
          // Encoded up front (MessageTooLargeException before anything is stored).
          List<Encoded> encoded = new ArrayList<>(all.size());
          for (EnqueueRequest r : all) {
            encoded.add(new Encoded(r, stored.encodeLimited(r.message())));
          }
          List<List<Encoded>> runs = new ArrayList<>();
          List<Encoded> run = null;
          for (Encoded e : encoded) {
            if (run == null
                || run.size() == ENQUEUE_BATCH
                || !run.get(0).queue().equals(e.queue())) {
              run = new ArrayList<>();
              runs.add(run);
            }
            run.add(e);
          }
          return Flux.fromIterable(runs).concatMap(this::enqueueRun, 0);
        });
  }

  /** A request of {@code enqueueAll} with its message's encoding. */
  private record Encoded(EnqueueRequest request, byte[] bytes) {
    String queue() {
      return request.message().queue();
    }
  }

  private Flux<Boolean> enqueueRun(List<Encoded> run) {
    String q = run.get(0).queue();
    Args a = args(q, clock.millis()).add(capacity).add(run.size());
    for (Encoded e : run) {
      EnqueueRequest r = e.request();
      Message m = r.message();
      a.add(m.id())
          .add(m.task())
          .add(m.priority())
          .add(m.readyAt().toEpochMilli())
          .add(m.maxRetries())
          .add(m.retries())
          .add(Stored.ms(r.retention().message()))
          .add(Stored.ms(r.retention().status()))
          .add(e.bytes());
    }
    return scripts
        .list(LuaScript.ENQUEUE_ALL, qk(q), a)
        .flatMapMany(
            codes -> {
              List<Boolean> results = new ArrayList<>(codes.size());
              for (int i = 0; i < codes.size(); i++) {
                long code = Stored.number(codes.get(i));
                if (code < 0) {
                  long live = Stored.number(codes.get(i + 1));
                  return register(q)
                      .thenMany(Flux.fromIterable(results))
                      .concatWith(
                          Flux.error(
                              new CapacityExceededException(
                                  "queue "
                                      + q
                                      + " holds "
                                      + live
                                      + " live messages (capacity "
                                      + capacity
                                      + ")")));
                }
                results.add(code == 1L);
              }
              return register(q).thenMany(Flux.fromIterable(results));
            });
  }

  /** Records a queue name in the registry {@link #queues()} reads, once per backend instance. */
  private Mono<Void> register(String queue) {
    if (registered.contains(queue)) {
      return Mono.empty();
    }
    return connections
        .commands()
        .flatMap(
            c -> Mono.fromCompletionStage(() -> c.sadd(keys.queueRegistry(), Stored.bytes(queue))))
        .doOnSuccess(n -> registered.add(queue))
        .onErrorMap(connections::translate)
        .then();
  }

  @Override
  public Mono<StoredMessage> find(MessageRef ref) {
    Objects.requireNonNull(ref, "ref");
    return guard(
        () ->
            scripts
                .list(
                    LuaScript.FIND,
                    qk(ref.queue()),
                    args(ref.queue(), clock.millis()).add(ref.id()))
                .flatMap(
                    list ->
                        list.isEmpty()
                            ? Mono.empty()
                            : Mono.just(
                                stored.storedMessage(
                                    ref,
                                    Stored.fields(list, 1),
                                    "x".equals(Stored.string(list.get(0)))))));
  }

  @Override
  public Mono<Boolean> update(Message m) {
    Objects.requireNonNull(m, "message");
    return guard(
        () ->
            scripts
                .number(
                    LuaScript.UPDATE,
                    qk(m.queue()),
                    args(m.queue(), clock.millis())
                        .add(m.id())
                        .add(m.task())
                        .add(m.priority())
                        .add(m.readyAt().toEpochMilli())
                        .add(m.maxRetries())
                        .add(m.retries())
                        .add(stored.encodeLimited(m)))
                .map(n -> n == 1L));
  }

  @Override
  public Mono<Boolean> remove(MessageRef ref) {
    Objects.requireNonNull(ref, "ref");
    return guard(
        () ->
            scripts
                .number(
                    LuaScript.REMOVE,
                    qk(ref.queue()),
                    args(ref.queue(), clock.millis()).add(ref.id()))
                .map(n -> n == 1L));
  }

  @Override
  public Mono<StoredMessage> findDeadLetter(MessageRef ref) {
    Objects.requireNonNull(ref, "ref");
    return guard(
        () ->
            scripts
                .list(
                    LuaScript.FIND_DEAD_LETTER,
                    qk(ref.queue()),
                    args(ref.queue(), clock.millis()).add(ref.id()))
                .flatMap(
                    list ->
                        list.isEmpty()
                            ? Mono.empty()
                            : Mono.just(stored.storedMessage(ref, Stored.fields(list, 1), true))));
  }

  @Override
  public Mono<Boolean> deadLetter(Message m, Retention retention) {
    Objects.requireNonNull(m, "message");
    Objects.requireNonNull(retention, "retention");
    return guard(
        () ->
            scripts
                .number(
                    LuaScript.DEAD_LETTER,
                    qk(m.queue()),
                    args(m.queue(), clock.millis())
                        .add(m.id())
                        .add(m.task())
                        .add(m.priority())
                        .add(m.readyAt().toEpochMilli())
                        .add(m.maxRetries())
                        .add(m.retries())
                        .add(Stored.ms(retention.deadLetter()))
                        .add(stored.encodeLimited(m)))
                .flatMap(n -> register(m.queue()).thenReturn(n == 1L)));
  }

  @Override
  public Mono<Long> deleteDeadLetters(String queue, List<String> ids) {
    Objects.requireNonNull(queue, "queue");
    List<String> copy = List.copyOf(ids);
    return guard(
        () -> {
          Args args = args(queue, clock.millis());
          copy.forEach(args::add);
          return scripts.number(LuaScript.DELETE_DEAD_LETTERS, qk(queue), args);
        });
  }

  // ---------------------------------------------------------------- work

  @Override
  public Mono<List<Delivery>> claim(ClaimRequest request) {
    Objects.requireNonNull(request, "request");
    return guard(() -> claimFrom(request, 0, new ArrayList<>(), clock.millis()));
  }

  /** Claims from queue {@code i} on, in order, until {@code max} deliveries are collected. */
  private Mono<List<Delivery>> claimFrom(ClaimRequest r, int i, List<Delivery> got, long now) {
    if (i >= r.queues().size() || got.size() >= r.max()) {
      return Mono.just(got);
    }
    QueueSelector sel = r.queues().get(i);
    String q = sel.queue();
    Args a =
        args(q, now)
            .add(r.max() - got.size())
            .add(r.owner())
            .add(Stored.ms(r.lease()))
            .add(Stored.ms(r.retention().status()));
    sel.tasks().forEach(a::add);
    Instant expiresAt = Instant.ofEpochMilli(now + Stored.ms(r.lease()));
    return scripts
        .list(LuaScript.CLAIM, qk(q), a)
        .flatMap(
            flat -> {
              for (int j = 0; j + 6 < flat.size(); j += 7) {
                String id = Stored.string(flat.get(j));
                MessageRef ref = MessageRef.of(q, id);
                Lease lease = new Lease(ref, r.owner(), Stored.string(flat.get(j + 1)), expiresAt);
                try {
                  Message m =
                      stored.message(
                          id,
                          (byte[]) flat.get(j + 2),
                          (byte[]) flat.get(j + 3),
                          (byte[]) flat.get(j + 5),
                          (byte[]) flat.get(j + 4),
                          (byte[]) flat.get(j + 6));
                  got.add(Delivery.of(lease, m));
                } catch (UndecodablePayloadException e) {
                  got.add(new Delivery(lease, null, e));
                }
              }
              return claimFrom(r, i + 1, got, now);
            });
  }

  @Override
  public Mono<Void> awaitWork(List<String> queues, Duration max) {
    List<String> names = List.copyOf(Objects.requireNonNull(queues, "queues"));
    Objects.requireNonNull(max, "max");
    if (max.isNegative()) {
      throw new IllegalArgumentException("max must be >= 0, got " + max);
    }
    return guard(() -> waits.awaitWork(names, max));
  }

  @Override
  public Mono<Integer> promoteDue(List<String> queues) {
    List<String> names = List.copyOf(Objects.requireNonNull(queues, "queues"));
    return guard(
        () ->
            Flux.fromIterable(names)
                .concatMap(
                    q -> scripts.number(LuaScript.PROMOTE_DUE, qk(q), args(q, clock.millis())))
                .reduce(0, (sum, n) -> sum + n.intValue()));
  }

  @Override
  public Mono<Lease> extendLease(Lease lease, Duration extension) {
    Objects.requireNonNull(lease, "lease");
    Checks.positive(extension, "extension");
    String q = lease.ref().queue();
    return guard(
        () ->
            scripts
                .number(
                    LuaScript.EXTEND_LEASE,
                    qk(q),
                    args(q, clock.millis())
                        .add(lease.ref().id())
                        .add(lease.token())
                        .add(Stored.ms(extension)))
                .filter(n -> n > 0)
                .map(n -> lease.withExpiresAt(Instant.ofEpochMilli(n))));
  }

  @Override
  public Mono<List<SettleResult>> complete(List<CompleteRequest> requests) {
    List<CompleteRequest> all = List.copyOf(Objects.requireNonNull(requests, "requests"));
    return guard(
        () -> {
          if (all.isEmpty()) {
            return Mono.just(List.of());
          }
          // Every callback is encoded (and checked against maxMessageBytes) once, before any
          // script runs, so an oversized one fails the call (MessageTooLargeException) with
          // nothing of it applied.
          Map<Message, byte[]> encoded = new IdentityHashMap<>();
          for (CompleteRequest r : all) {
            for (Message cb : r.callbacks()) {
              encoded.put(cb, stored.encodeLimited(cb));
            }
          }
          long now = clock.millis();
          Map<String, List<Integer>> byQueue = new LinkedHashMap<>();
          for (int i = 0; i < all.size(); i++) {
            byQueue
                .computeIfAbsent(all.get(i).lease().ref().queue(), q -> new ArrayList<>())
                .add(i);
          }
          SettleResult[] out = new SettleResult[all.size()];
          return Flux.fromIterable(byQueue.entrySet())
              .flatMap(e -> completeQueue(e.getKey(), e.getValue(), all, encoded, out, now))
              .then(Mono.fromSupplier(() -> Arrays.asList(out)));
        });
  }

  private Mono<Void> completeQueue(
      String q,
      List<Integer> idx,
      List<CompleteRequest> all,
      Map<Message, byte[]> encoded,
      SettleResult[] out,
      long now) {
    Args a = args(q, now).add(idx.size());
    List<List<String>> outboxFields = new ArrayList<>();
    List<List<Message>> outboxMessages = new ArrayList<>();
    for (int i : idx) {
      CompleteRequest r = all.get(i);
      Retention ret = r.retention();
      a.add(r.lease().ref().id())
          .add(r.lease().token())
          .add(Stored.ms(r.resultTtl()))
          .add(Stored.ms(ret.status()))
          .add(Stored.ms(ret.message()))
          .add(stored.serializer().encodeTree(r.result()))
          .add(r.callbacks().size());
      List<String> fields = new ArrayList<>();
      List<Message> others = new ArrayList<>();
      for (Message cb : r.callbacks()) {
        if (cb.queue().equals(q)) {
          a.add("l")
              .add(cb.id())
              .add(cb.task())
              .add(cb.priority())
              .add(cb.readyAt().toEpochMilli())
              .add(cb.maxRetries())
              .add(cb.retries())
              .add(encoded.get(cb));
        } else {
          String field = now + "|" + r.lease().ref().id() + "|" + cb.queue() + "|" + cb.id();
          a.add("o")
              .add(field)
              .add(
                  Stored.encodeOutbox(
                      encoded.get(cb), Stored.ms(ret.message()), Stored.ms(ret.status())));
          fields.add(field);
          others.add(cb);
        }
      }
      outboxFields.add(fields);
      outboxMessages.add(others);
    }
    return scripts
        .list(LuaScript.COMPLETE, qk(q), a)
        .flatMap(
            codes -> {
              List<Mono<Void>> flush = new ArrayList<>();
              for (int j = 0; j < idx.size(); j++) {
                SettleResult s = settle(Stored.number(codes.get(j)));
                out[idx.get(j)] = s;
                if (s == SettleResult.APPLIED) {
                  Retention ret = all.get(idx.get(j)).retention();
                  for (int k = 0; k < outboxFields.get(j).size(); k++) {
                    flush.add(
                        deliverOutbox(
                            q, outboxFields.get(j).get(k), outboxMessages.get(j).get(k), ret));
                  }
                }
              }
              return Mono.when(flush);
            });
  }

  /** Enqueues a callback recorded in {@code queue}'s outbox, then drops the record. */
  private Mono<Void> deliverOutbox(String queue, String field, Message callback, Retention r) {
    return enqueue(new EnqueueRequest(callback, r))
        .then(
            connections
                .commands()
                .flatMap(c -> Mono.fromCompletionStage(() -> c.hdel(qk(queue)[6], field)))
                .onErrorMap(connections::translate))
        .then();
  }

  private static SettleResult settle(long code) {
    return code == 1
        ? SettleResult.APPLIED
        : code == 2 ? SettleResult.REVOKED : SettleResult.LEASE_LOST;
  }

  @Override
  public Mono<SettleResult> retry(RetryRequest request) {
    Objects.requireNonNull(request, "request");
    String q = request.lease().ref().queue();
    return guard(
        () ->
            scripts
                .number(
                    LuaScript.RETRY,
                    qk(q),
                    args(q, clock.millis())
                        .add(request.lease().ref().id())
                        .add(request.lease().token())
                        .add(request.readyAt().toEpochMilli())
                        .add(Stored.ms(request.retention().status()))
                        .add(Stored.encodeError(request.error())))
                .map(RedisBackend::settle));
  }

  @Override
  public Mono<SettleResult> fail(FailRequest request) {
    Objects.requireNonNull(request, "request");
    String q = request.lease().ref().queue();
    return guard(
        () ->
            scripts
                .number(
                    LuaScript.FAIL,
                    qk(q),
                    args(q, clock.millis())
                        .add(request.lease().ref().id())
                        .add(request.lease().token())
                        .add(Stored.ms(request.retention().status()))
                        .add(Stored.ms(request.retention().deadLetter()))
                        .add(Stored.encodeError(request.error())))
                .map(RedisBackend::settle));
  }

  @Override
  public Mono<ReapResult> requeueExpired(ReapRequest request) {
    Objects.requireNonNull(request, "request");
    List<MessageRef> requeued = new ArrayList<>();
    List<MessageRef> dead = new ArrayList<>();
    return guard(
        () ->
            Flux.fromIterable(request.queues())
                .concatMap(q -> reapQueue(q, request.retention(), requeued, dead))
                .then(Mono.fromSupplier(() -> new ReapResult(requeued, dead))));
  }

  @SuppressWarnings("unchecked")
  private Mono<Void> reapQueue(
      String q, Retention r, List<MessageRef> requeued, List<MessageRef> dead) {
    Args a =
        args(q, clock.millis())
            .add(Stored.ms(r.status()))
            .add(Stored.ms(r.deadLetter()))
            .add(Stored.encodeError(LEASE_LOST))
            .add(OUTBOX_GRACE.toMillis())
            .add(REAP_BATCH);
    return scripts
        .list(LuaScript.REQUEUE_EXPIRED, qk(q), a)
        .flatMap(
            parts -> {
              List<Object> req = (List<Object>) parts.get(0);
              List<Object> dl = (List<Object>) parts.get(1);
              List<Object> box = (List<Object>) parts.get(2);
              req.forEach(id -> requeued.add(MessageRef.of(q, Stored.string(id))));
              dl.forEach(id -> dead.add(MessageRef.of(q, Stored.string(id))));
              List<Mono<Void>> flush = new ArrayList<>();
              for (int i = 0; i + 1 < box.size(); i += 2) {
                String field = Stored.string(box.get(i));
                Stored.OutboxRecord rec = stored.decodeOutbox((byte[]) box.get(i + 1), field);
                Retention ret =
                    r.withMessage(Duration.ofMillis(Math.max(1, rec.messageTtl())))
                        .withStatus(Duration.ofMillis(Math.max(1, rec.statusTtl())));
                flush.add(deliverOutbox(q, field, rec.message(), ret));
              }
              Mono<Void> more =
                  req.size() + dl.size() >= REAP_BATCH
                      ? reapQueue(q, r, requeued, dead)
                      : Mono.empty();
              return Mono.when(flush).then(more);
            });
  }

  @Override
  public Mono<RevokeResult> revoke(RevokeRequest request) {
    Objects.requireNonNull(request, "request");
    MessageRef ref = request.ref();
    Retention r = request.retention();
    return guard(
        () ->
            scripts
                .number(
                    LuaScript.REVOKE,
                    qk(ref.queue()),
                    args(ref.queue(), clock.millis())
                        .add(ref.id())
                        .add(request.skipIfRunning() ? 1 : 0)
                        .add(Stored.ms(r.status()))
                        .add(Stored.ms(r.deadLetter()))
                        .add(Stored.ms(r.revocation()))
                        .add(Stored.encodeError(request.reason())))
                .map(
                    n ->
                        switch (n.intValue()) {
                          case 1 -> RevokeResult.REVOKED;
                          case 2 -> RevokeResult.REVOKED_RUNNING;
                          case 3 -> RevokeResult.SKIPPED_RUNNING;
                          case 4 -> RevokeResult.ALREADY_FINISHED;
                          default -> RevokeResult.NOT_FOUND;
                        }));
  }

  @Override
  public Mono<Boolean> isRevoked(MessageRef ref) {
    Objects.requireNonNull(ref, "ref");
    return get(keys.revocation(ref.queue(), ref.id()))
        .map(v -> Long.parseLong(Stored.string(v)) > clock.millis())
        .defaultIfEmpty(false);
  }

  @Override
  public Mono<Void> awaitRevocation(MessageRef ref) {
    Objects.requireNonNull(ref, "ref");
    return guard(() -> waits.awaitRevocation(ref));
  }

  // ---------------------------------------------------------------- statuses

  @Override
  public Mono<Void> setStatus(MessageRef ref, StatusUpdate update, Duration ttl) {
    Objects.requireNonNull(ref, "ref");
    Objects.requireNonNull(update, "update");
    Checks.positive(ttl, "ttl");
    return guard(
        () ->
            scripts
                .number(
                    LuaScript.SET_STATUS,
                    qk(ref.queue()),
                    args(ref.queue(), clock.millis())
                        .add(ref.id())
                        .add(update.status().code())
                        .add(update.at().toEpochMilli())
                        .add(Stored.ms(ttl))
                        .add(
                            update.error() == null
                                ? new byte[0]
                                : Stored.encodeError(update.error())))
                .then());
  }

  /** The stored status with its version, or empty. */
  Mono<Stored.Status> readStatus(MessageRef ref) {
    return guard(
        () -> {
          long now = clock.millis();
          return scripts
              .value(LuaScript.GET_STATUS, qk(ref.queue()), args(ref.queue(), now).add(ref.id()))
              .mapNotNull(v -> Stored.decodeStatus(ref.id(), v, now));
        });
  }

  @Override
  public Mono<StatusUpdate> getStatus(MessageRef ref) {
    Objects.requireNonNull(ref, "ref");
    return readStatus(ref).map(Stored.Status::update);
  }

  @Override
  public Mono<Boolean> deleteStatus(MessageRef ref) {
    Objects.requireNonNull(ref, "ref");
    return guard(
        () ->
            scripts
                .number(
                    LuaScript.DELETE_STATUS,
                    qk(ref.queue()),
                    args(ref.queue(), clock.millis()).add(ref.id()))
                .map(n -> n == 1L));
  }

  @Override
  public Flux<StatusUpdate> watchStatus(MessageRef ref) {
    Objects.requireNonNull(ref, "ref");
    return Flux.defer(() -> isClosed() ? Flux.error(closedError()) : waits.watchStatus(ref));
  }

  @Override
  public Mono<Long> markOrphanedStatuses(String queue, Retention retention) {
    Objects.requireNonNull(queue, "queue");
    Objects.requireNonNull(retention, "retention");
    String prefix = keys.statusPrefix(queue);
    ScanArgs scan = ScanArgs.Builder.matches(keys.statusPattern(queue)).limit(1000);
    return guard(
        () ->
            connections
                .commands()
                .flatMapMany(
                    c ->
                        Mono.<KeyScanCursor<String>>fromCompletionStage(() -> c.scan(scan))
                            .expand(
                                cursor ->
                                    cursor.isFinished()
                                        ? Mono.empty()
                                        : Mono.fromCompletionStage(() -> c.scan(cursor, scan))))
                .onErrorMap(connections::translate)
                .flatMapIterable(KeyScanCursor::getKeys)
                .map(key -> key.substring(prefix.length()))
                .buffer(500)
                .concatMap(
                    ids -> {
                      Args a = args(queue, clock.millis()).add(Stored.ms(retention.status()));
                      ids.forEach(a::add);
                      return scripts.number(LuaScript.MARK_ORPHANS, qk(queue), a);
                    })
                .reduce(0L, Long::sum));
  }

  // ---------------------------------------------------------------- results

  @Override
  public Mono<Boolean> setResult(
      MessageRef ref, tools.jackson.databind.JsonNode value, Duration ttl, boolean ifAbsent) {
    Objects.requireNonNull(ref, "ref");
    Objects.requireNonNull(value, "value");
    Checks.positive(ttl, "ttl");
    return guard(
        () ->
            scripts
                .number(
                    LuaScript.SET_RESULT,
                    qk(ref.queue()),
                    args(ref.queue(), clock.millis())
                        .add(ref.id())
                        .add(Stored.ms(ttl))
                        .add(ifAbsent ? 1 : 0)
                        .add(stored.serializer().encodeTree(value)))
                .map(n -> n == 1L));
  }

  @Override
  public Mono<StoredResult> getResult(MessageRef ref) {
    Objects.requireNonNull(ref, "ref");
    return get(keys.result(ref.queue(), ref.id()))
        .mapNotNull(v -> stored.decodeResult(ref, v, clock.millis()));
  }

  @Override
  public Mono<Boolean> deleteResult(MessageRef ref) {
    Objects.requireNonNull(ref, "ref");
    return guard(
        () ->
            scripts
                .number(
                    LuaScript.DELETE_RESULT,
                    qk(ref.queue()),
                    args(ref.queue(), clock.millis()).add(ref.id()))
                .map(n -> n == 1L));
  }

  @Override
  public Mono<StoredResult> awaitResult(MessageRef ref) {
    Objects.requireNonNull(ref, "ref");
    return guard(() -> waits.awaitResult(ref));
  }

  @Override
  public Mono<TaskOutcome> awaitOutcome(MessageRef ref) {
    Objects.requireNonNull(ref, "ref");
    return guard(() -> waits.awaitOutcome(ref));
  }

  /** The stored result, else the FAILED status, of a message (one MGET); empty when neither. */
  Mono<TaskOutcome> readOutcome(MessageRef ref) {
    String rk = keys.result(ref.queue(), ref.id());
    String sk = keys.status(ref.queue(), ref.id());
    return guard(
        () ->
            connections
                .commands()
                .flatMap(c -> Mono.fromCompletionStage(() -> c.mget(rk, sk)))
                .onErrorMap(connections::translate)
                .mapNotNull(
                    kvs -> {
                      long now = clock.millis();
                      byte[] r = kvs.get(0).getValueOrElse(null);
                      StoredResult result = r == null ? null : stored.decodeResult(ref, r, now);
                      if (result != null) {
                        return TaskOutcome.succeeded(result);
                      }
                      byte[] st = kvs.get(1).getValueOrElse(null);
                      Stored.Status s = st == null ? null : Stored.decodeStatus(ref.id(), st, now);
                      return s != null && s.update().status() == TaskStatus.FAILED
                          ? TaskOutcome.failed(s.update())
                          : null;
                    }));
  }

  // ---------------------------------------------------------------- locks and counters

  @Override
  public Mono<LockResult> acquireLock(String name, String owner, Duration ttl) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(owner, "owner");
    Checks.positive(ttl, "ttl");
    return guard(
        () ->
            scripts
                .number(
                    LuaScript.ACQUIRE_LOCK,
                    new String[] {keys.lock(name)},
                    new Args().add(clock.millis()).add(owner).add(Stored.ms(ttl)))
                .map(
                    n ->
                        n == 1L
                            ? LockResult.ACQUIRED
                            : n == 2L ? LockResult.HELD_BY_OWNER : LockResult.HELD_BY_OTHER));
  }

  @Override
  public Mono<Boolean> releaseLock(String name, String owner) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(owner, "owner");
    return guard(
        () ->
            scripts
                .number(
                    LuaScript.RELEASE_LOCK,
                    new String[] {keys.lock(name)},
                    new Args().add(clock.millis()).add(owner).add(keys.lockChannel(name)).add(name))
                .map(n -> n == 1L));
  }

  @Override
  public Mono<String> lockHolder(String name) {
    Objects.requireNonNull(name, "name");
    return get(keys.lock(name)).mapNotNull(v -> Stored.lockHolder(v, clock.millis()));
  }

  @Override
  public Mono<Void> awaitLockFree(String name) {
    Objects.requireNonNull(name, "name");
    return guard(() -> waits.awaitLockFree(name));
  }

  @Override
  public Mono<Long> increment(String counter) {
    Objects.requireNonNull(counter, "counter");
    return guard(
        () ->
            connections
                .commands()
                .flatMap(c -> Mono.fromCompletionStage(() -> c.incr(keys.counter(counter))))
                .onErrorMap(connections::translate));
  }

  // ---------------------------------------------------------------- listing

  @Override
  public Flux<String> queues() {
    return guard(
            () ->
                connections
                    .commands()
                    .flatMap(c -> Mono.fromCompletionStage(() -> c.smembers(keys.queueRegistry())))
                    .onErrorMap(connections::translate))
        .flatMapIterable(set -> set.stream().map(Stored::string).sorted().toList())
        .concatMap(
            q -> stats(q).filter(s -> s.live() + s.deadLetters() > 0).map(QueueStats::queue));
  }

  @Override
  public Mono<QueueStats> stats(String queue) {
    Objects.requireNonNull(queue, "queue");
    return guard(
        () ->
            scripts
                .list(LuaScript.STATS, qk(queue), args(queue, clock.millis()))
                .map(
                    l ->
                        new QueueStats(
                            queue,
                            Stored.number(l.get(0)),
                            Stored.number(l.get(1)),
                            Stored.number(l.get(2)),
                            Stored.number(l.get(3)))));
  }

  @Override
  @SuppressWarnings("unchecked")
  public Flux<StoredMessage> list(String queue, MessageState state, int offset, int limit) {
    Objects.requireNonNull(queue, "queue");
    Objects.requireNonNull(state, "state");
    if (offset < 0) {
      throw new IllegalArgumentException("offset must be >= 0, got " + offset);
    }
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be >= 1, got " + limit);
    }
    String code =
        switch (state) {
          case READY -> "r";
          case DELAYED -> "d";
          case LEASED -> "l";
          case DEAD_LETTER -> "x";
        };
    return guard(
            () -> {
              long now = clock.millis();
              return scripts
                  .list(
                      LuaScript.LIST, qk(queue), args(queue, now).add(code).add(offset).add(limit))
                  .map(
                      items -> {
                        List<StoredMessage> out = new ArrayList<>();
                        for (Object item : items) {
                          List<Object> h = (List<Object>) item;
                          Map<String, byte[]> f = Stored.fields(h, 1);
                          if (f.get("ex") == null || Stored.number(f.get("ex")) <= now) {
                            continue;
                          }
                          String id = idOf(f, h);
                          out.add(
                              stored.storedMessage(MessageRef.of(queue, id), f, code.equals("x")));
                        }
                        return out;
                      });
            })
        .flatMapIterable(l -> l);
  }

  private String idOf(Map<String, byte[]> f, List<Object> h) {
    // The id is not a hash field; the payload names it. An undecodable payload keeps "?".
    try {
      return stored.serializer().decode(f.get("p"), "?").id();
    } catch (RuntimeException e) {
      return "?";
    }
  }

  // ---------------------------------------------------------------- lifecycle

  /**
   * {@inheritDoc}
   *
   * <p>Here: ends every wait of this backend and of its namespace views, then shuts the Lettuce
   * client down (bounded by 3 s: past that, it completes with a warning logged). A namespace view
   * ends its own waits only.
   */
  @Override
  public Mono<Void> closeAsync() {
    return Mono.defer(
        () -> {
          if (root != null) {
            closeView();
            return Mono.empty();
          }
          if (!closed.compareAndSet(false, true)) {
            return Mono.empty();
          }
          closing.close();
          waits.close();
          List.copyOf(views).forEach(RedisBackend::closeView);
          // Bounded: Lettuce's client shutdown has been seen to hang now and then on a cluster
          // (a spin in its SharedLock, Lettuce issue #3880); close still completes, with a
          // warning, rather than hold the caller for ever.
          return connections
              .close()
              .timeout(
                  CLOSE_TIMEOUT,
                  Mono.fromRunnable(
                      () ->
                          System.getLogger(RedisBackend.class.getName())
                              .log(
                                  System.Logger.Level.WARNING,
                                  "Redis client shutdown did not finish within "
                                      + CLOSE_TIMEOUT
                                      + "; continuing without waiting for it")));
        });
  }

  /**
   * {@inheritDoc}
   *
   * <p>Lettuce's convention: {@code closeAsync()} waited for (here at most {@link
   * Backend#CLOSE_TIMEOUT}).
   */
  @Override
  public void close() {
    Backend.super.close();
  }

  /** Closes a namespace view: its waits end; the shared connections stay open. */
  private void closeView() {
    if (closed.compareAndSet(false, true)) {
      closing.close();
      waits.close();
      if (root != null) {
        root.views.remove(this);
      }
    }
  }

  @Override
  public String toString() {
    return "RedisBackend(" + namespace + ")";
  }

  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(3);

  /** Settings of a {@link RedisBackend}. Not thread-safe; build once. */
  public static final class Builder {
    final List<RedisURI> uris = new ArrayList<>();
    boolean cluster;
    String namespace = "taskflux";
    Serializer serializer = Serializer.json();
    Clock clock = Clock.systemUTC();
    Duration commandTimeout = Duration.ofSeconds(10);
    Duration connectTimeout = Duration.ofSeconds(5);
    SslOptions ssl;
    UnaryOperator<ClusterClientOptions.Builder> options;
    ClientResources resources;
    int maxQueueLength;
    int maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES;
    Scheduler signalScheduler = Schedulers.boundedElastic();

    private Builder() {}

    /**
     * The server: {@code redis://[[user]:password@]host[:port][/database]}, or {@code rediss://}
     * for TLS. Given several times (or with {@link #uris}), they are the seeds of a cluster.
     */
    public Builder uri(String uri) {
      Objects.requireNonNull(uri, "uri");
      try {
        uris.add(RedisURI.create(uri));
      } catch (RuntimeException e) {
        // Lettuce's message may echo the URI, password included: name the problem only.
        throw new IllegalArgumentException("uri is not a valid redis:// or rediss:// URI", e);
      }
      return this;
    }

    /** Several seed URIs: a Redis Cluster. */
    public Builder uris(List<String> seeds) {
      Objects.requireNonNull(seeds, "uris").forEach(this::uri);
      return this;
    }

    /** Whether the URI(s) point at a Redis Cluster (implied by several URIs). */
    public Builder cluster(boolean cluster) {
      this.cluster = cluster;
      return this;
    }

    /** The prefix of every key (default {@code taskflux}); backends sharing one see one store. */
    public Builder namespace(String namespace) {
      Objects.requireNonNull(namespace, "namespace");
      if (namespace.isBlank()) {
        throw new IllegalArgumentException("namespace must not be blank");
      }
      this.namespace = namespace;
      return this;
    }

    /** How messages and results are encoded (default JSON). */
    public Builder serializer(Serializer serializer) {
      this.serializer = Objects.requireNonNull(serializer, "serializer");
      return this;
    }

    /** The clock every time-based decision is taken on (passed to every script as {@code now}). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** How long a command may wait for its reply, including while reconnecting (default 10 s). */
    public Builder commandTimeout(Duration timeout) {
      this.commandTimeout = Checks.positive(timeout, "commandTimeout");
      return this;
    }

    /** How long opening a connection may take (default 5 s). */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = Checks.positive(timeout, "connectTimeout");
      return this;
    }

    /**
     * Trusts the CA certificate(s) in this PEM file for {@code rediss://} connections. The file is
     * read now, on the calling thread (blocking I/O), and kept in memory: Lettuce would otherwise
     * read it again on a Netty event loop at every connection and reconnection.
     *
     * @throws IllegalArgumentException if the file cannot be read
     */
    public Builder trustedCertificates(Path caPem) {
      Objects.requireNonNull(caPem, "caPem");
      byte[] pem;
      try {
        pem = java.nio.file.Files.readAllBytes(caPem);
      } catch (java.io.IOException e) {
        throw new IllegalArgumentException("caPem cannot be read: " + caPem, e);
      }
      this.ssl =
          SslOptions.builder()
              .jdkSslProvider()
              .trustManager(() -> new java.io.ByteArrayInputStream(pem))
              .build();
      return this;
    }

    /**
     * TLS trusting the JDK's default CAs, loaded now: left to Lettuce, the trust store file would
     * be read on a Netty event loop at every connection.
     */
    private static SslOptions defaultTrust() {
      try {
        javax.net.ssl.TrustManagerFactory tmf =
            javax.net.ssl.TrustManagerFactory.getInstance(
                javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        tmf.init((java.security.KeyStore) null);
        return SslOptions.builder().jdkSslProvider().trustManager(tmf).build();
      } catch (java.security.GeneralSecurityException e) {
        throw new IllegalStateException("the JDK's default trust store cannot be loaded", e);
      }
    }

    /** Adjusts Lettuce's client options (applied last, on top of taskflux's). */
    public Builder clientOptions(UnaryOperator<ClusterClientOptions.Builder> adjust) {
      this.options = Objects.requireNonNull(adjust, "adjust");
      return this;
    }

    /** Shares Lettuce client resources (event loops) owned by the caller. */
    public Builder clientResources(ClientResources resources) {
      this.resources = Objects.requireNonNull(resources, "resources");
      return this;
    }

    /** The most live messages a queue admits through enqueue; 0 (default) for no bound. */
    public Builder maxQueueLength(int max) {
      if (max < 0) {
        throw new IllegalArgumentException("maxQueueLength must be >= 0, got " + max);
      }
      this.maxQueueLength = max;
      return this;
    }

    /**
     * The largest encoded message, in bytes, that any operation stores (default {@value
     * RedisBackend#DEFAULT_MAX_MESSAGE_BYTES}, 4 MiB): {@code enqueue}, {@code enqueueAll} (checked
     * for the whole call first), {@code update}, {@code deadLetter} and the callbacks of {@code
     * complete}. A larger message fails the operation with {@link
     * io.taskflux.MessageTooLargeException} and nothing of it is stored; a larger message found in
     * Redis (written by another client) is not decoded: a claim delivers it as undecodable, so the
     * worker sends it to the dead-letter queue.
     */
    public Builder maxMessageBytes(int max) {
      if (max <= 0) {
        throw new IllegalArgumentException("maxMessageBytes must be > 0, got " + max);
      }
      this.maxMessageBytes = max;
      return this;
    }

    /** Where waits ({@code await*}, {@code watchStatus}) deliver their signals. */
    public Builder signalScheduler(Scheduler scheduler) {
      this.signalScheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /** The backend; it connects on first use. */
    public RedisBackend build() {
      if (uris.isEmpty()) {
        throw new IllegalArgumentException("uri must be given");
      }
      if (uris.size() > 1) {
        cluster = true;
      }
      if (ssl == null && uris.stream().anyMatch(RedisURI::isSsl)) {
        ssl = defaultTrust();
      }
      return new RedisBackend(this);
    }
  }
}
