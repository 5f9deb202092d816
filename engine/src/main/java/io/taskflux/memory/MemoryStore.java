package io.taskflux.memory;

import io.taskflux.CapacityExceededException;
import io.taskflux.spi.ClaimRequest;
import io.taskflux.spi.CompleteRequest;
import io.taskflux.spi.Delivery;
import io.taskflux.spi.EnqueueRequest;
import io.taskflux.spi.FailRequest;
import io.taskflux.spi.Lease;
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
import io.taskflux.task.ExceptionDetails;
import io.taskflux.task.Message;
import io.taskflux.task.MessageRef;
import io.taskflux.task.StatusUpdate;
import io.taskflux.task.TaskStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The message side of the in-memory backend: queues, leases, dead letters, and the moves between
 * them, each writing its status through {@link Records}. Every method is one atomic operation of
 * the SPI, run by {@link InMemoryBackend} under its lock with the current time; a method validates
 * before it mutates, so an exception leaves nothing half done. Not thread-safe on its own.
 */
final class MemoryStore {

  private final Map<String, QueueState> queues = new TreeMap<>();
  private final Expiries expiries;
  private final Watchers watchers;
  private final Records records;
  private final int capacity;
  private int liveCount;
  private long leaseCounter;

  MemoryStore(Expiries expiries, Watchers watchers, Records records, int capacity) {
    this.expiries = expiries;
    this.watchers = watchers;
    this.records = records;
    this.capacity = capacity;
  }

  private QueueState queue(String name) {
    return queues.computeIfAbsent(name, QueueState::new);
  }

  /** A queue's state, for tests that need to look inside. */
  QueueState queueState(String name) {
    return queues.get(name);
  }

  private Entry entry(MessageRef ref) {
    QueueState q = queues.get(ref.queue());
    return q == null ? null : q.live.get(ref.id());
  }

  // ------------------------------------------------------------------ live messages

  private void addLive(Message m, Duration ttl, Instant now) {
    QueueState q = queue(m.queue());
    Entry e = new Entry(m, now.plus(ttl));
    e.expiry = expiries.add(e.expiresAt, () -> removeLive(q, e));
    q.live.put(m.id(), e);
    q.place(e, now);
    liveCount++;
    watchers.workArrived(q.name);
  }

  private void removeLive(QueueState q, Entry e) {
    if (q.live.get(e.ref.id()) != e) {
      return;
    }
    q.unplace(e);
    q.live.remove(e.ref.id());
    expiries.cancel(e.expiry);
    liveCount--;
  }

  private void addDead(Message m, Duration ttl, Instant now) {
    if (ttl.isZero()) {
      return;
    }
    QueueState q = queue(m.queue());
    DeadLetter old = q.dead.remove(m.id());
    if (old != null) {
      expiries.cancel(old.expiry);
    }
    Instant at = now.plus(ttl);
    DeadLetter[] holder = new DeadLetter[1];
    Expiries.Item item =
        expiries.add(
            at,
            () -> {
              if (q.dead.get(m.id()) == holder[0]) {
                q.dead.remove(m.id());
              }
            });
    holder[0] = new DeadLetter(m, at, item);
    q.dead.put(m.id(), holder[0]);
  }

  private void status(MessageRef ref, TaskStatus s, ExceptionDetails e, Retention r, Instant now) {
    records.setStatus(ref, new StatusUpdate(s, now, e), r.status(), now);
  }

  boolean enqueue(EnqueueRequest r, Instant now) {
    Message m = r.message();
    if (entry(m.ref()) != null) {
      return false;
    }
    if (liveCount >= capacity) {
      throw new CapacityExceededException(
          "in-memory backend is full: " + capacity + " live messages (capacity)");
    }
    addLive(m, r.retention().message(), now);
    status(m.ref(), TaskStatus.SUBMITTED, null, r.retention(), now);
    return true;
  }

  StoredMessage find(MessageRef ref) {
    Entry e = entry(ref);
    if (e != null) {
      return new StoredMessage(ref, e.state, e.message, e.lease, e.expiresAt, null);
    }
    return findDeadLetter(ref);
  }

