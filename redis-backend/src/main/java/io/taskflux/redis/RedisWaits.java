package io.taskflux.redis;

import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.SlotHash;
import io.taskflux.spi.StoredResult;
import io.taskflux.task.MessageRef;
import io.taskflux.task.StatusUpdate;
import io.taskflux.time.Timers;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;

/**
 * The waiting operations of {@link RedisBackend}, none of which polls.
 *
 * <ul>
 *   <li>{@code awaitWork}: a probe script per queue (anything ready? when is the next delayed
 *       message due, the next lease over?), then a {@code BLPOP} on the queues' wake lists on a
 *       dedicated connection, raced against a timer on the backend's clock for the earliest due
 *       time. A popped token means "something was placed": the probe runs again and the caller is
 *       woken only if work is claimable (stale tokens are absorbed here).
 *   <li>{@code awaitResult}, {@code watchStatus}, {@code awaitRevocation}, {@code awaitLockFree}:
 *       register with {@link Notifications} first, read the current value once the subscription is
 *       confirmed, then wait for the published write; after a pub/sub reconnect the value is read
 *       again, so a write published while the connection was down still wakes the waiter.
 * </ul>
 *
 * Signals are delivered on the backend's signal scheduler (never on a Lettuce I/O thread), and
 * every wait ends with {@code BackendUnavailableException} when the backend is closed.
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
  private final Mono<Void> closing;

  RedisWaits(
      RedisBackend backend,
      Keys keys,
      Stored stored,
      RedisConnections connections,
      Scripts scripts,
      Notifications notifications,
      Scheduler signals,
      Mono<Void> closing) {
    this.backend = backend;
    this.clock = backend.clock();
    this.keys = keys;
    this.stored = stored;
    this.connections = connections;
    this.scripts = scripts;
    this.notifications = notifications;
    this.signals = signals;
    this.closing = closing;
  }

  private <T> Mono<T> finish(Mono<T> wait) {
    return Mono.firstWithSignal(wait, closing.then(Mono.<T>error(RedisBackend::closedError)))
        .publishOn(signals);
  }

  // ---------------------------------------------------------------- work

  Mono<Void> awaitWork(List<String> queues, Duration max) {
    return finish(
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
              for (List<Object> p : probes) {
                if (Stored.number(p.get(0)) > 0) {
                  return Mono.just(true);
                }
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
              Mono<Boolean> token = wakeTokens(queues, Duration.ofMillis(deadline - now));
              Mono<Boolean> timer =
                  Timers.at(clock, Instant.ofEpochMilli(deadline)).thenReturn(true);
              return Mono.firstWithSignal(token, timer);
            });
  }

  /** Emits false when a wake token was popped (or the pop ended by itself). */
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
      pops.add(node.flatMap(n -> connections.blocking().pop(n, group, timeout)).thenReturn(false));
    }
    return pops.size() == 1 ? pops.get(0) : Mono.firstWithSignal(pops);
  }

  // ---------------------------------------------------------------- results and statuses

  Mono<StoredResult> awaitResult(MessageRef ref) {
    return Mono.defer(
        () -> {
          Sinks.One<StoredResult> sink = Sinks.one();
          Notifications.Registration reg =
              notifications.listen(
                  keys.resultChannel(ref.queue()),
                  true,
                  ref.id(),
                  // Decoded on the signal scheduler, not on Lettuce's I/O thread: Jackson may
                  // take a lock on first use, and the I/O thread serves every other listener.
                  value ->
                      signals.schedule(
                          () -> {
                            StoredResult r =
                                quietly(v -> stored.decodeResult(ref, v, Long.MIN_VALUE), value);
                            if (r != null) {
                              sink.tryEmitValue(r);
                            }
                          }),
                  () -> backend.getResult(ref).subscribe(sink::tryEmitValue, e -> {}));
          Mono<StoredResult> wait =
              reg.ready().then(backend.getResult(ref)).switchIfEmpty(sink.asMono());
          return finish(wait).doFinally(s -> reg.dispose());
        });
  }

  Flux<StatusUpdate> watchStatus(MessageRef ref) {
    return Flux.defer(
        () -> {
          Sinks.Many<StatusUpdate> out = Sinks.many().unicast().onBackpressureBuffer();
          StatusOrder order = new StatusOrder(out);
          Notifications.Registration reg =
              notifications.listen(
                  keys.statusChannel(ref.queue()),
                  true,
                  ref.id(),
                  value -> {
                    Stored.Status s =
                        quietly(v -> Stored.decodeStatus(ref.id(), v, Long.MIN_VALUE), value);
                    if (s != null) {
                      order.event(s);
                    }
                  },
                  () -> backend.readStatus(ref).subscribe(order::event, e -> {}));
          Mono<Void> start =
              reg.ready()
                  .then(backend.readStatus(ref))
                  .map(java.util.Optional::of)
                  .defaultIfEmpty(java.util.Optional.empty())
                  .doOnNext(current -> order.current(current.orElse(null)))
                  .then();
          Mono<StatusUpdate> closed = closing.then(Mono.error(RedisBackend::closedError));
          return Flux.merge(start.then(Mono.<StatusUpdate>empty()), out.asFlux(), closed)
              .publishOn(signals)
              .doFinally(s -> reg.dispose());
        });
  }

  /**
   * Puts a watched status's events in write order: events that arrive before the current value was
   * read are held, then only versions newer than the last emitted one pass.
   */
  private static final class StatusOrder {
    private final Sinks.Many<StatusUpdate> out;
    private final List<Stored.Status> held = new ArrayList<>();
    private boolean started;
    private long last = Long.MIN_VALUE;

    StatusOrder(Sinks.Many<StatusUpdate> out) {
      this.out = out;
    }

    synchronized void event(Stored.Status s) {
      if (!started) {
        held.add(s);
      } else {
        emit(s);
      }
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
      if (s.version() > last) {
        last = s.version();
        out.tryEmitNext(s.update());
      }
    }
  }

  // ---------------------------------------------------------------- revocations and locks

  Mono<Void> awaitRevocation(MessageRef ref) {
    return Mono.defer(
        () -> {
          Sinks.Empty<Void> sink = Sinks.empty();
          Notifications.Registration reg =
              notifications.listen(
                  keys.revocationChannel(ref.queue()),
                  true,
                  ref.id(),
                  v -> sink.tryEmitEmpty(),
                  () ->
                      backend
                          .isRevoked(ref)
                          .subscribe(
                              revoked -> {
                                if (revoked) {
                                  sink.tryEmitEmpty();
                                }
                              },
                              e -> {}));
          Mono<Void> wait =
              reg.ready()
                  .then(backend.isRevoked(ref))
                  .flatMap(revoked -> revoked ? Mono.<Void>empty() : sink.asMono());
          return finish(wait).doFinally(s -> reg.dispose());
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
