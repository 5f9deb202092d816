package io.taskflux.redis;

import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.SlotHash;
import io.taskflux.internal.BackendErrors;
import io.taskflux.spi.StoredResult;
import io.taskflux.spi.TaskOutcome;
import io.taskflux.task.MessageRef;
import io.taskflux.task.StatusUpdate;
import io.taskflux.task.TaskStatus;
import io.taskflux.time.Timers;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.util.retry.Retry;

/**
 * The waiting operations of {@link RedisBackend}, none of which polls.
 *
 * <ul>
 *   <li>{@code awaitWork}: a probe script per queue (anything ready? when is the next delayed
 *       message due, the next lease over? tokens already waiting?), then a {@code BLPOP} on the
 *       queues' wake lists on a dedicated connection, raced against a timer on the backend's clock
 *       for the earliest due time. A popped token means "something was placed": when the probe saw
 *       no token waiting, the token is new and the caller is woken at once (one round trip, no
 *       second probe); otherwise it may be stale and the probe runs again (stale tokens are
 *       absorbed here). It signals on the thread that saw the wake (a Lettuce I/O thread or the
 *       clock's timer), not on the signal scheduler.
 *   <li>{@code awaitResult}, {@code watchStatus}, {@code awaitRevocation}, {@code awaitLockFree}:
 *       register with {@link Notifications} first, read the current value once the subscription is
 *       confirmed, then wait for the published write; after a pub/sub reconnect the value is read
 *       again, so a write published while the connection was down still wakes the waiter.
 * </ul>
 *
 * The other waits signal on the backend's signal scheduler (never on a Lettuce I/O thread), and
 * every wait ends with {@code BackendUnavailableException} when the backend is closed. Only a
 * transient error ({@link BackendErrors#isTransient}) is waited out; a permanent one ({@code
 * BackendRejectedException}: {@code NOPERM} on the channel or the read, a refused password or
 * certificate) ends the wait at once with that error.
 */
final class RedisWaits {

  private final RedisBackend backend;
  private final Clock clock;
  private final Keys keys;
  private final Stored stored;
  private final RedisConnections connections;
  private final Scripts scripts;
  private final Notifications notifications;
  private final Scheduler signals;
  private final CloseSignal closing;
  private final StatusWatchers watchers;

  RedisWaits(
      RedisBackend backend,
      Keys keys,
      Stored stored,
      RedisConnections connections,
      Scripts scripts,
      Notifications notifications,
      Scheduler signals,
      CloseSignal closing) {
    this.backend = backend;
    this.clock = backend.clock();
    this.keys = keys;
    this.stored = stored;
    this.connections = connections;
    this.scripts = scripts;
    this.notifications = notifications;
    this.signals = signals;
    this.closing = closing;
    this.watchers = new StatusWatchers(keys, connections);
  }

  /** Stops the status-watch marker refreshes (the backend is closing). */
  void close() {
    watchers.close();
  }

  private <T> Mono<T> finish(Mono<T> wait) {
    return orClosed(wait).publishOn(signals);
  }

  private <T> Mono<T> orClosed(Mono<T> wait) {
    return Mono.firstWithSignal(
        wait, closing.asMono().then(Mono.<T>error(RedisBackend::closedError)));
  }

  /**
   * Runs {@code emit} on the signal scheduler: one hop, where {@code publishOn} would take a worker
   * of the scheduler per wait (and a second hop for a value already decoded there).
   */
  private void onSignals(Runnable emit) {
    try {
      signals.schedule(emit);
    } catch (RuntimeException rejected) {
      emit.run(); // the scheduler was shut down: better on this thread than never
    }
  }

  // ---------------------------------------------------------------- work

  Mono<Void> awaitWork(List<String> queues, Duration max) {
    // No hop to the signal scheduler: the callers are the engine's claim loops, which only send
    // the next claim (asynchronous) from here, and a hop costs a context switch on the wake path.
    return orClosed(
        Mono.defer(
            () -> {
              if (max.isZero()) {
                return Mono.empty();
              }
              long endAt = clock.millis() + Stored.ms(max);
              return Mono.defer(() -> round(queues, endAt))
                  .repeat()
                  .takeUntil(Boolean::booleanValue)
                  .then();
            }));
  }

