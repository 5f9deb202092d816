package io.taskflux.spi;

/**
 * How many messages a queue holds, by state, at one moment.
 *
 * @param queue the queue
 * @param ready claimable now
 * @param delayed waiting for their time
 * @param leased running (in flight)
 * @param deadLetters in the dead-letter queue
 */
public record QueueStats(String queue, long ready, long delayed, long leased, long deadLetters) {

  /** Messages waiting or running: {@code ready + delayed + leased}. */
  public long live() {
    return ready + delayed + leased;
  }
}
