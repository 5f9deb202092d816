package io.taskflux.redis;

import io.taskflux.spi.Backend;
import io.taskflux.spi.BackendContractTest;
import io.taskflux.testing.redis.RedisExtension;
import java.time.Clock;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The engine's backend contract, unchanged, against a 3-master Redis Cluster. */
class RedisClusterBackendContractIT extends BackendContractTest {

  @RegisterExtension static final RedisExtension cluster = RedisExtension.withCluster(3);

  @Override
  protected Backend createBackend(Clock clock) {
    return RedisBackend.builder().uris(cluster.seedUris()).cluster(true).clock(clock).build();
  }

  @Override
  protected Backend createBackend(Clock clock, int capacity) {
    return RedisBackend.builder()
        .uris(cluster.seedUris())
        .cluster(true)
        .clock(clock)
        .maxQueueLength(capacity)
        .build();
  }
}
