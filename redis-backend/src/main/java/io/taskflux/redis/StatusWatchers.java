package io.taskflux.redis;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Keeps each queue's status-watch marker ({@link Keys#statusWatchMarker}) alive while this backend
 * has status watchers on the queue. Scripts publish statuses on the status channel only while the
 * marker exists, so a queue nobody watches costs no status traffic.
 *
 * <p>Every new watcher sets the marker itself ({@link #mark}) after its subscription is confirmed
 * and before it reads the current status: a status written after that read is published, one
 * written before it is what the read returns. While a queue has watchers, the marker is refreshed
 * every {@link #REFRESH}, well inside its {@link #TTL}; after the last watcher leaves it is no
 * longer refreshed and expires by itself (another backend's watchers keep their own refresh).
 */
final class StatusWatchers {

  static final Duration TTL = Duration.ofSeconds(60);
  static final Duration REFRESH = Duration.ofSeconds(15);

  private final Keys keys;
  private final RedisConnections connections;
  private final Map<String, Watched> queues = new HashMap<>();
  private boolean closed;

  private static final class Watched {
    int count;
  }

  StatusWatchers(Keys keys, RedisConnections connections) {
    this.keys = keys;
    this.connections = connections;
  }

  /** Sets the marker of {@code queue} now (with its TTL); completes once Redis confirmed it. */
  Mono<Void> mark(String queue) {
    String key = keys.statusWatchMarker(queue);
    return connections
        .commands()
        .flatMap(
            c ->
                Mono.fromCompletionStage(
                    () ->
                        c.set(
                            key,
                            Stored.bytes(1),
                            io.lettuce.core.SetArgs.Builder.px(TTL.toMillis()))))
        .onErrorMap(connections::translate)
        .then();
  }

  /** Counts a watcher of {@code queue}; the returned disposable uncounts it. */
  Disposable watch(String queue) {
    synchronized (this) {
      Watched w = queues.get(queue);
      if (w == null) {
        w = new Watched();
        queues.put(queue, w);
        refreshLater(queue, w);
      }
      w.count++;
    }
    boolean[] done = {false};
    return () -> {
      synchronized (this) {
        if (done[0]) {
          return;
        }
        done[0] = true;
        Watched w = queues.get(queue);
        if (w != null && --w.count == 0) {
          queues.remove(queue);
        }
      }
    };
  }

  /**
   * One-shot delays that reschedule themselves while {@code w} is still the queue's entry, rather
   * than a periodic task: cancelling one contends on the executor's queue lock, which BlockHound
   * reports on the non-blocking thread that drops the last watcher. A refresh that finds its entry
   * gone (or replaced) simply stops.
   */
  private void refreshLater(String queue, Watched w) {
    Schedulers.parallel()
        .schedule(() -> refresh(queue, w), REFRESH.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void refresh(String queue, Watched w) {
    synchronized (this) {
      if (closed || queues.get(queue) != w) {
        return;
      }
    }
    mark(queue).subscribe(v -> {}, e -> {});
    refreshLater(queue, w);
  }

  /** Stops every refresh (the backend is closing). */
  synchronized void close() {
    closed = true;
    queues.clear();
  }
}
