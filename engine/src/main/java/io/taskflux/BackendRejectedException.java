package io.taskflux;

import java.util.Objects;

/**
 * The backend refused an operation for a reason that repeating it cannot fix: the credentials, a
 * permission, the TLS set-up, the data in the namespace, or a server that lacks a command. Unlike
 * {@link BackendUnavailableException} (an outage, waited out), nothing in taskflux retries it:
 * every operation and every wait fails with it at once, and its {@linkplain #reason() reason} and
 * message name the cause (the server's reply, such as {@code NOPERM ...} or {@code WRONGPASS ...},
 * or the TLS failure), never a password. It usually means a configuration error, fixed outside the
 * application (an ACL rule, a password, a trusted CA).
 *
 * <p>Whether a backend error is transient or permanent is decided once, where the backend's own
 * errors are translated; code that must choose between retrying and giving up branches on the two
 * types.
 */
public class BackendRejectedException extends TaskfluxException {

  /** Why the backend refused. */
  public enum Reason {
    /** The credentials were refused or are missing (Redis: {@code WRONGPASS}, {@code NOAUTH}). */
    AUTHENTICATION,
    /**
     * The user may not run a command or touch a key or channel (Redis: {@code NOPERM}, an ACL rule
     * that does not cover the namespace).
     */
    AUTHORIZATION,
    /** The TLS handshake failed: a certificate not trusted or not matching, no common protocol. */
    TLS,
    /**
     * A stored value has the wrong shape (Redis: {@code WRONGTYPE}): something else writes into the
     * namespace.
     */
    DATA,
    /**
     * The server lacks a command or cannot keep a script the backend needs (Redis: {@code ERR
     * unknown command}, {@code NOSCRIPT} after the script was sent): a too old server or a proxy.
     */
    UNSUPPORTED
  }

  private final Reason reason;

  /** Creates the exception with a reason and a message naming the cause. */
  public BackendRejectedException(Reason reason, String message) {
    super(message);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  /** Creates the exception with a reason, a message naming the cause, and the cause. */
  public BackendRejectedException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  /** Why the backend refused; never null. */
  public Reason reason() {
    return reason;
  }
}
