package io.taskflux.memory;

import io.taskflux.spi.Lease;
import io.taskflux.spi.MessageState;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * One queue's messages: every live entry by id, and each in exactly one ordered set by state —
 * ready (priority, then FIFO sequence), delayed (ready time), leased (lease expiry) — plus the dead
 * letters, oldest first. Not thread-safe: used under the backend's lock.
 */
final class QueueState {

  private static final Comparator<Entry> READY_ORDER =
      Comparator.<Entry>comparingInt(e -> e.message.priority()).thenComparingLong(e -> e.seq);
  private static final Comparator<Entry> DELAYED_ORDER =
      Comparator.<Entry, Instant>comparing(e -> e.message.readyAt()).thenComparingLong(e -> e.seq);
  private static final Comparator<Entry> LEASED_ORDER =
      Comparator.<Entry, Instant>comparing(e -> e.lease.expiresAt()).thenComparingLong(e -> e.seq);

  final String name;
  final Map<String, Entry> live = new HashMap<>();
  final TreeSet<Entry> ready = new TreeSet<>(READY_ORDER);
  final TreeSet<Entry> delayed = new TreeSet<>(DELAYED_ORDER);
  final TreeSet<Entry> leased = new TreeSet<>(LEASED_ORDER);
  final LinkedHashMap<String, DeadLetter> dead = new LinkedHashMap<>();
  private long nextSeq;

  QueueState(String name) {
    this.name = name;
  }

  /** Puts an entry that is in no set into ready or delayed, by its ready time. */
  void place(Entry e, Instant now) {
    e.lease = null;
    e.seq = ++nextSeq;
    if (e.message.isReady(now)) {
      e.state = MessageState.READY;
      ready.add(e);
    } else {
      e.state = MessageState.DELAYED;
      delayed.add(e);
    }
  }

  /** Takes an entry out of whichever ordered set holds it (it stays in {@link #live}). */
  void unplace(Entry e) {
    switch (e.state) {
      case READY -> ready.remove(e);
      case DELAYED -> delayed.remove(e);
      case LEASED -> leased.remove(e);
      default -> throw new IllegalStateException("live entry in state " + e.state);
    }
  }

  /** Re-sorts an entry after its message changed, keeping its state and FIFO position. */
  void resort(Entry e, Runnable change) {
    unplace(e);
    change.run();
    switch (e.state) {
      case READY -> ready.add(e);
      case DELAYED -> delayed.add(e);
      case LEASED -> leased.add(e);
      default -> throw new IllegalStateException("live entry in state " + e.state);
    }
  }

  void lease(Entry e, Lease lease) {
    unplace(e);
    e.state = MessageState.LEASED;
    e.lease = lease;
    leased.add(e);
  }

  /** Moves due delayed entries to ready, in ready-time order; returns how many. */
  int promote(Instant now) {
    int n = 0;
    while (!delayed.isEmpty() && delayed.first().message.isReady(now)) {
      Entry e = delayed.pollFirst();
      e.state = MessageState.READY;
      e.seq = ++nextSeq;
      ready.add(e);
      n++;
    }
    return n;
  }

  /** Whether something is claimable at {@code now}. */
  boolean hasClaimable(Instant now) {
    return !ready.isEmpty() || (!delayed.isEmpty() && delayed.first().message.isReady(now));
  }

  /**
   * The earliest time something here changes by itself: a delayed entry due or a lease expiring.
   */
  Instant nextDue() {
    Instant due = delayed.isEmpty() ? null : delayed.first().message.readyAt();
    if (!leased.isEmpty()) {
      Instant lease = leased.first().lease.expiresAt();
      due = due == null || lease.isBefore(due) ? lease : due;
    }
    return due;
  }

  boolean isEmpty() {
    return live.isEmpty() && dead.isEmpty();
  }
}