  /** One probe-then-block round: true when the caller should wake, false to probe again. */
  private Mono<Boolean> round(List<String> queues, long endAt) {
    long now = clock.millis();
    if (now >= endAt) {
      return Mono.just(true);
    }
    return Flux.fromIterable(queues)
        .flatMapSequential(
            q ->
                scripts.list(
                    LuaScript.AWAIT_WORK,
                    keys.queueKeys(q),
                    new Scripts.Args().add(keys.queuePrefix(q))))
        .collectList()
        .flatMap(
            probes -> {
              long deadline = endAt;
              boolean noTokens = true;
              for (List<Object> p : probes) {
                if (Stored.number(p.get(0)) > 0) {
                  return Mono.just(true);
                }
                noTokens &= Stored.number(p.get(3)) == 0;
                for (int i = 1; i <= 2; i++) {
                  if (p.get(i) != null) {
                    long due = (long) Double.parseDouble(Stored.string(p.get(i)));
                    if (due <= now) {
                      return Mono.just(true);
                    }
                    deadline = Math.min(deadline, due);
                  }
                }
              }
              // With no token waiting at the probe, a popped token was pushed after it: something
              // was placed since, so wake the caller at once (at worst spuriously: a delayed
              // placement, or a message another worker got first). Tokens that were already
              // waiting may be stale (left by a delayed placement, say): probe again instead.
              boolean fresh = noTokens;
              Mono<Boolean> token =
                  wakeTokens(queues, Duration.ofMillis(deadline - now))
                      .map(popped -> popped && fresh);
              Mono<Boolean> timer =
                  Timers.at(clock, Instant.ofEpochMilli(deadline)).thenReturn(true);
              return Mono.firstWithSignal(token, timer);
            });
  }

  /** Emits true when a wake token was popped, false when the pop ended by itself. */
  private Mono<Boolean> wakeTokens(List<String> queues, Duration timeout) {
    // One BLPOP per slot: a cluster rejects multi-key commands across slots.
    Map<Integer, List<String>> bySlot = new LinkedHashMap<>();
    for (String q : queues) {
      String key = keys.wake(q);
      int slot = connections.isCluster() ? SlotHash.getSlot(key) : 0;
      bySlot.computeIfAbsent(slot, s -> new ArrayList<>()).add(key);
    }
    List<Mono<Boolean>> pops = new ArrayList<>();
    for (List<String> group : bySlot.values()) {
      Mono<RedisURI> node = connections.nodeFor(group.get(0));
      pops.add(node.flatMap(n -> connections.blocking().pop(n, group, timeout)));
    }
    return pops.size() == 1 ? pops.get(0) : Mono.firstWithSignal(pops);
  }

  // ---------------------------------------------------------------- results and statuses

  Mono<StoredResult> awaitResult(MessageRef ref) {
    return awaitOnResultChannel(
        ref,
        value -> isFailureRecord(value) ? null : stored.decodeResult(ref, value, Long.MIN_VALUE),
        () -> backend.getResult(ref));
  }

  /**
   * Waits for what {@code read} finds, or for the first message on the queue's result channel about
   * {@code ref} that {@code decode} turns into a value (null: not one, keep waiting). Every way the
   * wait can end (the value read once subscribed, the published write, a recheck after a reconnect,
   * a failure, the backend closing) completes one sink on the signal scheduler; the first wins. An
   * outage starts the attempt again (see {@link #whileUnavailable()}).
   */
  private <T> Mono<T> awaitOnResultChannel(
      MessageRef ref, Function<byte[], T> decode, Supplier<Mono<T>> read) {
    Mono<T> attempt =
        Mono.defer(
            () -> {
              Sinks.One<T> sink = Sinks.one();
              Notifications.Registration reg =
                  notifications.listen(
                      keys.resultChannel(ref.queue()),
                      true,
                      ref.id(),
                      // Decoded on the signal scheduler, not on Lettuce's I/O thread: Jackson may
                      // take a lock on first use, and the I/O thread serves every other listener.
                      value ->
                          onSignals(
                              () -> {
                                T decoded = quietly(decode, value);
                                if (decoded != null) {
                                  sink.tryEmitValue(decoded);
                                }
                              }),
                      () ->
                          read.get()
                              .retryWhen(recheckRetry())
                              .subscribe(v -> emit(sink, v), e -> {}));
              Disposable closed = closing.onClose(() -> fail(sink, RedisBackend.closedError()));
              Disposable first =
                  reg.ready().then(read.get()).subscribe(v -> emit(sink, v), e -> fail(sink, e));
              return sink.asMono()
                  .doFinally(
                      s -> {
                        first.dispose();
                        closed.dispose();
                        reg.dispose();
                      });
            });
    return attempt.retryWhen(whileUnavailable());
  }