  boolean update(Message m, Instant now) {
    Entry e = entry(m.ref());
    if (e != null) {
      QueueState q = queue(m.queue());
      boolean waiting = e.state == MessageState.READY || e.state == MessageState.DELAYED;
      if (waiting && !(e.state == MessageState.READY && m.isReady(now))) {
        // Its readiness may have changed: re-place it by the new readyAt (a new FIFO position,
        // as a message that becomes ready anew), and wake idle consumers, whose next due time
        // may be earlier now.
        q.unplace(e);
        e.message = m;
        q.place(e, now);
        watchers.workArrived(q.name);
      } else {
        // Still ready (or leased): only the priority order changes; the FIFO position stays.
        q.resort(e, () -> e.message = m);
      }
      return true;
    }
    QueueState q = queues.get(m.queue());
    DeadLetter d = q == null ? null : q.dead.get(m.id());
    if (d == null) {
      return false;
    }
    d.message = m;
    return true;
  }

  boolean remove(MessageRef ref) {
    Entry e = entry(ref);
    if (e == null) {
      return false;
    }
    removeLive(queues.get(ref.queue()), e);
    return true;
  }

  StoredMessage findDeadLetter(MessageRef ref) {
    QueueState q = queues.get(ref.queue());
    DeadLetter d = q == null ? null : q.dead.get(ref.id());
    return d == null
        ? null
        : new StoredMessage(ref, MessageState.DEAD_LETTER, d.message, null, d.expiresAt, null);
  }

  long deleteDeadLetters(String queue, List<String> ids) {
    QueueState q = queues.get(queue);
    if (q == null) {
      return 0;
    }
    List<String> targets = ids.isEmpty() ? List.copyOf(q.dead.keySet()) : ids;
    long n = 0;
    for (String id : targets) {
      DeadLetter d = q.dead.remove(id);
      if (d != null) {
        expiries.cancel(d.expiry);
        n++;
      }
    }
    return n;
  }

  boolean deadLetter(Message m, Retention retention, Instant now) {
    boolean removed = remove(m.ref());
    addDead(m, retention.deadLetter(), now);
    return removed;
  }

  // ------------------------------------------------------------------ work

  List<Delivery> claim(ClaimRequest r, Instant now) {
    List<Delivery> out = new ArrayList<>();
    for (QueueSelector sel : r.queues()) {
      QueueState q = queues.get(sel.queue());
      if (q == null) {
        continue;
      }
      q.promote(now);
      List<Entry> taken = new ArrayList<>();
      for (Iterator<Entry> it = q.ready.iterator();
          it.hasNext() && out.size() + taken.size() < r.max(); ) {
        Entry e = it.next();
        if (sel.accepts(e.message.task())) {
          taken.add(e);
        }
      }
      for (Entry e : taken) {
        Lease lease =
            new Lease(e.ref, r.owner(), r.owner() + "#" + ++leaseCounter, now.plus(r.lease()));
        q.lease(e, lease);
        status(e.ref, TaskStatus.RUNNING, null, r.retention(), now);
        out.add(Delivery.of(lease, e.message));
      }
      if (out.size() >= r.max()) {
        break;
      }
    }
    return out;
  }

  boolean hasClaimable(List<String> names, Instant now) {
    for (String name : names) {
      QueueState q = queues.get(name);
      if (q != null && q.hasClaimable(now)) {
        return true;
      }
    }
    return false;
  }

  /** The earliest future instant at which something in {@code names} becomes due, or null. */
  Instant nextDue(List<String> names, Instant now) {
    Instant due = null;
    for (String name : names) {
      QueueState q = queues.get(name);
      Instant d = q == null ? null : q.nextDue();
      if (d != null && d.isAfter(now) && (due == null || d.isBefore(due))) {
        due = d;
      }
    }
    return due;
  }

  int promote(List<String> names, Instant now) {
    int n = 0;
    for (String name : names) {
      QueueState q = queues.get(name);
      int moved = q == null ? 0 : q.promote(now);
      if (moved > 0) {
        watchers.workArrived(name);
      }
      n += moved;
    }
    return n;
  }

  private Entry holding(Lease lease, Instant now) {
    Entry e = entry(lease.ref());
    boolean holds =
        e != null
            && e.state == MessageState.LEASED
            && e.lease.token().equals(lease.token())
            && now.isBefore(e.lease.expiresAt());
    return holds ? e : null;
  }

  private SettleResult lost(Lease lease) {
    return records.isRevoked(lease.ref()) ? SettleResult.REVOKED : SettleResult.LEASE_LOST;
  }

