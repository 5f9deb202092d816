package io.taskflux.broker;

import io.taskflux.spi.Backend;
import io.taskflux.spi.Delivery;
import reactor.core.publisher.Flux;

/** {@link Consumer}: each subscription runs its own {@link ClaimLoop}. */
final class DefaultConsumer implements Consumer {

  private final Backend backend;
  private final ConsumerOptions options;

  DefaultConsumer(Backend backend, ConsumerOptions options) {
    this.backend = backend;
    this.options = options;
  }

  @Override
  public ConsumerOptions options() {
    return options;
  }

  @Override
  public Flux<Delivery> stream() {
    return Flux.create(sink -> new ClaimLoop(backend, options, sink).start());
  }

  @Override
  public String toString() {
    return "Consumer[" + options.subset() + ", owner=" + options.owner() + "]";
  }
}
