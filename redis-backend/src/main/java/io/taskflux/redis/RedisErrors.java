package io.taskflux.redis;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisException;
import io.taskflux.BackendRejectedException;
import io.taskflux.BackendRejectedException.Reason;
import io.taskflux.BackendUnavailableException;
import io.taskflux.CapacityExceededException;
import io.taskflux.TaskfluxException;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * The one place where Redis failures become taskflux exceptions, and so the one place where they
 * are classified as transient or permanent. Script error codes (the first word of a script's error
 * reply) are named here:
 *
 * <ul>
 *   <li>{@code TFX_CAPACITY} (enqueue): the queue is full → {@link CapacityExceededException}.
 * </ul>
 *
 * <p><b>Permanent</b> → {@link BackendRejectedException}, which no wait or loop retries, found
 * anywhere in the failure's causes (Lettuce wraps a refused handshake in "Unable to connect"):
 *
 * <ul>
 *   <li>{@code NOPERM}, {@code DENIED} (protected mode) → {@link Reason#AUTHORIZATION};
 *   <li>{@code WRONGPASS}, {@code NOAUTH}, {@code ERR AUTH ...}/{@code ERR invalid password} →
 *       {@link Reason#AUTHENTICATION};
 *   <li>a certificate not trusted or not matching the host, an alert from the server during the
 *       handshake, TLS spoken to a plain port → {@link Reason#TLS};
 *   <li>{@code WRONGTYPE} → {@link Reason#DATA};
 *   <li>{@code ERR unknown command}/{@code subcommand}, and {@code NOSCRIPT} (it only reaches here
 *       after {@link Scripts} sent the script's source, so reloading did not help) → {@link
 *       Reason#UNSUPPORTED}.
 * </ul>
 *
 * The same codes inside a script's "Error running script" reply (Redis 6.2 wraps them) count too.
 *
 * <p><b>Transient</b>: everything else that Redis or the connection reports (connection refused or
 * lost, a reconnect in progress, command timeout, {@code LOADING} after a restart, {@code BUSY},
 * {@code TRYAGAIN}, {@code MASTERDOWN}, {@code CLUSTERDOWN}, {@code READONLY} during a failover,
 * out of memory) becomes {@link BackendUnavailableException}: every operation is safe to repeat.
 * ({@code MOVED}/{@code ASK} are followed by Lettuce and never get here.)
 *
 * <p>Messages name the address ({@code host:port}) and the server's reply, never a password: Redis
 * never echoes one, and Lettuce's own messages name the host and port only.
 */
final class RedisErrors {

  static final String CAPACITY = "TFX_CAPACITY";

  private static final int MAX_CAUSES = 32;

  /** A permanent code inside a script's error reply (Redis 6.2: "ERR Error running script..."). */
  private static final Pattern CODE_IN_SCRIPT_ERROR =
      Pattern.compile("(?:^|[\\s:(\\-])(NOPERM|WRONGPASS|NOAUTH|WRONGTYPE)\\s");

  private RedisErrors() {}

  /** Whether a failure is Redis's "script not loaded" reply (answered by EVAL with the source). */
  static boolean isNoScript(Throwable error) {
    Throwable e = unwrap(error);
    return e instanceof RedisCommandExecutionException
        && e.getMessage() != null
        && e.getMessage().startsWith("NOSCRIPT");
  }

  /** Maps any failure of a Redis call to the exception the SPI promises. */
  static Throwable translate(Throwable error, String address) {
    Throwable e = unwrap(error);
    if (e instanceof TaskfluxException || e instanceof Error) {
      return e;
    }
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    if (e instanceof RedisCommandExecutionException && code(message).equals(CAPACITY)) {
      return new CapacityExceededException("Redis at " + address + ": " + detail(message));
    }
    Rejection rejection = rejection(e);
    if (rejection != null) {
      return new BackendRejectedException(
          rejection.reason(), rejectedMessage(rejection, address, e), e);
    }
    if (e instanceof RedisException
        || e instanceof IOException
        || e instanceof TimeoutException
        || e instanceof CancellationException) {
      return new BackendUnavailableException(
          "Redis at " + address + " is unavailable: " + message + reason(e, message), e);
    }
    return e;
  }

  /** A permanent cause: why, and the failure (in the chain) that said so. */
  record Rejection(Reason reason, Throwable found) {}

  /**
   * The classifier: the first permanent cause in {@code e}, its causes and their suppressed
   * exceptions (a cluster's topology refresh reports each seed's failure as a suppressed one), or
   * null when the failure is transient.
   */
  static Rejection rejection(Throwable e) {
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    Deque<Throwable> todo = new ArrayDeque<>();
    todo.add(e);
    while (!todo.isEmpty() && seen.size() < MAX_CAUSES) {
      Throwable t = todo.poll();
      if (!seen.add(t)) {
        continue;
      }
      Reason reason = reasonOf(t);
      if (reason != null) {
        return new Rejection(reason, t);
      }
      if (t.getCause() != null) {
        todo.add(t.getCause());
      }
      Collections.addAll(todo, t.getSuppressed());
    }
    return null;
  }

  /** The permanent reason one failure (not its causes) states, or null. */
  private static Reason reasonOf(Throwable t) {
    String message = t.getMessage() == null ? "" : t.getMessage();
    if (t instanceof RedisException) {
      Reason reason = reasonOfReply(message);
      if (reason != null) {
        return reason;
      }
    }
    return tlsFailure(t, message) ? Reason.TLS : null;
  }

  /** The permanent reason a Redis error reply states, or null (transient or unknown). */
  static Reason reasonOfReply(String reply) {
    String code = code(reply);
    String detail = detail(reply).toLowerCase(Locale.ROOT);
    switch (code) {
      case "NOPERM", "DENIED":
        return Reason.AUTHORIZATION;
      case "WRONGPASS", "NOAUTH":
        return Reason.AUTHENTICATION;
      case "WRONGTYPE":
        return Reason.DATA;
      case "NOSCRIPT":
        return Reason.UNSUPPORTED;
      case "ERR":
        if (detail.startsWith("unknown command") || detail.startsWith("unknown subcommand")) {
          return Reason.UNSUPPORTED;
        }
        if (detail.startsWith("auth ")
            || detail.startsWith("invalid password")
            || detail.startsWith("client sent auth")) {
          return Reason.AUTHENTICATION;
        }
        if (detail.startsWith("error running script")) {
          Matcher m = CODE_IN_SCRIPT_ERROR.matcher(reply);
          return m.find() ? reasonOfReply(m.group(1) + " ") : null;
        }
        return null;
      default:
        return null;
    }
  }

  /**
   * Whether {@code t} is a TLS failure that a retry cannot fix. A handshake cut short by the
   * network ("Remote host terminated the handshake", a reset) is not one: it is an outage like any
   * lost connection.
   */
  private static boolean tlsFailure(Throwable t, String message) {
    if (t instanceof GeneralSecurityException || t instanceof SSLPeerUnverifiedException) {
      return true; // certificate path or validity, host name, key material
    }
    String m = message.toLowerCase(Locale.ROOT);
    if (t instanceof SSLHandshakeException) {
      return m.contains("fatal alert")
          || m.contains("certificat")
          || m.contains("pkix")
          || m.contains("protocol")
          || m.contains("cipher");
    }
    return t instanceof SSLException && m.contains("unrecognized ssl message");
  }

  private static String rejectedMessage(Rejection rejection, String address, Throwable e) {
    String found = rejection.found().getMessage();
    String cause = found == null ? rejection.found().getClass().getName() : found;
    String what =
        switch (rejection.reason()) {
          case AUTHENTICATION -> " refused the credentials (authentication): ";
          case AUTHORIZATION -> " denied this user a command, key or channel (authorization): ";
          case TLS -> " could not be reached over TLS (certificate or TLS set-up): ";
          case DATA -> " holds a value of the wrong type in this namespace (data): ";
          case UNSUPPORTED -> " does not support a command taskflux needs: ";
        };
    String hint =
        switch (rejection.reason()) {
          case AUTHENTICATION -> "check the user and password of the URI";
          case AUTHORIZATION ->
              "grant the ACL user the namespace's keys and channels and the commands (see"
                  + " docs/reliability.md), or use the namespace it is confined to";
          case TLS -> "check the trusted certificates, the client certificate and the host name";
          case DATA -> "something else writes into the namespace; give taskflux its own";
          case UNSUPPORTED -> "taskflux needs Redis 6.2 or later, spoken to directly";
        };
    return "Redis at " + address + what + cause + reason(e, cause) + "; not retried: " + hint;
  }

  /**
   * The innermost cause's message when the outer one hides it ("Unable to connect to ..." over
   * {@code WRONGPASS}, {@code NOPERM} or a certificate that is not trusted), so the reason is in
   * the one line people read. Redis never echoes a password in an error, and Lettuce's own messages
   * name the host and port only.
   */
  private static String reason(Throwable e, String message) {
    Throwable root = e;
    for (int depth = 0; root.getCause() != null && root.getCause() != root && depth < 16; depth++) {
      root = root.getCause();
    }
    String why = root.getMessage();
    if (root == e || why == null || message.contains(why)) {
      return "";
    }
    return " (" + why + ")";
  }

  private static String code(String message) {
    int space = message.indexOf(' ');
    return space < 0 ? message : message.substring(0, space);
  }

  private static String detail(String message) {
    int space = message.indexOf(' ');
    return space < 0 ? "" : message.substring(space + 1);
  }

  private static Throwable unwrap(Throwable e) {
    while ((e instanceof CompletionException || e instanceof ExecutionException)
        && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }
}
