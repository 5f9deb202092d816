package io.taskflux.spi;

import io.taskflux.task.ExceptionDetails;
import java.util.Objects;

/**
 * What {@link Backend#fail} takes for a message that will not be tried again.
 *
 * @param lease the lease of the attempt
 * @param error the final failure, recorded on the dead letter and in the {@code FAILED} status
 * @param retention dead-letter TTL (zero keeps none) and status TTL
 */
public record FailRequest(Lease lease, ExceptionDetails error, Retention retention) {

  /** Validates. */
  public FailRequest {
    Objects.requireNonNull(lease, "lease");
    Objects.requireNonNull(error, "error");
    Objects.requireNonNull(retention, "retention");
  }
}
