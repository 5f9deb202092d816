package io.taskflux.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import reactor.core.publisher.Mono;

/**
 * The Lettuce side of a backend: one client (standalone or cluster), the shared command connection
 * (Lettuce pipelines every caller's commands on it), pub/sub connections for {@link Notifications}
 * (one per node that serves a subscribed channel: the server, or each cluster master owning one),
 * and {@link BlockingPops} for the dedicated blocking connections. Every connection is made on
 * first use, asynchronously, and reconnects by itself.
 */
final class RedisConnections {

  static final RedisCodec<String, byte[]> CODEC =
      RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

  private final ClientResources resources;
  private final boolean ownResources;
  private final List<RedisURI> seeds;
  private final String address;
  private final RedisClient client; // standalone, and blocking connections in both modes
  private final RedisClusterClient clusterClient; // null when standalone
  private final Lazy<StatefulRedisConnection<String, byte[]>> standalone;
  private final Lazy<StatefulRedisClusterConnection<String, byte[]>> cluster;
  private final RedisClient pubSubClient; // pub/sub connections, one per node serving channels
  private final BlockingPops blocking;

  RedisConnections(RedisBackend.Builder b) {
    // A URI's timeout bounds the connection handshake (HELLO, AUTH, SELECT) and the topology
    // refresh's connections; Lettuce's default is 60 s, which let one stalled handshake hold the
    // first cluster operation for a minute. The command timeout is the right bound for both.
    this.seeds =
        b.uris.stream()
            .map(u -> RedisURI.builder(u).withTimeout(b.commandTimeout).build())
            .toList();
    this.address =
        seeds.stream().map(u -> u.getHost() + ":" + u.getPort()).collect(Collectors.joining(","));
    this.ownResources = b.resources == null;
    // Reconnect attempts back off exponentially but never wait more than a second, so a backend
    // is back within about a second of its server (Lettuce's default waits up to 30 s).
    this.resources =
        ownResources
            ? ClientResources.builder()
                .reconnectDelay(
                    Delay.exponential(
                        Duration.ofMillis(5), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))
                .build()
            : b.resources;
    ClusterClientOptions.Builder options =
        ClusterClientOptions.builder()
            .autoReconnect(true)
            .timeoutOptions(TimeoutOptions.enabled(b.commandTimeout))
            .socketOptions(
                io.lettuce.core.SocketOptions.builder()
                    .connectTimeout(b.connectTimeout)
                    .tcpNoDelay(true)
                    .build())
            .topologyRefreshOptions(
                ClusterTopologyRefreshOptions.builder().enableAllAdaptiveRefreshTriggers().build());
    if (b.ssl != null) {
      options.sslOptions(b.ssl);
    }
    if (b.options != null) {
      options = b.options.apply(options);
    }
    ClusterClientOptions built = options.build();
    // Blocking pops wait as long as they are told to: no command timeout on their connections;
    // BlockingPops bounds each wait itself.
    ClientOptions blockingOptions =
        built
            .mutate()
            .timeoutOptions(TimeoutOptions.builder().timeoutCommands(false).build())
            .build();
    this.client = RedisClient.create(resources);
    this.client.setOptions(b.cluster ? blockingOptions : built);
    RedisClient blockingClient = RedisClient.create(resources);
    blockingClient.setOptions(blockingOptions);
    if (b.cluster) {
      this.clusterClient = RedisClusterClient.create(resources, seeds);
      this.clusterClient.setOptions(built);
      this.standalone = null;
      this.cluster =
          new Lazy<>(
              () ->
                  // Lettuce's async connect needs the topology loaded first (its sync connect
                  // loads it, blocking).
                  Mono.fromCompletionStage(clusterClient::refreshPartitionsAsync)
                      .then(Mono.fromCompletionStage(() -> clusterClient.connectAsync(CODEC)))
                      .onErrorMap(this::translate));
    } else {
      this.clusterClient = null;
      this.cluster = null;
      RedisURI uri = seeds.get(0);
      this.standalone =
          new Lazy<>(
              () ->
                  Mono.fromCompletionStage(() -> client.connectAsync(CODEC, uri))
                      .onErrorMap(this::translate));
    }
    if (b.cluster) {
      this.pubSubClient = RedisClient.create(resources);
      this.pubSubClient.setOptions(built);
    } else {
      this.pubSubClient = client;
    }
    this.blocking = new BlockingPops(blockingClient, this);
  }

