package io.taskflux.memory;

import io.taskflux.engine.EngineCapacityContract;
import io.taskflux.spi.Backend;

/** {@link EngineCapacityContract} on the in-memory backend. */
class InMemoryEngineCapacityTest extends EngineCapacityContract {

  @Override
  protected Backend createBackend(int capacity) {
    return InMemoryBackend.create(InMemoryOptions.defaults().withCapacity(capacity));
  }
}
