package io.taskflux.result;

import io.taskflux.NotFoundException;
import io.taskflux.internal.Waits;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * The in-JVM {@link AsyncResultPool}.
 *
 * <p><b>State</b> (guarded by {@code lock}): slots in insertion order (the eviction order), each an
 * empty placeholder or a value, with the time it was prepared or set (its age) and, while readers
 * wait, a one-value sink. Expiry is judged on access against {@code maxExpire}. Adding a key to a
 * full pool first drops the expired slots, then, if still full, the oldest (DESIGN decision 5);
 * {@code set} never adds a key, so it never evicts. Sinks are signalled after the lock is released,
 * so reader code never runs under it; a value is only ever emitted by the one {@code set} that
 * stored it.
 */
final class LocalAsyncResultPool implements AsyncResultPool {

  /** One key's slot. */
  private static final class Slot {
    byte[] value;
    Instant since;
    Sinks.One<byte[]> waiters;

    Slot(Instant since) {
      this.since = since;
    }
  }

  private final Object lock = new Object();
  private final Map<Long, Slot> slots = new LinkedHashMap<>();
  private final int maxLen;
  private final Duration maxExpire;
  private final Clock clock;
  private long lastKey;

  LocalAsyncResultPool(int maxLen, Duration maxExpire, Clock clock) {
    if (maxLen < 1) {
      throw new IllegalArgumentException("maxLen must be >= 1, got " + maxLen);
    }
    this.maxLen = maxLen;
    this.maxExpire = Waits.timeout(maxExpire, "maxExpire");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  private boolean expired(Slot slot, Instant now) {
    return !now.isBefore(slot.since.plus(maxExpire));
  }

  /** Under the lock: the live slot of {@code key}, dropping it if expired. */
  private Slot live(long key, Instant now) {
    Slot slot = slots.get(key);
    if (slot != null && expired(slot, now)) {
      slots.remove(key);
      return null;
    }
    return slot;
  }

  @Override
  public Mono<Long> prepare() {
    return Mono.fromCallable(
        () -> {
          synchronized (lock) {
            Instant now = clock.instant();
            if (slots.size() >= maxLen) {
              slots.values().removeIf(s -> expired(s, now));
            }
            if (slots.size() >= maxLen) {
              Iterator<Slot> oldest = slots.values().iterator();
              oldest.next();
              oldest.remove();
            }
            long key = ++lastKey;
            slots.put(key, new Slot(now));
            return key;
          }
        });
  }

  @Override
  public Mono<Void> set(long key, byte[] value) {
    byte[] copy = Objects.requireNonNull(value, "value").clone();
    return Mono.defer(
        () -> {
          Sinks.One<byte[]> waiters;
          synchronized (lock) {
            Instant now = clock.instant();
            Slot slot = live(key, now);
            if (slot == null) {
              return Mono.error(
                  new NotFoundException(
                      "Async result slot " + key + " was never prepared, was evicted or expired"));
            }
            if (slot.value != null) {
              return Mono.error(new ResultAlreadyExistsException(Long.toString(key)));
            }
            slot.value = copy;
            slot.since = now;
            waiters = slot.waiters;
            slot.waiters = null;
          }
          if (waiters != null) {
            waiters.tryEmitValue(copy);
          }
          return Mono.empty();
        });
  }

  @Override
  public Mono<byte[]> get(long key, Duration timeout) {
    return read(key, Waits.timeout(timeout, "timeout"));
  }

  @Override
  public Mono<byte[]> get(long key) {
    return read(key, null);
  }

  private Mono<byte[]> read(long key, Duration timeout) {
    return Mono.defer(
        () -> {
          Mono<byte[]> wait;
          synchronized (lock) {
            Slot slot = live(key, clock.instant());
            if (slot != null && slot.value != null) {
              return Mono.just(slot.value.clone());
            }
            if (timeout != null && timeout.isZero()) {
              return Mono.error(new NotFoundException("No async result for task[" + key + "]"));
            }
            if (slot == null) {
              // Never prepared, evicted or expired: nothing can set it, so only the timeout ends
              // the wait (decision 1: the same error as a slow value, in every pool).
              wait = Mono.never();
            } else {
              if (slot.waiters == null) {
                slot.waiters = Sinks.one();
              }
              wait = slot.waiters.asMono().map(byte[]::clone);
            }
          }
          return Waits.within(
              wait,
              clock,
              timeout,
              () -> "Waiting timeout for async result of task[" + key + "] after " + timeout);
        });
  }

  @Override
  public String toString() {
    return "LocalAsyncResultPool[maxLen=" + maxLen + ", maxExpire=" + maxExpire + "]";
  }
}
