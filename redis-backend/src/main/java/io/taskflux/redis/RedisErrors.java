package io.taskflux.redis;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisException;
import io.taskflux.BackendUnavailableException;
import io.taskflux.CapacityExceededException;
import io.taskflux.TaskfluxException;
import java.io.IOException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * The one place where Redis failures become taskflux exceptions. Script error codes (the first word
 * of a script's error reply) are named here:
 *
 * <ul>
 *   <li>{@code TFX_CAPACITY} (enqueue): the queue is full → {@link CapacityExceededException}.
 * </ul>
 *
 * Everything else that Redis or the connection reports (connection refused or lost, command
 * timeout, {@code LOADING} after a restart, {@code CLUSTERDOWN}, {@code MOVED} during a failover,
 * out of memory) becomes {@link BackendUnavailableException} naming the address, never a password:
 * every operation is safe to repeat.
 */
final class RedisErrors {

  static final String CAPACITY = "TFX_CAPACITY";

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
    if (e instanceof RedisCommandExecutionException) {
      int space = message.indexOf(' ');
      String code = space < 0 ? message : message.substring(0, space);
      String detail = space < 0 ? "" : message.substring(space + 1);
      if (code.equals(CAPACITY)) {
        return new CapacityExceededException("Redis at " + address + ": " + detail);
      }
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

  private static Throwable unwrap(Throwable e) {
    while ((e instanceof CompletionException || e instanceof ExecutionException)
        && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }
}
