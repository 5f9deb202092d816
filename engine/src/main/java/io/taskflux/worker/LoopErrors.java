package io.taskflux.worker;

import io.taskflux.BackendRejectedException;
import io.taskflux.internal.BackendErrors;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * What the worker's claim loop does about a backend error: how long it pauses before it claims
 * again, and what it logs. An episode of trouble is logged when it starts (with the stack trace),
 * at most once a {@link #REPEAT_LOG} while it lasts, and when it ends, never once per retry.
 *
 * <p>Whether the error is transient or permanent is {@link BackendErrors}' decision. A transient
 * one (an outage) is retried every {@link #TRANSIENT_PAUSE}. A permanent one ({@link
 * BackendRejectedException}: a refused password, a missing ACL permission, an untrusted
 * certificate) is logged as a configuration error and retried every {@link #PERMANENT_PAUSE}: the
 * worker does not stop, since an ACL rule, a password or a certificate is usually fixed on the
 * server while the application runs, and a stopped worker would need a restart nobody is told
 * about.
 *
 * <p>Thread-safety: the claim loop is one logical thread, but its steps run on whichever thread
 * signalled; the methods are synchronized, and the hot path ({@link #recovered()} with no trouble)
 * reads one volatile flag.
 */
final class LoopErrors {

  static final Duration TRANSIENT_PAUSE = Duration.ofSeconds(1);
  static final Duration PERMANENT_PAUSE = Duration.ofSeconds(5);
  static final Duration REPEAT_LOG = Duration.ofMinutes(1);

  /**
   * What to do about one error: pause, then claim again; log {@code message} at {@code level}
   * unless the level is null, with {@code stackTrace} when it is not null.
   */
  record Report(Duration pause, Level level, String message, Throwable stackTrace) {}

  private final String worker;
  private final Clock clock;
  private volatile boolean troubled;
  private String episode; // the kind of the current trouble: "unavailable" or a rejection reason
  private Instant since;
  private Instant lastLog;
  private long failures;

  LoopErrors(String worker, Clock clock) {
    this.worker = worker;
    this.clock = clock;
  }

  /** A claim-loop step failed with {@code error}. */
  synchronized Report failed(Throwable error) {
    boolean rejected = BackendErrors.isRejection(error);
    String kind =
        rejected
            ? ((BackendRejectedException) unwrapRejection(error)).reason().name()
            : "unavailable";
    Duration pause = rejected ? PERMANENT_PAUSE : TRANSIENT_PAUSE;
    Level level = rejected ? Level.ERROR : Level.WARNING;
    Instant now = clock.instant();
    if (!kind.equals(episode)) {
      episode = kind;
      since = now;
      lastLog = now;
      failures = 1;
      troubled = true;
      String what =
          rejected
              ? "the backend refuses it ("
                  + kind
                  + "), a configuration error that retrying cannot fix; trying again every "
                  + pause.toSeconds()
                  + " s until it is fixed"
              : "backend error, retrying every " + pause.toSeconds() + " s until it answers";
      return new Report(pause, level, "worker " + worker + ": " + what + ": " + error, error);
    }
    failures++;
    if (Duration.between(lastLog, now).compareTo(REPEAT_LOG) < 0) {
      return new Report(pause, null, null, null);
    }
    lastLog = now;
    return new Report(
        pause,
        level,
        "worker "
            + worker
            + ": still failing ("
            + kind
            + "), "
            + failures
            + " attempts since "
            + since
            + ": "
            + error,
        null);
  }

  /**
   * A claim-loop step succeeded: ends the trouble, if any. Returns the line to log at {@code INFO},
   * or null.
   */
  String recovered() {
    if (!troubled) {
      return null;
    }
    synchronized (this) {
      if (episode == null) {
        return null;
      }
      String line =
          "worker "
              + worker
              + ": the backend answers again after "
              + failures
              + " failed attempts since "
              + since;
      episode = null;
      troubled = false;
      return line;
    }
  }

  private static Throwable unwrapRejection(Throwable error) {
    Throwable e = error;
    while (!(e instanceof BackendRejectedException) && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }
}
