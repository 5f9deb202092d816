package io.taskflux.engine;

import io.taskflux.memory.InMemoryBackend;
import io.taskflux.memory.InMemoryOptions;
import io.taskflux.spi.Backend;

/** {@link TaskEngine#submitAll} on the in-memory backend (its default {@code enqueueAll}). */
class InMemorySubmitAllTest extends SubmitAllContract {

  @Override
  protected Backend createBackend(int capacity) {
    InMemoryOptions o = InMemoryOptions.defaults();
    return InMemoryBackend.create(capacity > 0 ? o.withCapacity(capacity) : o);
  }
}
