package io.taskflux.spi;

import io.taskflux.task.ExceptionDetails;
import io.taskflux.task.MessageRef;
import java.util.Objects;

/**
 * What {@link Backend#revoke} takes.
 *
 * @param ref the message to revoke
 * @param skipIfRunning leave it alone if it is leased (running) right now
 * @param reason recorded on the dead letter and in the {@code FAILED} status
 * @param retention revocation mark TTL, dead-letter TTL and status TTL
 */
public record RevokeRequest(
    MessageRef ref, boolean skipIfRunning, ExceptionDetails reason, Retention retention) {

  /** Validates. */
  public RevokeRequest {
    Objects.requireNonNull(ref, "ref");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(retention, "retention");
  }
}