  Lease extend(Lease lease, Duration extension, Instant now) {
    Entry e = holding(lease, now);
    if (e == null) {
      return null;
    }
    Lease extended = e.lease.withExpiresAt(now.plus(extension));
    queue(lease.ref().queue()).resort(e, () -> e.lease = extended);
    return extended;
  }

  SettleResult complete(CompleteRequest r, Instant now) {
    Entry e = holding(r.lease(), now);
    if (e == null) {
      return lost(r.lease());
    }
    MessageRef ref = e.ref;
    removeLive(queues.get(ref.queue()), e);
    records.setResult(ref, r.result(), r.resultTtl(), true, now);
    status(ref, TaskStatus.SUCCEEDED, null, r.retention(), now);
    for (Message callback : r.callbacks()) {
      if (entry(callback.ref()) == null) {
        // Capacity bounds what enqueue admits; a completion never drops its callbacks.
        addLive(callback, r.retention().message(), now);
        status(callback.ref(), TaskStatus.SUBMITTED, null, r.retention(), now);
      }
    }
    return SettleResult.APPLIED;
  }

  SettleResult retry(RetryRequest r, Instant now) {
    Entry e = holding(r.lease(), now);
    if (e == null) {
      return lost(r.lease());
    }
    QueueState q = queues.get(e.ref.queue());
    q.unplace(e);
    e.message =
        e.message.toBuilder()
            .retries(e.message.retries() + 1)
            .exceptionDetails(r.error())
            .updatedAt(now)
            .readyAt(r.readyAt())
            .build();
    q.place(e, now);
    status(e.ref, TaskStatus.RETRYING, r.error(), r.retention(), now);
    watchers.workArrived(q.name);
    return SettleResult.APPLIED;
  }

  SettleResult fail(FailRequest r, Instant now) {
    Entry e = holding(r.lease(), now);
    if (e == null) {
      return lost(r.lease());
    }
    removeLive(queues.get(e.ref.queue()), e);
    Message dead = e.message.toBuilder().exceptionDetails(r.error()).updatedAt(now).build();
    addDead(dead, r.retention().deadLetter(), now);
    status(e.ref, TaskStatus.FAILED, r.error(), r.retention(), now);
    return SettleResult.APPLIED;
  }

  ReapResult reap(ReapRequest r, Instant now) {
    List<MessageRef> requeued = new ArrayList<>();
    List<MessageRef> dead = new ArrayList<>();
    for (String name : r.queues()) {
      QueueState q = queues.get(name);
      while (q != null && !q.leased.isEmpty() && !q.leased.first().lease.expiresAt().isAfter(now)) {
        Entry e = q.leased.first();
        ExceptionDetails lost =
            ExceptionDetails.of(
                ExceptionDetails.LEASE_LOST,
                "lease of "
                    + e.lease.owner()
                    + " expired at "
                    + e.lease.expiresAt()
                    + " before the task finished");
        Message m = e.message.toBuilder().exceptionDetails(lost).updatedAt(now).build();
        if (m.canRetry()) {
          q.unplace(e);
          e.message = m.toBuilder().retries(m.retries() + 1).readyAt(now).build();
          q.place(e, now);
          status(e.ref, TaskStatus.RETRYING, lost, r.retention(), now);
          requeued.add(e.ref);
        } else {
          removeLive(q, e);
          addDead(m, r.retention().deadLetter(), now);
          status(e.ref, TaskStatus.FAILED, lost, r.retention(), now);
          dead.add(e.ref);
        }
      }
      if (q != null && !requeued.isEmpty()) {
        watchers.workArrived(name);
      }
    }
    return new ReapResult(requeued, dead);
  }

  RevokeResult revoke(RevokeRequest r, Instant now) {
    Entry e = entry(r.ref());
    if (e == null) {
      StatusUpdate s = records.status(r.ref());
      return s != null && s.status().isTerminal()
          ? RevokeResult.ALREADY_FINISHED
          : RevokeResult.NOT_FOUND;
    }
    boolean running = e.state == MessageState.LEASED;
    if (running && r.skipIfRunning()) {
      return RevokeResult.SKIPPED_RUNNING;
    }
    removeLive(queues.get(r.ref().queue()), e);
    Message dead = e.message.toBuilder().exceptionDetails(r.reason()).updatedAt(now).build();
    addDead(dead, r.retention().deadLetter(), now);
    records.markRevoked(r.ref(), r.retention().revocation(), now);
    status(r.ref(), TaskStatus.FAILED, r.reason(), r.retention(), now);
    return running ? RevokeResult.REVOKED_RUNNING : RevokeResult.REVOKED;
  }

