package io.taskflux.testing.redis;

import java.util.List;
import org.junit.jupiter.api.Assumptions;
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
 *
 * <p>A test that needs a feature of a later Redis than the harness may be given (the fallback
 * binary is 7.0, but {@code -Dtaskflux.redis.server} can name any) declares it, and is skipped with
 * the reason on an older server instead of failing:
 *
 * <pre>{@code
 * @RegisterExtension static final RedisExtension cluster =
 *     RedisExtension.withCluster(3).requiringVersion(7, 0, "sharded pub/sub");
 * // or, in a test that starts its own server:
 * RedisExtension.requireVersion(7, 0, "ACL rules naming SSUBSCRIBE");
 * }</pre>
 */
public final class RedisExtension
    implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

  private final RedisServerOptions options;
  private final int clusterMasters;
  private final RedisVersion minimum;
  private final String minimumFor;
  private RedisServer server;
  private RedisCluster cluster;
  private boolean perClass;

  private RedisExtension(
      RedisServerOptions options, int clusterMasters, RedisVersion minimum, String minimumFor) {
    this.options = options;
    this.clusterMasters = clusterMasters;
    this.minimum = minimum;
    this.minimumFor = minimumFor;
  }

  /** One server with the default options (AOF on). */
  public static RedisExtension withServer() {
    return withServer(RedisServerOptions.defaults());
  }

  /** One server with the given options. */
  public static RedisExtension withServer(RedisServerOptions options) {
    return new RedisExtension(options, 0, null, null);
  }

  /** A cluster of {@code masters} masters. */
  public static RedisExtension withCluster(int masters) {
    return new RedisExtension(
        RedisServerOptions.defaults().withAppendOnly(false), masters, null, null);
  }

  /**
   * A copy that starts nothing and skips the test class (or method) when the executable the harness
   * would run is older than {@code major.minor}; {@code feature} says what needs it.
   */
  public RedisExtension requiringVersion(int major, int minor, String feature) {
    return new RedisExtension(
        options, clusterMasters, new RedisVersion(major, minor, 0), requireFeature(feature));
  }

  /**
   * Skips the calling test (a JUnit assumption) when the executable the harness would run is older
   * than {@code major.minor}, naming {@code feature}, the version found and the executable. Call it
   * before starting a server whose configuration an older server would refuse.
   */
  public static void requireVersion(int major, int minor, String feature) {
    assumeAtLeast(
        binaryFor(RedisServerOptions.defaults()),
        new RedisVersion(major, minor, 0),
        requireFeature(feature));
  }

  private static String requireFeature(String feature) {
    if (feature == null || feature.isBlank()) {
      throw new IllegalArgumentException("feature must name what needs the version");
    }
    return feature;
  }

  private static RedisBinary.Located binaryFor(RedisServerOptions options) {
    return options.binary() != null ? options.binary() : RedisBinary.locate();
  }

  private static void assumeAtLeast(
      RedisBinary.Located binary, RedisVersion minimum, String feature) {
    RedisVersion actual = binary.version();
    Assumptions.assumeTrue(
        actual.atLeast(minimum.major(), minimum.minor()),
        () ->
            feature
                + " needs Redis "
                + minimum.major()
                + "."
                + minimum.minor()
                + "+; the harness's redis-server is "
                + actual
                + ": "
                + binary);
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
    // Too old a server: start nothing; each test is then skipped in beforeEach, so the reports
    // list every skipped test with the reason (a class aborted here is reported as 0 tests).
    if (versionMet()) {
      startAll();
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    stopAll();
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    if (minimum != null) {
      assumeAtLeast(binaryFor(options), minimum, minimumFor);
    }
    if (!perClass) {
      startAll();
    }
  }

  private boolean versionMet() {
    return minimum == null
        || binaryFor(options).version().atLeast(minimum.major(), minimum.minor());
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