  /** Where Redis is, for messages: {@code host:port} of every seed, never a password. */
  String address() {
    return address;
  }

  boolean isCluster() {
    return clusterClient != null;
  }

  Throwable translate(Throwable e) {
    return RedisErrors.translate(e, address);
  }

  /** The shared command connection's async commands (routed by key on a cluster). */
  Mono<RedisClusterAsyncCommands<String, byte[]>> commands() {
    return isCluster()
        ? cluster.get().map(StatefulRedisClusterConnection::async)
        : standalone.get().map(StatefulRedisConnection::async);
  }

  /** A new pub/sub connection to {@code node} (see {@link #nodeFor}). */
  Mono<StatefulRedisPubSubConnection<String, byte[]>> connectPubSub(RedisURI node) {
    return Mono.<StatefulRedisPubSubConnection<String, byte[]>>fromCompletionStage(
            () -> pubSubClient.connectPubSubAsync(CODEC, node))
        .onErrorMap(this::translate);
  }

  BlockingPops blocking() {
    return blocking;
  }

  /** The node serving {@code key}: the server itself, or the cluster master of its slot. */
  Mono<RedisURI> nodeFor(String key) {
    if (!isCluster()) {
      return Mono.just(seeds.get(0));
    }
    return cluster
        .get()
        .map(
            c -> {
              RedisClusterNode node = c.getPartitions().getMasterBySlot(SlotHash.getSlot(key));
              if (node == null) {
                throw new io.taskflux.BackendUnavailableException(
                    "Redis cluster at " + address + " has no master for the slot of " + key);
              }
              // Same credentials and TLS as the seed, the node's host and port.
              return RedisURI.builder(seeds.get(0))
                  .withHost(node.getUri().getHost())
                  .withPort(node.getUri().getPort())
                  .build();
            });
  }

  /** Standalone connections to one node (blocking pops and their unblocking). */
  Mono<StatefulRedisConnection<String, byte[]>> connectNode(RedisClient on, RedisURI node) {
    return Mono.<StatefulRedisConnection<String, byte[]>>fromCompletionStage(
            () -> on.connectAsync(CODEC, node))
        .onErrorMap(this::translate);
  }

  Mono<Void> close() {
    // The clients shut down side by side: each may take up to its 2 s quiet timeout, and one after
    // the other (blocking pops, cluster, commands, pub/sub) that added up past 5 s on a cluster.
    Mono<Void> clients =
        Mono.when(
            blocking.close().onErrorResume(e -> Mono.empty()),
            shutdown(clusterClient),
            shutdown(client),
            pubSubClient != client ? shutdown(pubSubClient) : Mono.empty());
    return clients
        .then(
            ownResources
                ? Mono.fromFuture(() -> toCompletable(resources.shutdown(0, 2, TimeUnit.SECONDS)))
                    .then()
                : Mono.empty())
        .onErrorResume(e -> Mono.empty());
  }

  private static Mono<Void> shutdown(io.lettuce.core.AbstractRedisClient c) {
    return c == null
        ? Mono.empty()
        : Mono.fromCompletionStage(() -> c.shutdownAsync(0, 2, TimeUnit.SECONDS))
            .onErrorResume(e -> Mono.empty());
  }

  private static java.util.concurrent.CompletableFuture<Boolean> toCompletable(
      io.netty.util.concurrent.Future<Boolean> f) {
    java.util.concurrent.CompletableFuture<Boolean> c =
        new java.util.concurrent.CompletableFuture<>();
    f.addListener(done -> c.complete(Boolean.TRUE));
    return c;
  }

  static Duration defaultTimeout() {
    return Duration.ofSeconds(10);
  }
}
