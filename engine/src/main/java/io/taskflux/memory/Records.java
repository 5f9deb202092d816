package io.taskflux.memory;

import io.taskflux.spi.LockResult;
import io.taskflux.spi.StoredResult;
import io.taskflux.task.MessageRef;
import io.taskflux.task.StatusUpdate;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * The keyed values of the in-memory backend — statuses, results, revocation marks, locks and
 * counters — each with its expiry in the shared {@link Expiries} index, and watchers notified on
 * every write. Not thread-safe: used under the backend's lock.
 */
final class Records {

  /** A value and the expiry item that removes it. */
  static final class Timed<T> {
    final T value;
    final Instant expiresAt;
    Expiries.Item item;

    Timed(T value, Instant expiresAt) {
      this.value = value;
      this.expiresAt = expiresAt;
    }
  }

  private final Expiries expiries;
  private final Watchers watchers;
  final Map<MessageRef, Timed<StatusUpdate>> statuses = new HashMap<>();
  final Map<MessageRef, Timed<StoredResult>> results = new HashMap<>();
  final Map<MessageRef, Timed<Boolean>> revoked = new HashMap<>();
  final Map<String, Timed<String>> locks = new HashMap<>();
  final Map<String, Long> counters = new HashMap<>();

  Records(Expiries expiries, Watchers watchers) {
    this.expiries = expiries;
    this.watchers = watchers;
  }

  private <K, V> void put(Map<K, Timed<V>> map, K key, V value, Instant expiresAt, Runnable gone) {
    Timed<V> timed = new Timed<>(value, expiresAt);
    Timed<V> old = map.put(key, timed);
    if (old != null) {
      expiries.cancel(old.item);
    }
    timed.item =
        expiries.add(
            expiresAt,
            () -> {
              if (map.get(key) == timed) {
                map.remove(key);
                gone.run();
              }
            });
  }

  private <K, V> boolean delete(Map<K, Timed<V>> map, K key) {
    Timed<V> old = map.remove(key);
    if (old == null) {
      return false;
    }
    expiries.cancel(old.item);
    return true;
  }

  private static <K, V> V value(Map<K, Timed<V>> map, K key) {
    Timed<V> t = map.get(key);
    return t == null ? null : t.value;
  }

  // statuses

  void setStatus(MessageRef ref, StatusUpdate update, Duration ttl, Instant now) {
    put(statuses, ref, update, now.plus(ttl), () -> {});
    watchers.statusWritten(ref, update);
  }

  StatusUpdate status(MessageRef ref) {
    return value(statuses, ref);
  }

  boolean deleteStatus(MessageRef ref) {
    return delete(statuses, ref);
  }

  // results

  boolean setResult(MessageRef ref, JsonNode value, Duration ttl, boolean ifAbsent, Instant now) {
    if (ifAbsent && results.containsKey(ref)) {
      return false;
    }
    StoredResult result = new StoredResult(ref, value, now);
    put(results, ref, result, now.plus(ttl), () -> {});
    watchers.resultWritten(ref, result);
    return true;
  }

  StoredResult result(MessageRef ref) {
    return value(results, ref);
  }

  boolean deleteResult(MessageRef ref) {
    return delete(results, ref);
  }

  // revocation marks

  void markRevoked(MessageRef ref, Duration ttl, Instant now) {
    put(revoked, ref, Boolean.TRUE, now.plus(ttl), () -> {});
    watchers.revoked(ref);
  }

  boolean isRevoked(MessageRef ref) {
    return revoked.containsKey(ref);
  }

  // locks

  LockResult acquire(String name, String owner, Duration ttl, Instant now) {
    String holder = value(locks, name);
    if (holder != null) {
      return holder.equals(owner) ? LockResult.HELD_BY_OWNER : LockResult.HELD_BY_OTHER;
    }
    put(locks, name, owner, now.plus(ttl), () -> watchers.lockFreed(name));
    return LockResult.ACQUIRED;
  }

  boolean release(String name, String owner) {
    if (!owner.equals(value(locks, name))) {
      return false;
    }
    delete(locks, name);
    watchers.lockFreed(name);
    return true;
  }

  String holder(String name) {
    return value(locks, name);
  }

  Instant lockExpiry(String name) {
    Timed<String> t = locks.get(name);
    return t == null ? null : t.expiresAt;
  }

  // counters

  long increment(String counter) {
    return counters.merge(counter, 1L, Long::sum);
  }
}
