package io.taskflux.redis;

import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisURI;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The pub/sub side of a backend, demultiplexed locally. A channel (a queue's status, result or
 * revocation writes; a lock's releases) is subscribed once, when its first local listener arrives,
 * whatever the number of listeners; each message is handed to the listeners of its key (the message
 * id, or the lock name). A channel without listeners is unsubscribed after a linger time, so a
 * steady trickle of waiters does not subscribe and unsubscribe once per task.
 *
 * <p>Where: a channel is subscribed on the node that owns its slot (the server itself when not a
 * cluster), over one pub/sub connection per such node. On Redis 7.0+ it is a sharded subscription
 * ({@code SSUBSCRIBE}, matching the scripts' {@code SPUBLISH}, see {@code includes/publish.lua});
 * on 6.2 a plain {@code SUBSCRIBE}, which still hears the node's own {@code PUBLISH} before it
 * crosses the cluster bus. Either way no notification waits on the cluster bus.
 *
 * <p>Subscribe-then-read: {@link #listen} registers the listener first and returns a {@code Mono}
 * that completes once Redis confirmed the subscription; a caller that reads the current value after
 * that cannot miss a later write. After a node's connection comes back from a disconnect, every
 * channel of that node is subscribed again and, once Redis confirmed it, the {@code recheck} of
 * each of its listeners runs: a write published while the connection was down is read then.
 *
 * <p>Thread-safety: the tables are guarded by {@code this}; listeners and rechecks run on Lettuce's
 * I/O thread and must only hand the value on (or start a non-blocking read).
 */
final class Notifications extends RedisPubSubAdapter<String, byte[]> {

  private static final Duration LINGER = Duration.ofSeconds(30);

  private final RedisConnections connections;
  private final Map<String, Channel> channels = new HashMap<>();
  private final Map<String, Mono<Link>> links = new HashMap<>(); // by node host:port

  /** A pub/sub connection to one node, and whether that node speaks sharded pub/sub. */
  private record Link(StatefulRedisPubSubConnection<String, byte[]> connection, boolean sharded) {
    Mono<Void> subscribe(String... names) {
      return Mono.fromCompletionStage(
              () ->
                  sharded
                      ? connection.async().ssubscribe(names)
                      : connection.async().subscribe(names))
          .then();
    }

    void unsubscribe(String name) {
      if (!connection.isOpen()) {
        return; // the backend was closed while the channel lingered
      }
      try {
        if (sharded) {
          connection.async().sunsubscribe(name);
        } else {
          connection.async().unsubscribe(name);
        }
      } catch (RuntimeException e) {
        // Closed in between (Lettuce's timer is gone): nothing left to unsubscribe from.
      }
    }
  }

  private record Listener(Consumer<byte[]> onMessage, Runnable recheck) {}

  private final class Channel {
    final String name;
    final boolean keyed; // payload starts with "<length>:<key>"; else the payload is the key
    final Map<String, List<Listener>> listeners = new HashMap<>();
    Mono<Void> subscribed;
    Link link; // set once subscribed
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
   *     itself (lock channels)
   * @param recheck run after the channel's connection was lost and is subscribed again: re-read the
   *     watched value (a write published in between was not delivered)
   */
  Registration listen(
      String channel, boolean keyed, String key, Consumer<byte[]> listener, Runnable recheck) {
    Listener entry = new Listener(listener, recheck);
    Channel c;
    synchronized (this) {
      c = channels.computeIfAbsent(channel, n -> new Channel(n, keyed));
      c.listeners.computeIfAbsent(key, k -> new ArrayList<>(1)).add(entry);
      c.refs++;
      if (c.subscribed == null) {
        Channel self = c;
        c.subscribed =
            connections
                .nodeFor(channel)
                .flatMap(this::link)
                .flatMap(link -> link.subscribe(channel).doOnSuccess(v -> bind(self, link)))
                .onErrorMap(connections::translate)
                .doOnError(e -> forgetSubscription(self))
                .cache();
      }
    }
    Channel registered = c;
    return new Registration(c.subscribed, () -> remove(registered, key, entry));
  }

  /** What {@link #listen} returns: when it is safe to read, and how to stop listening. */
  record Registration(Mono<Void> ready, Runnable stop) implements Disposable {
    @Override
    public void dispose() {
      stop.run();
    }
  }

  /** Opens the pub/sub connection to the server now (not on a cluster: nodes vary by channel). */
  void warmUp() {
    if (!connections.isCluster()) {
      connections.nodeFor("").flatMap(this::link).subscribe(l -> {}, e -> {});
    }
  }

  private synchronized void bind(Channel c, Link link) {
    c.link = link;
  }

  /** The one connection to {@code node}, made (and its version asked) on first use. */
  private synchronized Mono<Link> link(RedisURI node) {
    String id = node.getHost() + ":" + node.getPort();
    Mono<Link> existing = links.get(id);
    if (existing != null) {
      return existing;
    }
    Mono<Link> made =
        connections
            .connectPubSub(node)
            .flatMap(
                conn ->
                    // Asked before the first subscription, while the connection can still
                    // run ordinary commands (RESP2).
                    Mono.fromCompletionStage(() -> conn.async().info("server"))
                        .map(info -> new Link(conn, majorVersion(info) >= 7))
                        .doOnError(e -> conn.closeAsync()))
            .doOnNext(this::watch)
            .doOnError(e -> forgetLink(id))
            .cache();
    links.put(id, made);
    return made;
  }

  private synchronized void forgetLink(String id) {
    links.remove(id);
  }

  static int majorVersion(String info) {
    int at = info.indexOf("redis_version:");
    if (at < 0) {
      return 0;
    }
    int from = at + "redis_version:".length();
    int dot = info.indexOf('.', from);
    try {
      return Integer.parseInt(info.substring(from, dot < 0 ? info.length() : dot).trim());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private void watch(Link link) {
    link.connection().addListener(this);
    if (link.connection() instanceof RedisChannelHandler<?, ?> handler) {
      handler.addListener(
          new RedisConnectionStateListener() {
            @Override
            public void onRedisConnected(RedisChannelHandler<?, ?> c, SocketAddress address) {
              resubscribe(link);
            }
          });
    }
  }

  /**
   * After a reconnect: subscribes the link's channels again (Lettuce does too; a repeated subscribe
   * is harmless) and, once Redis confirmed it, runs every recheck of their listeners.
   */
  private void resubscribe(Link link) {
    List<String> names = new ArrayList<>();
    synchronized (this) {
      for (Channel c : channels.values()) {
        if (c.link == link) {
          names.add(c.name);
        }
      }
    }
    if (names.isEmpty()) {
      return;
    }
    link.subscribe(names.toArray(String[]::new)).subscribe(v -> {}, e -> {}, () -> recheck(names));
  }

  private void recheck(List<String> names) {
    List<Runnable> rechecks = new ArrayList<>();
    synchronized (this) {
      for (String name : names) {
        Channel c = channels.get(name);
        if (c != null) {
          c.listeners.values().forEach(list -> list.forEach(l -> rechecks.add(l.recheck())));
        }
      }
    }
    rechecks.forEach(Runnable::run);
  }

  private synchronized void forgetSubscription(Channel c) {
    if (channels.get(c.name) == c) {
      c.subscribed = null;
      if (c.refs == 0) {
        channels.remove(c.name);
      }
    }
  }

  private void remove(Channel c, String key, Listener listener) {
    synchronized (this) {
      List<Listener> list = c.listeners.get(key);
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
    Link link;
    synchronized (this) {
      if (c.refs > 0 || channels.get(c.name) != c) {
        return;
      }
      channels.remove(c.name);
      link = c.link;
    }
    if (link != null) {
      link.unsubscribe(c.name);
    }
  }

  @Override
  public void smessage(String shardChannel, byte[] payload) {
    message(shardChannel, payload);
  }

  @Override
  public void message(String channel, byte[] payload) {
    List<Listener> targets;
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
      List<Listener> found = c.listeners.get(key);
      if (found == null) {
        return;
      }
      targets = List.copyOf(found);
    }
    for (Listener t : targets) {
      try {
        t.onMessage().accept(value);
      } catch (RuntimeException e) {
        // One failing listener must not cost the others their wake-up.
      }
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
