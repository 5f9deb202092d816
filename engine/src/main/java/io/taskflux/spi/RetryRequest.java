package io.taskflux.spi;

import io.taskflux.task.ExceptionDetails;
import java.time.Instant;
import java.util.Objects;

/**
 * What {@link Backend#retry} takes for one failed attempt that will be tried again.
 *
 * @param lease the lease of the attempt
 * @param readyAt when the next attempt may start (the engine computes it from the backoff, counted
 *     from the failure); a time not after now makes it ready at once
 * @param error the failure, recorded on the message and in the {@code RETRYING} status
 * @param retention the status TTL
 */
public record RetryRequest(
    Lease lease, Instant readyAt, ExceptionDetails error, Retention retention) {

  /** Validates. */
  public RetryRequest {
    Objects.requireNonNull(lease, "lease");
    Objects.requireNonNull(readyAt, "readyAt");
    Objects.requireNonNull(error, "error");
    Objects.requireNonNull(retention, "retention");
  }
}
