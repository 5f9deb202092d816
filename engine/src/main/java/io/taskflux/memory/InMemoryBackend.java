package io.taskflux.memory;

import io.taskflux.BackendUnavailableException;
import io.taskflux.internal.Checks;
import io.taskflux.spi.Backend;
import io.taskflux.spi.ClaimRequest;
import io.taskflux.spi.CompleteRequest;
import io.taskflux.spi.Delivery;
import io.taskflux.spi.EnqueueRequest;
import io.taskflux.spi.FailRequest;
import io.taskflux.spi.Lease;
import io.taskflux.spi.LockResult;
import io.taskflux.spi.MessageState;
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
import io.taskflux.task.Message;
import io.taskflux.task.MessageRef;
import io.taskflux.task.StatusUpdate;
import io.taskflux.time.Timers;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import tools.jackson.databind.JsonNode;

/**
 * The embedded {@link Backend}: everything in this JVM's memory, with the SPI's guarantees.
 *
 * <p><b>Concurrency.</b> One monitor guards all state; each operation runs entirely inside it, on
 * the subscribing thread, in time proportional to what it touches (ordered sets, no scans except
 * the integrity scan and listing). Nothing blocks on I/O, so every operation is safe on Reactor's
 * non-blocking threads. Waiters (idle consumers, status and result watchers, revocation and lock
 * waiters) are {@link Sinks} registered under the monitor and signalled just after it is released,
 * in write order (see {@link SignalQueue}): nothing polls. Timed wake-ups (a delayed message
 * becoming due, a lease or lock expiring) are timers on the injected clock ({@link Timers}), so a
 * virtual-time clock moves them.
 *
 * <p><b>Expiry</b> runs at the start of every operation, from an index ordered by expiry time: an
 * expired thing is gone before anything can read it, and its memory is freed then.
 *
 * <p><b>Bounds.</b> At most {@link InMemoryOptions#capacity()} live messages are admitted by {@code
 * enqueue}; past that it fails with {@link io.taskflux.CapacityExceededException}. Callbacks
 * submitted by a completion are always accepted (refusing them would lose work). Statuses, results
 * and dead letters are bounded by their TTLs.
 *
 * <p>Messages are stored as the immutable objects they are (no serialization). {@link
 * #checkInvariants()} verifies the internal state, for tests.
 */
public final class InMemoryBackend implements Backend {

  private final Object lock = new Object();
  private final Clock clock;
  private final SignalQueue signals = new SignalQueue();
  private final Expiries expiries = new Expiries();
  private final Watchers watchers = new Watchers(signals);
  private final Records records = new Records(expiries, watchers);
  private final MemoryStore store;
  private final InMemoryOptions options;
  // The backend views of other namespaces are made from (null for that root itself), and the
  // views of a root by namespace: one store per namespace, so two engines asking a root for the
  // same namespace share it.
  private final InMemoryBackend root;
  private final Map<String, InMemoryBackend> views;
  private boolean closed;

  private InMemoryBackend(InMemoryOptions options, InMemoryBackend root) {
    this.clock = options.clock();
    this.options = options;
    this.root = root;
    this.views = root == null ? new ConcurrentHashMap<>() : null;
    this.store = new MemoryStore(expiries, watchers, records, options.capacity());
  }

  /** A backend on the UTC system clock with the default capacity. */
  public static InMemoryBackend create() {
    return create(InMemoryOptions.defaults());
  }

  /** A backend with the given options. */
  public static InMemoryBackend create(InMemoryOptions options) {
    return new InMemoryBackend(Objects.requireNonNull(options, "options"), null);
  }

  @Override
  public Clock clock() {
    return clock;
  }

  @Override
  public String namespace() {
    return options.namespace();
  }

  /**
   * {@inheritDoc}
   *
   * <p>Here: a backend with a store of its own, the same for every call with that namespace on this
   * backend or any of its views, with this backend's clock and capacity (the capacity bounds each
   * namespace separately).
   */
  @Override
  public InMemoryBackend withNamespace(String namespace) {
    Objects.requireNonNull(namespace, "namespace");
    if (namespace.isBlank()) {
      throw new IllegalArgumentException("namespace must not be blank");
    }
    if (root != null) {
      return root.withNamespace(namespace);
    }
    if (namespace.equals(namespace())) {
      return this;
    }
    return views.computeIfAbsent(
        namespace, ns -> new InMemoryBackend(options.withNamespace(ns), this));
  }

