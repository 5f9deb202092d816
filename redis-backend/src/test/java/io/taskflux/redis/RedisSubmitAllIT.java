package io.taskflux.redis;

import io.taskflux.engine.SubmitAllContract;
import io.taskflux.spi.Backend;
import io.taskflux.testing.redis.RedisExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code TaskEngine.submitAll} on a real redis-server ({@code enqueue_all.lua}). */
class RedisSubmitAllIT extends SubmitAllContract {

  @RegisterExtension static final RedisExtension redis = RedisExtension.withServer();

  @Override
  protected Backend createBackend(int capacity) {
    return RedisBackend.builder().uri(redis.uri()).maxQueueLength(capacity).build();
  }
}