  long markOrphans(String queue, Retention retention, Instant now) {
    QueueState q = queues.get(queue);
    List<MessageRef> orphans = new ArrayList<>();
    records.statuses.forEach(
        (ref, timed) -> {
          if (ref.queue().equals(queue)
              && !timed.value.status().isTerminal()
              && timed.value.status() != TaskStatus.UNKNOWN
              && (q == null || !q.live.containsKey(ref.id()))) {
            orphans.add(ref);
          }
        });
    orphans.forEach(ref -> status(ref, TaskStatus.UNKNOWN, null, retention, now));
    return orphans.size();
  }

  // ------------------------------------------------------------------ listing

  List<String> queueNames() {
    return queues.values().stream().filter(q -> !q.isEmpty()).map(q -> q.name).toList();
  }

  QueueStats stats(String queue) {
    QueueState q = queues.get(queue);
    return q == null
        ? new QueueStats(queue, 0, 0, 0, 0)
        : new QueueStats(queue, q.ready.size(), q.delayed.size(), q.leased.size(), q.dead.size());
  }

  List<StoredMessage> list(String queue, MessageState state, int offset, int limit) {
    QueueState q = queues.get(queue);
    if (q == null) {
      return List.of();
    }
    List<StoredMessage> out = new ArrayList<>();
    if (state == MessageState.DEAD_LETTER) {
      q.dead.values().stream()
          .skip(offset)
          .limit(limit)
          .forEach(
              d ->
                  out.add(
                      new StoredMessage(
                          d.message.ref(), state, d.message, null, d.expiresAt, null)));
      return out;
    }
    Iterable<Entry> set =
        switch (state) {
          case READY -> q.ready;
          case DELAYED -> q.delayed;
          default -> q.leased;
        };
    int skipped = 0;
    for (Entry e : set) {
      if (skipped++ < offset) {
        continue;
      }
      if (out.size() == limit) {
        break;
      }
      out.add(new StoredMessage(e.ref, e.state, e.message, e.lease, e.expiresAt, null));
    }
    return out;
  }

  // ------------------------------------------------------------------ invariants

  void checkInvariants(List<String> problems) {
    int live = 0;
    for (QueueState q : queues.values()) {
      live += q.live.size();
      Set<Entry> inReady = identitySet(q.ready);
      Set<Entry> inDelayed = identitySet(q.delayed);
      Set<Entry> inLeased = identitySet(q.leased);
      if (inReady.size() + inDelayed.size() + inLeased.size() != q.live.size()) {
        problems.add(q.name + ": ordered sets do not hold each live message exactly once");
      }
      for (Entry e : q.live.values()) {
        boolean r = inReady.contains(e);
        boolean d = inDelayed.contains(e);
        boolean l = inLeased.contains(e);
        if (r && l) {
          problems.add(e.ref + " is both ready and leased");
        }
        if ((r ? 1 : 0) + (d ? 1 : 0) + (l ? 1 : 0) != 1) {
          problems.add(e.ref + " is in " + (r ? 1 : 0) + (d ? 1 : 0) + (l ? 1 : 0) + " sets");
        }
        MessageState where =
            r ? MessageState.READY : d ? MessageState.DELAYED : MessageState.LEASED;
        if (e.state != where) {
          problems.add(e.ref + " says " + e.state + " but sits in " + where);
        }
        if (e.state == MessageState.LEASED
            && (e.lease == null || e.lease.owner().isBlank() || e.lease.token().isBlank())) {
          problems.add(e.ref + " is leased without an owner");
        }
        if (e.state != MessageState.LEASED && e.lease != null) {
          problems.add(e.ref + " holds a lease while " + e.state);
        }
        if (!e.ref.equals(e.message.ref())) {
          problems.add(e.ref + " holds message " + e.message.ref());
        }
        if (records.results.containsKey(e.ref)) {
          problems.add(e.ref + " has a result while its message is still pending");
        }
      }
    }
    if (live != liveCount) {
      problems.add("live count " + liveCount + " but " + live + " live messages");
    }
  }

  private static Set<Entry> identitySet(Collection<Entry> entries) {
    Set<Entry> set = Collections.newSetFromMap(new IdentityHashMap<>());
    set.addAll(entries);
    return set;
  }
}
