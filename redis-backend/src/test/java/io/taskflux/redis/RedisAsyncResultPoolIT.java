package io.taskflux.redis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskflux.result.AsyncResultPool;
import io.taskflux.result.AsyncResultPoolOptions;
import io.taskflux.result.ResultAlreadyExistsException;
import io.taskflux.testing.redis.RedisExtension;
import io.taskflux.testing.redis.Resp;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.test.StepVerifier;

/**
 * Two Redis pools on one server (one built directly, one through {@code AsyncResultPool.pools
 * ("redis", ...)}) share one key counter; every waiter of a key, in either pool, wakes on its one
 * set; a value is set once and carries the pool's TTL.
 */
class RedisAsyncResultPoolIT {

  @RegisterExtension final RedisExtension redis = RedisExtension.withServer();

  private static final Duration SOON = Duration.ofSeconds(20);
  private static final Duration MAX_EXPIRE = Duration.ofMinutes(10);

  @Test
  void poolsShareTheCounterAndEveryWaiterWakesOnTheOneSet() throws Exception {
    RedisAsyncResultPool a = RedisAsyncResultPool.connect(redis.uri(), "default", MAX_EXPIRE);
    AsyncResultPool b =
        AsyncResultPool.pools(
            "redis",
            AsyncResultPoolOptions.defaults().withUrl(redis.uri()).withMaxExpire(MAX_EXPIRE));
    try {
      // One counter: keys handed out by the two pools never collide.
      Set<Long> keys = new TreeSet<>();
      for (int i = 0; i < 5; i++) {
        keys.add(a.prepare().block(SOON));
        keys.add(b.prepare().block(SOON));
      }
      assertEquals(Set.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L), keys);

      long key = a.prepare().block(SOON);
      List<CompletableFuture<byte[]>> waiters = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        waiters.add(a.get(key, SOON).toFuture());
        waiters.add(b.get(key, SOON).toFuture());
      }
      waiters.forEach(w -> assertFalse(w.isDone(), "woken before the set"));

      byte[] value = "the answer".getBytes(StandardCharsets.UTF_8);
      b.set(key, value).block(SOON);
      for (CompletableFuture<byte[]> w : waiters) {
        assertArrayEquals(value, w.get(SOON.toMillis(), TimeUnit.MILLISECONDS));
      }

      // Set once: a second set fails and the first value stays, for every reader.
      StepVerifier.create(a.set(key, "other".getBytes(StandardCharsets.UTF_8)))
          .expectError(ResultAlreadyExistsException.class)
          .verify(SOON);
      assertArrayEquals(value, a.get(key, Duration.ZERO).block(SOON));

      // The value lives maxExpire.
      try (Resp r = redis.server().connect()) {
        Keys names = new Keys("taskflux");
        long pttl = (Long) r.call("PTTL", names.result("async-result-pool:default", "" + key));
        assertTrue(pttl > 0 && pttl <= MAX_EXPIRE.toMillis(), "PTTL " + pttl);
      }

      // A key that is never set times out.
      StepVerifier.create(a.get(a.prepare().block(SOON), Duration.ofMillis(200)))
          .expectError(TimeoutException.class)
          .verify(SOON);
    } finally {
      a.closeAsync().block(SOON);
      ((RedisAsyncResultPool) b).closeAsync().block(SOON);
    }
  }
}
