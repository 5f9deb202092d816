package io.taskflux.memory;

import java.time.Instant;
import java.util.Comparator;
import java.util.TreeSet;

/**
 * The TTL index: every stored thing that expires has one item here, ordered by expiry. Each
 * operation first runs the items that are due, so expired things are gone before anything reads
 * them, without a background thread. Not thread-safe: used under the backend's lock.
 */
final class Expiries {

  /** One expiry; the action removes the thing it belongs to. */
  static final class Item {
    final Instant at;
    final long seq;
    final Runnable action;

    Item(Instant at, long seq, Runnable action) {
      this.at = at;
      this.seq = seq;
      this.action = action;
    }
  }

  private final TreeSet<Item> items =
      new TreeSet<>(Comparator.<Item, Instant>comparing(i -> i.at).thenComparingLong(i -> i.seq));
  private long seq;

  Item add(Instant at, Runnable action) {
    Item item = new Item(at, ++seq, action);
    items.add(item);
    return item;
  }

  void cancel(Item item) {
    if (item != null) {
      items.remove(item);
    }
  }

  /** Runs every item due at {@code now} (expiry at {@code at} means absent from {@code at} on). */
  void runDue(Instant now) {
    while (!items.isEmpty() && !items.first().at.isAfter(now)) {
      items.pollFirst().action.run();
    }
  }

  int size() {
    return items.size();
  }
}