  /**
   * Runs {@code body} atomically with the current time, after expiring what is due, then delivers
   * the signals it queued. A null result completes empty.
   */
  private <T> Mono<T> atomically(Function<Instant, T> body) {
    return Mono.fromCallable(
        () -> {
          try {
            synchronized (lock) {
              Instant now = tick();
              return body.apply(now);
            }
          } finally {
            signals.drain();
          }
        });
  }

  /** Under the lock: fails if closed, expires what is due, and returns now. */
  private Instant tick() {
    if (closed) {
      throw new BackendUnavailableException("the in-memory backend is closed");
    }
    Instant now = clock.instant();
    expiries.runDue(now);
    return now;
  }

  // ---------------------------------------------------------------- messages

  @Override
  public Mono<Boolean> enqueue(EnqueueRequest request) {
    Objects.requireNonNull(request, "request");
    return atomically(now -> store.enqueue(request, now));
  }

  @Override
  public Mono<StoredMessage> find(MessageRef ref) {
    Objects.requireNonNull(ref, "ref");
    return atomically(now -> store.find(ref));
  }

  @Override
  public Mono<Boolean> update(Message message) {
    Objects.requireNonNull(message, "message");
    return atomically(now -> store.update(message, now));
  }

  @Override
  public Mono<Boolean> remove(MessageRef ref) {
    Objects.requireNonNull(ref, "ref");
    return atomically(now -> store.remove(ref));
  }

  @Override
  public Mono<StoredMessage> findDeadLetter(MessageRef ref) {
    Objects.requireNonNull(ref, "ref");
    return atomically(now -> store.findDeadLetter(ref));
  }

  @Override
  public Mono<Boolean> deadLetter(Message message, Retention retention) {
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(retention, "retention");
    return atomically(now -> store.deadLetter(message, retention, now));
  }

  @Override
  public Mono<Long> deleteDeadLetters(String queue, List<String> ids) {
    Objects.requireNonNull(queue, "queue");
    List<String> copy = List.copyOf(ids);
    return atomically(now -> store.deleteDeadLetters(queue, copy));
  }

  // ---------------------------------------------------------------- work

  @Override
  public Mono<List<Delivery>> claim(ClaimRequest request) {
    Objects.requireNonNull(request, "request");
    return atomically(now -> store.claim(request, now));
  }

  @Override
  public Mono<Void> awaitWork(List<String> queues, Duration max) {
    List<String> names = List.copyOf(Objects.requireNonNull(queues, "queues"));
    Objects.requireNonNull(max, "max");
    if (max.isNegative()) {
      throw new IllegalArgumentException("max must be >= 0, got " + max);
    }
    return Mono.defer(
        () -> {
          Sinks.Empty<Void> sink = Sinks.empty();
          Instant deadline;
          try {
            synchronized (lock) {
              Instant now = tick();
              if (max.isZero() || store.hasClaimable(names, now)) {
                return Mono.empty();
              }
              deadline = now.plus(max);
              Instant due = store.nextDue(names, now);
              if (due != null && due.isBefore(deadline)) {
                deadline = due;
              }
              names.forEach(q -> Watchers.add(watchers.work, q, sink));
            }
          } finally {
            signals.drain();
          }
          return Mono.firstWithSignal(sink.asMono(), Timers.at(clock, deadline).then())
              .doFinally(
                  s ->
                      unregister(
                          () -> names.forEach(q -> Watchers.remove(watchers.work, q, sink))));
        });
  }

  @Override
  public Mono<Integer> promoteDue(List<String> queues) {
    List<String> names = List.copyOf(Objects.requireNonNull(queues, "queues"));
    return atomically(now -> store.promote(names, now));
  }

  @Override
  public Mono<Lease> extendLease(Lease lease, Duration extension) {
    Objects.requireNonNull(lease, "lease");
    Checks.positive(extension, "extension");
    return atomically(now -> store.extend(lease, extension, now));
  }

  @Override
  public Mono<List<SettleResult>> complete(List<CompleteRequest> requests) {
    List<CompleteRequest> all = List.copyOf(Objects.requireNonNull(requests, "requests"));
    return atomically(
        now -> {
          List<SettleResult> out = new ArrayList<>(all.size());
          for (CompleteRequest r : all) {
            out.add(store.complete(r, now));
          }
          return out;
        });
  }

