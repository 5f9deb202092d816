package io.taskflux.redis;

import io.taskflux.engine.EngineCapacityContract;
import io.taskflux.spi.Backend;
import io.taskflux.testing.redis.RedisExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link EngineCapacityContract} on a real Redis started by the harness. */
class RedisEngineCapacityIT extends EngineCapacityContract {

  @RegisterExtension final RedisExtension redis = RedisExtension.withServer();

  @Override
  protected Backend createBackend(int capacity) {
    return RedisBackend.builder().uri(redis.uri()).maxQueueLength(capacity).build();
  }
}
