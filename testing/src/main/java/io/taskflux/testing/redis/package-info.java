/**
 * A harness that runs real {@code redis-server} processes for tests: single servers (with AOF, kill
 * and restart, pause, password, ACL users and TLS) and small Redis Clusters.
 *
 * <p>Every process it starts is registered with {@link io.taskflux.testing.redis.RedisProcesses},
 * which stops it when its owner closes it or, failing that, when the JVM exits. A server it did not
 * start is never touched. The blocking calls in here run on the test thread only; none of this is
 * meant for production code.
 */
package io.taskflux.testing.redis;
