package io.taskflux.redis;

import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The one pub/sub connection of a backend, demultiplexed locally. A channel (a queue's status,
 * result or revocation writes; the namespace's lock releases) is subscribed once, when its first
 * local listener arrives, whatever the number of listeners; each message is handed to the listeners
 * of its key (the message id, or the lock name). A channel without listeners is unsubscribed after
 * a linger time, so a steady trickle of waiters does not subscribe and unsubscribe once per task.
 *
 * <p>Subscribe-then-read: {@link #listen} registers the listener first and returns a {@code Mono}
 * that completes once Redis confirmed the subscription; a caller that reads the current value after
 * that cannot miss a later write.
 *
 * <p>Thread-safety: the channel table is guarded by {@code this}; listeners run on Lettuce's I/O
 * thread and must only hand the value on.
 */
final class Notifications extends RedisPubSubAdapter<String, byte[]> {

  private static final Duration LINGER = Duration.ofSeconds(30);

  private final RedisConnections connections;
  private final Map<String, Channel> channels = new HashMap<>();
  private final List<Runnable> reconnectHooks = new CopyOnWriteArrayList<>();
  private volatile boolean listening;

  private final class Channel {
    final String name;
    final boolean keyed; // payload starts with "<length>:<key>"; else the payload is the key
    final Map<String, List<Consumer<byte[]>>> listeners = new HashMap<>();
    Mono<Void> subscribed;
    int refs;

    Channel(String name, boolean keyed) {
      this.name = name;
      this.keyed = keyed;
    }
  }

  Notifications(RedisConnections connections) {
    this.connections = connections;
  }

  /**
   * Hands every message of {@code channel} for {@code key} to {@code listener} until the returned
   * registration is disposed.
   *
   * @param keyed whether payloads start with {@code <length>:<key>} (queue channels) or are the key
   *     itself (the lock channel)
   */
  Registration listen(String channel, boolean keyed, String key, Consumer<byte[]> listener) {
    Channel c;
    synchronized (this) {
      c = channels.computeIfAbsent(channel, n -> new Channel(n, keyed));
      c.listeners.computeIfAbsent(key, k -> new ArrayList<>(1)).add(listener);
      c.refs++;
      if (c.subscribed == null) {
        Channel self = c;
        c.subscribed =
            connections
                .pubSub()
                .flatMap(
                    conn -> {
                      ensureListening(conn);
                      return Mono.fromCompletionStage(() -> conn.async().subscribe(channel));
                    })
                .onErrorMap(connections::translate)
                .doOnError(e -> forgetSubscription(self))
                .then()
                .cache();
      }
    }
    Channel registered = c;
    return new Registration(c.subscribed, () -> remove(registered, key, listener));
  }

  /** What {@link #listen} returns: when it is safe to read, and how to stop listening. */
  record Registration(Mono<Void> ready, Runnable stop) implements Disposable {
    @Override
    public void dispose() {
      stop.run();
    }
  }

  /** Runs {@code hook} whenever the pub/sub connection came back after a disconnect. */
  void onReconnect(Runnable hook) {
    reconnectHooks.add(hook);
  }

  private synchronized void forgetSubscription(Channel c) {
    if (channels.get(c.name) == c) {
      c.subscribed = null;
      if (c.refs == 0) {
        channels.remove(c.name);
      }
    }
  }

  private void remove(Channel c, String key, Consumer<byte[]> listener) {
    synchronized (this) {
      List<Consumer<byte[]>> list = c.listeners.get(key);
      if (list == null || !list.remove(listener)) {
        return;
      }
      if (list.isEmpty()) {
        c.listeners.remove(key);
      }
      if (--c.refs > 0) {
        return;
      }
    }
    Schedulers.parallel()
        .schedule(
            () -> unsubscribeIfUnused(c),
            LINGER.toMillis(),
            java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  private void unsubscribeIfUnused(Channel c) {
    synchronized (this) {
      if (c.refs > 0 || channels.get(c.name) != c) {
        return;
      }
      channels.remove(c.name);
    }
    StatefulRedisPubSubConnection<String, byte[]> conn = connectionIfMade();
    if (conn != null) {
      conn.async().unsubscribe(c.name);
    }
  }

  private StatefulRedisPubSubConnection<String, byte[]> connectionIfMade() {
    try {
      return connections.pubSub().toFuture().getNow(null);
    } catch (RuntimeException e) {
      return null;
    }
  }

  private void ensureListening(StatefulRedisPubSubConnection<String, byte[]> conn) {
    if (listening) {
      return;
    }
    synchronized (this) {
      if (!listening) {
        conn.addListener(this);
        if (conn instanceof RedisChannelHandler<?, ?> handler) {
          handler.addListener(
              new RedisConnectionStateListener() {
                @Override
                public void onRedisConnected(
                    RedisChannelHandler<?, ?> connection, SocketAddress socketAddress) {
                  reconnectHooks.forEach(Runnable::run);
                }
              });
        }
        listening = true;
      }
    }
  }

  @Override
  public void message(String channel, byte[] payload) {
    List<Consumer<byte[]>> targets;
    byte[] value;
    synchronized (this) {
      Channel c = channels.get(channel);
      if (c == null) {
        return;
      }
      String key;
      if (c.keyed) {
        int colon = indexOf(payload, (byte) ':');
        if (colon < 0) {
          return;
        }
        int length = Integer.parseInt(new String(payload, 0, colon, StandardCharsets.US_ASCII));
        byte[] keyBytes = java.util.Arrays.copyOfRange(payload, colon + 1, colon + 1 + length);
        key = new String(keyBytes, StandardCharsets.UTF_8);
        value = java.util.Arrays.copyOfRange(payload, colon + 1 + length, payload.length);
      } else {
        key = new String(payload, StandardCharsets.UTF_8);
        value = payload;
      }
      List<Consumer<byte[]>> found = c.listeners.get(key);
      if (found == null) {
        return;
      }
      targets = List.copyOf(found);
    }
    for (Consumer<byte[]> t : targets) {
      t.accept(value);
    }
  }

  private static int indexOf(byte[] b, byte x) {
    for (int i = 0; i < b.length; i++) {
      if (b[i] == x) {
        return i;
      }
    }
    return -1;
  }
}