  @Override
  public Mono<SettleResult> retry(RetryRequest request) {
    Objects.requireNonNull(request, "request");
    return atomically(now -> store.retry(request, now));
  }

  @Override
  public Mono<SettleResult> fail(FailRequest request) {
    Objects.requireNonNull(request, "request");
    return atomically(now -> store.fail(request, now));
  }

  @Override
  public Mono<ReapResult> requeueExpired(ReapRequest request) {
    Objects.requireNonNull(request, "request");
    return atomically(now -> store.reap(request, now));
  }

  @Override
  public Mono<RevokeResult> revoke(RevokeRequest request) {
    Objects.requireNonNull(request, "request");
    return atomically(now -> store.revoke(request, now));
  }

  @Override
  public Mono<Boolean> isRevoked(MessageRef ref) {
    Objects.requireNonNull(ref, "ref");
    return atomically(now -> records.isRevoked(ref));
  }

  @Override
  public Mono<Void> awaitRevocation(MessageRef ref) {
    Objects.requireNonNull(ref, "ref");
    return Mono.defer(
        () -> {
          Sinks.Empty<Void> sink = Sinks.empty();
          try {
            synchronized (lock) {
              tick();
              if (records.isRevoked(ref)) {
                return Mono.empty();
              }
              Watchers.add(watchers.revocations, ref, sink);
            }
          } finally {
            signals.drain();
          }
          return sink.asMono()
              .doFinally(s -> unregister(() -> Watchers.remove(watchers.revocations, ref, sink)));
        });
  }

  // ---------------------------------------------------------------- statuses

  @Override
  public Mono<Void> setStatus(MessageRef ref, StatusUpdate update, Duration ttl) {
    Objects.requireNonNull(ref, "ref");
    Objects.requireNonNull(update, "update");
    Checks.positive(ttl, "ttl");
    return atomically(
            now -> {
              records.setStatus(ref, update, ttl, now);
              return Boolean.TRUE;
            })
        .then();
  }

  @Override
  public Mono<StatusUpdate> getStatus(MessageRef ref) {
    Objects.requireNonNull(ref, "ref");
    return atomically(now -> records.status(ref));
  }

  @Override
  public Mono<Boolean> deleteStatus(MessageRef ref) {
    Objects.requireNonNull(ref, "ref");
    return atomically(now -> records.deleteStatus(ref));
  }

  @Override
  public Flux<StatusUpdate> watchStatus(MessageRef ref) {
    Objects.requireNonNull(ref, "ref");
    return Flux.defer(
        () -> {
          Sinks.Many<StatusUpdate> sink = Sinks.many().unicast().onBackpressureBuffer();
          try {
            synchronized (lock) {
              tick();
              StatusUpdate current = records.status(ref);
              if (current != null) {
                // Nobody can emit to this sink yet: it is registered below, under the same lock.
                sink.tryEmitNext(current);
              }
              Watchers.add(watchers.statuses, ref, sink);
            }
          } finally {
            signals.drain();
          }
          return sink.asFlux()
              .doFinally(s -> unregister(() -> Watchers.remove(watchers.statuses, ref, sink)));
        });
  }

  @Override
  public Mono<Long> markOrphanedStatuses(String queue, Retention retention) {
    Objects.requireNonNull(queue, "queue");
    Objects.requireNonNull(retention, "retention");
    return atomically(now -> store.markOrphans(queue, retention, now));
  }

  // ---------------------------------------------------------------- results

  @Override
  public Mono<Boolean> setResult(MessageRef ref, JsonNode value, Duration ttl, boolean ifAbsent) {
    Objects.requireNonNull(ref, "ref");
    Objects.requireNonNull(value, "value");
    Checks.positive(ttl, "ttl");
    return atomically(now -> records.setResult(ref, value, ttl, ifAbsent, now));
  }

  @Override
  public Mono<StoredResult> getResult(MessageRef ref) {
    Objects.requireNonNull(ref, "ref");
    return atomically(now -> records.result(ref));
  }

  @Override
  public Mono<Boolean> deleteResult(MessageRef ref) {
    Objects.requireNonNull(ref, "ref");
    return atomically(now -> records.deleteResult(ref));
  }

  @Override
  public Mono<StoredResult> awaitResult(MessageRef ref) {
    Objects.requireNonNull(ref, "ref");
    return Mono.defer(
        () -> {
          Sinks.One<StoredResult> sink = Sinks.one();
          try {
            synchronized (lock) {
              tick();
              StoredResult current = records.result(ref);
              if (current != null) {
                return Mono.just(current);
              }
              Watchers.add(watchers.results, ref, sink);
            }
          } finally {
            signals.drain();
          }
          return sink.asMono()
              .doFinally(s -> unregister(() -> Watchers.remove(watchers.results, ref, sink)));
        });
  }

