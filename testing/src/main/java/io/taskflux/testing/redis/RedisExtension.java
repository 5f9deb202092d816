package io.taskflux.testing.redis;

import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension that gives a test a real Redis. Register it on a {@code static} field for one
 * server (or cluster) per test class, or on an instance field for one per test method:
 *
 * <pre>{@code
 * @RegisterExtension static final RedisExtension redis = RedisExtension.withServer();
 * @RegisterExtension static final RedisExtension cluster = RedisExtension.withCluster(3);
 * ... redis.uri() ... redis.server().kill(); redis.server().restart(); ... cluster.seedUris()
 * }</pre>
 *
 * The processes are stopped after the class (or method), also when it fails.
 */
public final class RedisExtension
    implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

  private final RedisServerOptions options;
  private final int clusterMasters;
  private RedisServer server;
  private RedisCluster cluster;
  private boolean perClass;

  private RedisExtension(RedisServerOptions options, int clusterMasters) {
    this.options = options;
    this.clusterMasters = clusterMasters;
  }

  /** One server with the default options (AOF on). */
  public static RedisExtension withServer() {
    return withServer(RedisServerOptions.defaults());
  }

  /** One server with the given options. */
  public static RedisExtension withServer(RedisServerOptions options) {
    return new RedisExtension(options, 0);
  }

  /** A cluster of {@code masters} masters. */
  public static RedisExtension withCluster(int masters) {
    return new RedisExtension(RedisServerOptions.defaults().withAppendOnly(false), masters);
  }

  /** The server (not for a cluster extension). */
  public RedisServer server() {
    if (server == null) {
      throw new IllegalStateException("no single server running in this extension");
    }
    return server;
  }

  /** The cluster (only for a cluster extension). */
  public RedisCluster cluster() {
    if (cluster == null) {
      throw new IllegalStateException("no cluster running in this extension");
    }
    return cluster;
  }

  /** The server's URI, or the first seed of the cluster. */
  public String uri() {
    return cluster != null ? cluster.seedUris().get(0) : server().uri();
  }

  /** Every seed URI of the cluster, or the server's URI alone. */
  public List<String> seedUris() {
    return cluster != null ? cluster.seedUris() : List.of(server().uri());
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    perClass = true;
    startAll();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    stopAll();
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    if (!perClass) {
      startAll();
    }
  }

  @Override
  public void afterEach(ExtensionContext context) {
    if (!perClass) {
      stopAll();
    }
  }

  private void startAll() {
    if (clusterMasters > 0) {
      cluster = RedisCluster.start(clusterMasters, options);
    } else {
      server = RedisServer.start(options);
    }
  }

  private void stopAll() {
    if (server != null) {
      server.close();
      server = null;
    }
    if (cluster != null) {
      cluster.close();
      cluster = null;
    }
  }
}
