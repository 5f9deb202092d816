package io.taskflux.testing.redis;

import java.util.ArrayList;
import java.util.List;

/**
 * How the harness configures one {@code redis-server}. Immutable; every {@code with*} method
 * returns a copy. The defaults: AOF on with {@code appendfsync everysec}, no RDB snapshots, no
 * password, plain TCP, the binary from {@link RedisBinary#locate()}.
 *
 * @param appendOnly whether AOF persistence is on (needed for kill/restart durability)
 * @param appendFsync {@code everysec} or {@code always}
 * @param password {@code requirepass} for the default user, or {@code null}
 * @param aclRules extra {@code user ...} ACL lines, each a whole rule after {@code user}
 * @param tls whether the server listens on TLS only (certificates made by {@link TlsMaterial})
 * @param cluster whether cluster mode is enabled (set by {@link RedisCluster})
 * @param binary the executable, or {@code null} for {@link RedisBinary#locate()}
 */
public record RedisServerOptions(
    boolean appendOnly,
    String appendFsync,
    String password,
    List<String> aclRules,
    boolean tls,
    boolean cluster,
    RedisBinary.Located binary) {

  public RedisServerOptions {
    aclRules = List.copyOf(aclRules);
    if (!appendFsync.equals("everysec") && !appendFsync.equals("always")) {
      throw new IllegalArgumentException("appendFsync must be everysec or always: " + appendFsync);
    }
  }

  /** AOF on, fsync every second, no auth, plain TCP. */
  public static RedisServerOptions defaults() {
    return new RedisServerOptions(true, "everysec", null, List.of(), false, false, null);
  }

  public RedisServerOptions withAppendOnly(boolean on) {
    return new RedisServerOptions(on, appendFsync, password, aclRules, tls, cluster, binary);
  }

  /** {@code appendfsync always}: every acknowledged write is on disk before the reply. */
  public RedisServerOptions withFsyncAlways() {
    return new RedisServerOptions(appendOnly, "always", password, aclRules, tls, cluster, binary);
  }

  public RedisServerOptions withPassword(String pass) {
    return new RedisServerOptions(appendOnly, appendFsync, pass, aclRules, tls, cluster, binary);
  }

  /**
   * Adds an ACL user, e.g. {@code withAclUser("app", "secret", "~ns:* &* +@all")}.
   *
   * @param rules ACL rules after the password, space separated
   */
  public RedisServerOptions withAclUser(String name, String pass, String rules) {
    List<String> next = new ArrayList<>(aclRules);
    next.add(name + " on >" + pass + " " + rules);
    return new RedisServerOptions(appendOnly, appendFsync, password, next, tls, cluster, binary);
  }

  public RedisServerOptions withTls() {
    return new RedisServerOptions(
        appendOnly, appendFsync, password, aclRules, true, cluster, binary);
  }

  RedisServerOptions withCluster() {
    return new RedisServerOptions(appendOnly, appendFsync, password, aclRules, tls, true, binary);
  }

  public RedisServerOptions withBinary(RedisBinary.Located located) {
    return new RedisServerOptions(
        appendOnly, appendFsync, password, aclRules, tls, cluster, located);
  }
}
