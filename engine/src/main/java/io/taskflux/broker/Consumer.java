package io.taskflux.broker;

import io.taskflux.spi.Backend;
import io.taskflux.spi.Delivery;
import java.util.Objects;
import reactor.core.publisher.Flux;

/**
 * Streams claimed messages from a subset of queues (the seed's {@code Consumer}), driven by demand.
 *
 * <p><b>Order.</b> Selectors in the order of {@link ConsumerOptions#subset()} (queue priority, then
 * task priority when tasks are listed); within one selector, lowest message priority first, FIFO
 * among equals. Delayed messages are skipped until due. Unlike the seed, queue names match exactly
 * (no prefix match), and a consumer names its queues (there is no "every queue" mode).
 *
 * <p><b>Demand.</b> Each claim asks for at most {@code min(outstanding demand, maxBatch)} messages,
 * so the consumer never leases a message nobody requested (DESIGN decision 3). With no demand it
 * does nothing. When a claim comes back short, it takes back expired leases of its queues ({@link
 * Backend#requeueExpired}) and, if none, waits for work with {@link Backend#awaitWork} — woken by
 * an enqueue, a due delayed message or an expiring lease, never by polling. While busy it also
 * reaps once per lease period, so a dead worker's message is not starved by a full queue.
 *
 * <p><b>Task filters</b> have one limit: the backend's wait knows queues, not tasks, so while a
 * queue holds ready messages of tasks this consumer does not take, the wait returns at once. The
 * consumer then alternates it with a short timer (10 ms, doubling up to one second) instead of
 * spinning, until it claims something again: new work of its own tasks may wait up to that timer.
 *
 * <p><b>Deliveries</b> carry a lease for {@link ConsumerOptions#owner()}: settle each with the
 * backend or the {@link Broker} (and extend it while running) before it expires, or it is
 * redelivered with one retry counted. A delivery whose payload cannot be decoded carries an error
 * instead of a message: fail it.
 *
 * <p><b>Threading and errors.</b> {@link #stream()} is cold: each subscription is a separate claim
 * loop. Signals arrive on the threads the backend signals on; the loop never blocks. A backend
 * error ends the stream with that error (wrap it in a retry to ride out outages). Cancelling stops
 * the loop and any idle wait; messages claimed but not yet emitted at that instant keep their lease
 * until it expires, then are redelivered.
 */
public interface Consumer {

  /** A consumer of {@code backend} with the given options. */
  static Consumer create(Backend backend, ConsumerOptions options) {
    return new DefaultConsumer(
        Objects.requireNonNull(backend, "backend"), Objects.requireNonNull(options, "options"));
  }

  /** The options. */
  ConsumerOptions options();

  /** The claimed messages, as requested. Cold; never completes by itself. */
  Flux<Delivery> stream();
}
