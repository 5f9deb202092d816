package io.taskflux.result;

import io.taskflux.internal.Waits;
import java.time.Duration;

/**
 * How {@link ResultStore} and {@link ResultPool} read a result (the seed's {@code timeout} and
 * {@code keep}; the metadata form is the methods returning {@link io.taskflux.spi.StoredResult}).
 * Immutable.
 *
 * @param timeout how long to wait for the result to exist (DESIGN decision 1): {@code null} waits
 *     for ever; {@link Duration#ZERO} looks once and fails with {@link
 *     io.taskflux.NotFoundException} at once; a positive timeout fails with {@link
 *     java.util.concurrent.TimeoutException} when nothing arrived by then
 * @param keep keep the result after reading it; {@code false} (the seed's default) deletes it
 */
public record GetOptions(Duration timeout, boolean keep) {

  /** Validates: the timeout, when set, must be {@code >= 0}. */
  public GetOptions {
    if (timeout != null) {
      Waits.timeout(timeout, "timeout");
    }
  }

  /** Waits for ever and deletes after reading. */
  public static GetOptions defaults() {
    return new GetOptions(null, false);
  }

  /** Waits up to {@code timeout} and deletes after reading. */
  public static GetOptions waiting(Duration timeout) {
    return new GetOptions(Waits.timeout(timeout, "timeout"), false);
  }

  /** Looks once ({@link Duration#ZERO}) and deletes after reading. */
  public static GetOptions lookOnce() {
    return new GetOptions(Duration.ZERO, false);
  }

  /** A copy with another timeout (null: for ever). */
  public GetOptions withTimeout(Duration timeout) {
    return new GetOptions(timeout, keep);
  }

  /** A copy that keeps (or deletes) the result after reading it. */
  public GetOptions withKeep(boolean keep) {
    return new GetOptions(timeout, keep);
  }
}
