package io.taskflux.memory;

import io.taskflux.spi.StoredResult;
import io.taskflux.task.MessageRef;
import io.taskflux.task.StatusUpdate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import reactor.core.publisher.Sinks;

/**
 * Everyone waiting on the in-memory backend, by what they wait for. Registration and notification
 * happen under the backend's lock; the sinks are signalled later, outside it, through the {@link
 * SignalQueue}, in write order. One-shot waiters (results, revocations, locks, work) are dropped
 * when signalled; status watchers stay until they cancel.
 */
final class Watchers {

  private final SignalQueue signals;
  final Map<MessageRef, List<Sinks.Many<StatusUpdate>>> statuses = new HashMap<>();
  final Map<MessageRef, List<Sinks.One<StoredResult>>> results = new HashMap<>();
  final Map<MessageRef, List<Sinks.Empty<Void>>> revocations = new HashMap<>();
  final Map<String, List<Sinks.Empty<Void>>> locks = new HashMap<>();
  final Map<String, List<Sinks.Empty<Void>>> work = new HashMap<>();

  Watchers(SignalQueue signals) {
    this.signals = signals;
  }

  static <K, S> void add(Map<K, List<S>> map, K key, S sink) {
    map.computeIfAbsent(key, k -> new ArrayList<>(2)).add(sink);
  }

  static <K, S> void remove(Map<K, List<S>> map, K key, S sink) {
    List<S> list = map.get(key);
    if (list != null && list.remove(sink) && list.isEmpty()) {
      map.remove(key);
    }
  }

  void statusWritten(MessageRef ref, StatusUpdate update) {
    List<Sinks.Many<StatusUpdate>> list = statuses.get(ref);
    if (list != null) {
      for (Sinks.Many<StatusUpdate> sink : List.copyOf(list)) {
        signals.add(() -> sink.tryEmitNext(update));
      }
    }
  }

  void resultWritten(MessageRef ref, StoredResult result) {
    List<Sinks.One<StoredResult>> list = results.remove(ref);
    if (list != null) {
      for (Sinks.One<StoredResult> sink : list) {
        signals.add(() -> sink.tryEmitValue(result));
      }
    }
  }

  void revoked(MessageRef ref) {
    complete(revocations.remove(ref));
  }

  void lockFreed(String name) {
    complete(locks.remove(name));
  }

  void workArrived(String queue) {
    complete(work.remove(queue));
  }

  private void complete(List<Sinks.Empty<Void>> list) {
    if (list != null) {
      for (Sinks.Empty<Void> sink : list) {
        signals.add(sink::tryEmitEmpty);
      }
    }
  }

  /** Fails every waiter with {@code error} and forgets them all. */
  void closeAll(Throwable error) {
    statuses.values().forEach(l -> l.forEach(s -> signals.add(() -> s.tryEmitError(error))));
    results.values().forEach(l -> l.forEach(s -> signals.add(() -> s.tryEmitError(error))));
    for (Map<?, List<Sinks.Empty<Void>>> m : List.of(revocations, locks, work)) {
      m.values().forEach(l -> l.forEach(s -> signals.add(() -> s.tryEmitError(error))));
    }
    statuses.clear();
    results.clear();
    revocations.clear();
    locks.clear();
    work.clear();
  }

  /** How many waiters are registered (a leak check for tests). */
  int size() {
    int n = 0;
    for (Map<?, ? extends List<?>> m : List.of(statuses, results, revocations, locks, work)) {
      for (List<?> l : m.values()) {
        n += l.size();
      }
    }
    return n;
  }
}
