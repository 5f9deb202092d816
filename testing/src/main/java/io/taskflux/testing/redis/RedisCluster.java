package io.taskflux.testing.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A Redis Cluster of {@code n} masters (no replicas) on free loopback ports: each node started in
 * cluster mode, the 16384 slots split evenly, the nodes introduced with {@code CLUSTER MEET}, and
 * {@code cluster_state:ok} awaited on every node before {@link #start(int)} returns.
 */
public final class RedisCluster implements AutoCloseable {

  /** The number of hash slots in a Redis Cluster. */
  public static final int SLOTS = 16_384;

  private static final Duration FORM_TIMEOUT = Duration.ofSeconds(60);

  private final List<RedisServer> nodes;

  private RedisCluster(List<RedisServer> nodes) {
    this.nodes = nodes;
  }

  /** Starts {@code masters} nodes with default options and forms the cluster. */
  public static RedisCluster start(int masters) {
    return start(masters, RedisServerOptions.defaults().withAppendOnly(false));
  }

  /** Starts {@code masters} nodes with {@code options} (cluster mode added) and forms it. */
  public static RedisCluster start(int masters, RedisServerOptions options) {
    if (masters < 1) {
      throw new IllegalArgumentException("masters must be >= 1: " + masters);
    }
    List<RedisServer> nodes = new ArrayList<>();
    RedisCluster cluster = new RedisCluster(nodes);
    try {
      for (int i = 0; i < masters; i++) {
        nodes.add(RedisServer.start(options.withCluster()));
      }
      cluster.form();
      return cluster;
    } catch (RuntimeException | IOException e) {
      cluster.close();
      if (e instanceof IOException io) {
        throw new UncheckedIOException("cannot form a redis cluster", io);
      }
      throw (RuntimeException) e;
    }
  }

  /** The nodes, in start order. */
  public List<RedisServer> nodes() {
    return List.copyOf(nodes);
  }

  /** One {@code redis://} URI per node: any of them is a seed for a cluster client. */
  public List<String> seedUris() {
    return nodes.stream().map(RedisServer::uri).toList();
  }

  private void form() throws IOException {
    int n = nodes.size();
    for (int i = 0; i < n; i++) {
      int from = i * SLOTS / n;
      int to = (i + 1) * SLOTS / n; // exclusive
      try (Resp r = nodes.get(i).connect()) {
        r.call("CLUSTER", "SET-CONFIG-EPOCH", Integer.toString(i + 1));
        // ADDSLOTSRANGE is Redis 7 only; ADDSLOTS also works on a 6.2 server
        // (-Dtaskflux.redis.server).
        List<String> args = new ArrayList<>();
        args.add("CLUSTER");
        args.add("ADDSLOTS");
        for (int s = from; s < to; s++) {
          args.add(Integer.toString(s));
        }
        r.call(args.toArray(String[]::new));
      }
    }
    try (Resp first = nodes.get(0).connect()) {
      for (int i = 1; i < n; i++) {
        first.call("CLUSTER", "MEET", "127.0.0.1", Integer.toString(nodes.get(i).port()));
      }
    }
    long deadline = System.nanoTime() + FORM_TIMEOUT.toNanos();
    for (RedisServer node : nodes) {
      try (Resp r = node.connect()) {
        // No notification exists for cluster formation; this is the harness, on the test thread.
        while (!isFormed(r, n)) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException(
                "cluster did not reach cluster_state:ok with " + n + " masters in " + FORM_TIMEOUT);
          }
          sleep(20);
        }
      }
    }
  }

  private static boolean isFormed(Resp r, int masters) throws IOException {
    String info = r.callString("CLUSTER", "INFO");
    return info.contains("cluster_state:ok")
        && info.contains("cluster_known_nodes:" + masters + "\r\n")
        && info.contains("cluster_slots_ok:" + SLOTS + "\r\n");
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while forming the cluster", e);
    }
  }

  /** Stops every node. */
  @Override
  public void close() {
    for (RedisServer node : nodes) {
      node.close();
    }
  }
}
