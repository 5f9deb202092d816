package io.taskflux.spi;

import io.taskflux.task.MessageRef;
import java.time.Instant;
import java.util.Objects;

/**
 * The right of one owner to run one claimed message until {@code expiresAt}. Operations that settle
 * a claimed message take its lease and apply only while that very lease still holds: while the
 * backend clock is before {@code expiresAt} and the message was not settled, revoked, removed or
 * taken back. Past {@code expiresAt} a lease is lost even before {@link Backend#requeueExpired}
 * takes the message back; extend it in time with {@link Backend#extendLease}.
 *
 * @param ref the claimed message
 * @param owner who claimed it (a worker id)
 * @param token identifies this claim among all claims of the message; opaque, chosen by the backend
 * @param expiresAt when the lease ends unless extended (backend clock)
 */
public record Lease(MessageRef ref, String owner, String token, Instant expiresAt) {

  /** Validates. */
  public Lease {
    Objects.requireNonNull(ref, "ref");
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(expiresAt, "expiresAt");
  }

  /** A copy that ends at another time. */
  public Lease withExpiresAt(Instant expiresAt) {
    return new Lease(ref, owner, token, expiresAt);
  }
}
