package io.taskflux.redis;

import io.taskflux.spi.Backend;
import io.taskflux.spi.BackendContractTest;
import io.taskflux.testing.redis.RedisExtension;
import java.time.Clock;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The engine's backend contract, unchanged, against a real redis-server. */
class RedisBackendContractIT extends BackendContractTest {

  @RegisterExtension static final RedisExtension redis = RedisExtension.withServer();

  @Override
  protected Backend createBackend(Clock clock) {
    return RedisBackend.builder().uri(redis.uri()).clock(clock).build();
  }

  @Override
  protected Backend createBackend(Clock clock, int capacity) {
    return RedisBackend.builder().uri(redis.uri()).clock(clock).maxQueueLength(capacity).build();
  }
}