  /**
   * A wait outlives an outage of Redis (a restart, a pause past the command timeout): when its
   * subscription or its read fails with a transient error ({@code BackendUnavailableException}) it
   * starts again (listens, then reads), which is safe since it only reads, until it gets its value,
   * is cancelled or the backend is closed. A permanent error ({@code BackendRejectedException}) is
   * not retried: waiting would only hide it behind the caller's timeout. Without this, {@code
   * engine.results(handles)} reported a task that succeeded as failed with "Command timed out"
   * whenever Redis was paused while it waited.
   */
  private Retry whileUnavailable() {
    return Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(50))
        .maxBackoff(Duration.ofSeconds(1))
        .filter(e -> BackendErrors.isTransient(e) && !backend.isClosed());
  }

  /**
   * The read after a pub/sub reconnect (a write may have been published while the connection was
   * down) is tried again for about half a minute: Redis answers {@code LOADING} for a while after a
   * restart, and a read lost there left its waiter waiting for ever.
   */
  private Retry recheckRetry() {
    return Retry.backoff(30, Duration.ofMillis(50))
        .maxBackoff(Duration.ofSeconds(1))
        .filter(e -> BackendErrors.isTransient(e) && !backend.isClosed());
  }

  private <T> void emit(Sinks.One<T> sink, T value) {
    onSignals(() -> sink.tryEmitValue(value));
  }

  private void fail(Sinks.One<?> sink, Throwable error) {
    onSignals(() -> sink.tryEmitError(error));
  }

  Flux<StatusUpdate> watchStatus(MessageRef ref) {
    return Flux.defer(
        () -> {
          // Shared by the attempts (see whileUnavailable): a status emitted before an outage is
          // not emitted again after it.
          long[] last = {Long.MIN_VALUE};
          Flux<StatusUpdate> attempt =
              Flux.defer(
                  () -> {
                    Sinks.Many<StatusUpdate> out = Sinks.many().unicast().onBackpressureBuffer();
                    StatusOrder order = new StatusOrder(out, last);
                    Notifications.Registration reg =
                        notifications.listen(
                            keys.statusChannel(ref.queue()),
                            true,
                            ref.id(),
                            value -> {
                              Stored.Status s =
                                  quietly(
                                      v -> Stored.decodeStatus(ref.id(), v, Long.MIN_VALUE), value);
                              if (s != null) {
                                order.event(s);
                              }
                            },
                            () ->
                                watchers
                                    .mark(ref.queue())
                                    .then(backend.readStatus(ref))
                                    .retryWhen(recheckRetry())
                                    .subscribe(order::event, e -> {}));
                    Mono<Void> start =
                        reg.ready()
                            .then(watchers.mark(ref.queue()))
                            .then(backend.readStatus(ref))
                            .map(java.util.Optional::of)
                            .defaultIfEmpty(java.util.Optional.empty())
                            .doOnNext(current -> order.current(current.orElse(null)))
                            .then();
                    Disposable closed =
                        closing.onClose(() -> order.error(RedisBackend.closedError()));
                    Disposable started = start.subscribe(v -> {}, order::error);
                    return out.asFlux()
                        .doFinally(
                            s -> {
                              started.dispose();
                              closed.dispose();
                              reg.dispose();
                            });
                  });
          Disposable watching = watchers.watch(ref.queue());
          return attempt
              .retryWhen(whileUnavailable())
              .publishOn(signals)
              .doFinally(s -> watching.dispose());
        });
  }

  /**
   * One wait for how a task ended: scripts publish both results and {@code FAILED} statuses on the
   * queue's result channel (a failure record starts with {@code !}), so a single listener and a
   * single read (result and status keys in one {@code MGET}) serve it.
   */
  Mono<TaskOutcome> awaitOutcome(MessageRef ref) {
    return awaitOnResultChannel(
        ref, value -> outcomeOf(ref, value), () -> backend.readOutcome(ref));
  }

  private TaskOutcome outcomeOf(MessageRef ref, byte[] value) {
    if (isFailureRecord(value)) {
      Stored.Status s =
          Stored.decodeStatus(ref.id(), Arrays.copyOfRange(value, 1, value.length), Long.MIN_VALUE);
      return s == null || s.update().status() != TaskStatus.FAILED
          ? null
          : TaskOutcome.failed(s.update());
    }
    StoredResult r = stored.decodeResult(ref, value, Long.MIN_VALUE);
    return r == null ? null : TaskOutcome.succeeded(r);
  }

  private static boolean isFailureRecord(byte[] value) {
    return value.length > 0 && value[0] == '!';
  }

  /**
   * Puts a watched status's events in write order: events that arrive before the current value was
   * read are held, then only versions newer than the last emitted one pass.
   */
  private static final class StatusOrder {
    private final Sinks.Many<StatusUpdate> out;
    private final List<Stored.Status> held = new ArrayList<>();
    private boolean started;
    private final long[] last; // the version emitted last, shared by a watch's attempts

    StatusOrder(Sinks.Many<StatusUpdate> out, long[] last) {
      this.out = out;
      this.last = last;
    }

    synchronized void event(Stored.Status s) {
      if (!started) {
        held.add(s);
      } else {
        emit(s);
      }
    }

    synchronized void error(Throwable e) {
      out.tryEmitError(e);
    }

    synchronized void current(Stored.Status s) {
      if (s != null) {
        emit(s);
      }
      held.sort((a, b) -> Long.compare(a.version(), b.version()));
      held.forEach(this::emit);
      held.clear();
      started = true;
    }

    private void emit(Stored.Status s) {
      if (s.version() > last[0]) {
        last[0] = s.version();
        out.tryEmitNext(s.update());
      }
    }
  }

  // ---------------------------------------------------------------- revocations and locks

  Mono<Void> awaitRevocation(MessageRef ref) {
    return Mono.defer(
        () -> {
          // As awaitResult: one sink, completed on the signal scheduler by whichever comes first.
          Sinks.One<Boolean> sink = Sinks.one();
          Notifications.Registration reg =
              notifications.listen(
                  keys.revocationChannel(ref.queue()),
                  true,
                  ref.id(),
                  v -> emit(sink, true),
                  () ->
                      backend
                          .isRevoked(ref)
                          .subscribe(
                              revoked -> {
                                if (revoked) {
                                  emit(sink, true);
                                }
                              },
                              e -> {}));
          Disposable closed = closing.onClose(() -> fail(sink, RedisBackend.closedError()));
          Disposable first =
              reg.ready()
                  .then(backend.isRevoked(ref))
                  .subscribe(
                      revoked -> {
                        if (revoked) {
                          emit(sink, true);
                        }
                      },
                      e -> fail(sink, e));
          return sink.asMono()
              .doFinally(
                  s -> {
                    first.dispose();
                    closed.dispose();
                    reg.dispose();
                  })
              .then();
        });
  }

  Mono<Void> awaitLockFree(String name) {
    return Mono.defer(
        () -> {
          Sinks.Empty<Void> sink = Sinks.empty();
          Notifications.Registration reg =
              notifications.listen(
                  keys.lockChannel(name),
                  false,
                  name,
                  v -> sink.tryEmitEmpty(),
                  () ->
                      backend
                          .get(keys.lock(name))
                          .map(java.util.Optional::of)
                          .defaultIfEmpty(java.util.Optional.empty())
                          .subscribe(
                              v -> {
                                if (Stored.lockHolder(v.orElse(null), clock.millis()) == null) {
                                  sink.tryEmitEmpty();
                                }
                              },
                              e -> {}));
          Mono<Void> wait =
              reg.ready()
                  .then(backend.get(keys.lock(name)))
                  .map(java.util.Optional::of)
                  .defaultIfEmpty(java.util.Optional.empty())
                  .flatMap(
                      v -> {
                        byte[] value = v.orElse(null);
                        if (Stored.lockHolder(value, clock.millis()) == null) {
                          return Mono.<Void>empty();
                        }
                        Instant expiry = Instant.ofEpochMilli(Stored.lockExpiry(value));
                        return Mono.firstWithSignal(sink.asMono(), Timers.at(clock, expiry).then());
                      });
          return finish(wait).doFinally(s -> reg.dispose());
        });
  }

  private static <T> T quietly(Function<byte[], T> decode, byte[] value) {
    try {
      return decode.apply(value);
    } catch (RuntimeException e) {
      return null; // a malformed event wakes nobody; the stored value is read again on demand
    }
  }
}
