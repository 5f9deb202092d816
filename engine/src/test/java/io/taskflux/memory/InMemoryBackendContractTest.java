package io.taskflux.memory;

import io.taskflux.spi.Backend;
import io.taskflux.spi.BackendContractTest;
import java.time.Clock;

/** The backend contract against {@link InMemoryBackend}, with its invariants after each test. */
class InMemoryBackendContractTest extends BackendContractTest {

  @Override
  protected Backend createBackend(Clock clock) {
    return InMemoryBackend.create(InMemoryOptions.defaults().withClock(clock));
  }

  @Override
  protected Backend createBackend(Clock clock, int capacity) {
    return InMemoryBackend.create(new InMemoryOptions(clock, capacity));
  }

  @Override
  protected void verifyAfterEach(Backend backend) {
    ((InMemoryBackend) backend).checkInvariants();
  }
}
