package io.taskflux.testing.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

class RedisVersionTest {

  @Test
  void parsesTheVersionLineAndOrdersVersions() {
    RedisVersion v =
        RedisVersion.parse("Redis server v=6.2.6 sha=00000000:0 malloc=libc bits=64 build=1\n");
    assertEquals(new RedisVersion(6, 2, 6), v);
    assertTrue(v.atLeast(6, 2));
    assertFalse(v.atLeast(7, 0));
    assertTrue(new RedisVersion(7, 0, 15).atLeast(7, 0));
    assertTrue(new RedisVersion(10, 0, 0).atLeast(7, 2));
    assertThrows(IllegalArgumentException.class, () -> RedisVersion.parse("redis-server: oops"));
  }

  @Test
  void requireVersionSkipsWithTheReasonOnAnOlderServerOnly() {
    RedisVersion actual = RedisBinary.locate().version();
    RedisExtension.requireVersion(actual.major(), actual.minor(), "a feature this server has");
    TestAbortedException skipped =
        assertThrows(
            TestAbortedException.class,
            () -> RedisExtension.requireVersion(actual.major() + 1, 0, "tomorrow's feature"));
    assertTrue(skipped.getMessage().contains("tomorrow's feature"), skipped.getMessage());
    assertTrue(skipped.getMessage().contains(actual.toString()), skipped.getMessage());
  }

  @Test
  void anExtensionRequiringALaterVersionStartsNothing() {
    RedisVersion actual = RedisBinary.locate().version();
    RedisExtension ext =
        RedisExtension.withServer().requiringVersion(actual.major() + 1, 0, "tomorrow's feature");
    long before = RedisProcesses.liveCount();
    ext.beforeAll(null);
    TestAbortedException skipped =
        assertThrows(TestAbortedException.class, () -> ext.beforeEach(null));
    assertTrue(skipped.getMessage().contains("tomorrow's feature"), skipped.getMessage());
    assertEquals(before, RedisProcesses.liveCount());
    assertThrows(IllegalStateException.class, ext::server);
  }
}