  // ---------------------------------------------------------------- locks and counters

  @Override
  public Mono<LockResult> acquireLock(String name, String owner, Duration ttl) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(owner, "owner");
    Checks.positive(ttl, "ttl");
    return atomically(now -> records.acquire(name, owner, ttl, now));
  }

  @Override
  public Mono<Boolean> releaseLock(String name, String owner) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(owner, "owner");
    return atomically(now -> records.release(name, owner));
  }

  @Override
  public Mono<String> lockHolder(String name) {
    Objects.requireNonNull(name, "name");
    return atomically(now -> records.holder(name));
  }

  @Override
  public Mono<Void> awaitLockFree(String name) {
    Objects.requireNonNull(name, "name");
    return Mono.defer(
        () -> {
          Sinks.Empty<Void> sink = Sinks.empty();
          Instant expiry;
          try {
            synchronized (lock) {
              tick();
              expiry = records.lockExpiry(name);
              if (expiry == null) {
                return Mono.empty();
              }
              Watchers.add(watchers.locks, name, sink);
            }
          } finally {
            signals.drain();
          }
          return Mono.firstWithSignal(sink.asMono(), Timers.at(clock, expiry).then())
              .doFinally(s -> unregister(() -> Watchers.remove(watchers.locks, name, sink)));
        });
  }

  @Override
  public Mono<Long> increment(String counter) {
    Objects.requireNonNull(counter, "counter");
    return atomically(now -> records.increment(counter));
  }

  // ---------------------------------------------------------------- listing

  @Override
  public Flux<String> queues() {
    return atomically(now -> store.queueNames()).flatMapIterable(names -> names);
  }

  @Override
  public Mono<QueueStats> stats(String queue) {
    Objects.requireNonNull(queue, "queue");
    return atomically(now -> store.stats(queue));
  }

  @Override
  public Flux<StoredMessage> list(String queue, MessageState state, int offset, int limit) {
    Objects.requireNonNull(queue, "queue");
    Objects.requireNonNull(state, "state");
    if (offset < 0 || limit < 1) {
      throw new IllegalArgumentException(
          "offset must be >= 0 and limit >= 1, got " + offset + " and " + limit);
    }
    return atomically(now -> store.list(queue, state, offset, limit)).flatMapIterable(page -> page);
  }

  // ---------------------------------------------------------------- lifecycle

  /** {@inheritDoc} A root backend closes the views made from it too. */
  @Override
  public Mono<Void> closeAsync() {
    Mono<Void> views =
        this.views == null
            ? Mono.empty()
            : Flux.defer(() -> Flux.fromIterable(List.copyOf(this.views.values())))
                .concatMap(InMemoryBackend::closeAsync)
                .then();
    return closeThis().then(views);
  }

  private Mono<Void> closeThis() {
    return Mono.fromRunnable(
        () -> {
          try {
            synchronized (lock) {
              if (!closed) {
                closed = true;
                watchers.closeAll(
                    new BackendUnavailableException("the in-memory backend is closed"));
              }
            }
          } finally {
            signals.drain();
          }
        });
  }

  private void unregister(Runnable removal) {
    synchronized (lock) {
      removal.run();
    }
  }

  /**
   * Checks the internal state (for tests; safe to call at any time, it takes the lock): every live
   * message sits in exactly one of ready, delayed and leased, matching its state; no message is
   * both ready and leased; no lease is without an owner; no result is stored for a message still
   * pending; counts agree.
   *
   * @throws IllegalStateException listing every violation
   */
  public void checkInvariants() {
    List<String> problems = new ArrayList<>();
    synchronized (lock) {
      store.checkInvariants(problems);
    }
    if (!problems.isEmpty()) {
      throw new IllegalStateException("in-memory backend invariants broken: " + problems);
    }
  }

  /** The store, for tests in this package that corrupt it on purpose. */
  MemoryStore store() {
    return store;
  }

  /** The records, for tests in this package. */
  Records records() {
    return records;
  }

  /** How many waiters are registered right now (for leak checks in tests). */
  public int waiterCount() {
    synchronized (lock) {
      return watchers.size();
    }
  }
}
