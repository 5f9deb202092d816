package io.taskflux.internal;

import io.taskflux.NotFoundException;
import io.taskflux.time.Timers;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;

/**
 * The one waiting contract of the services (DESIGN decision 1), written once: a wait bounded by a
 * timeout on the backend's clock fails with {@link TimeoutException}; {@link Duration#ZERO} means
 * "look once" and fails with {@link NotFoundException}; no timeout means wait for ever.
 */
public final class Waits {

  private Waits() {}

  /**
   * Validates a wait timeout: null means "for ever" and is allowed only where the caller says so.
   *
   * @throws IllegalArgumentException if negative
   */
  public static Duration timeout(Duration timeout, String name) {
    Objects.requireNonNull(timeout, name);
    if (timeout.isNegative()) {
      throw new IllegalArgumentException(name + " must be >= 0, got " + timeout);
    }
    return timeout;
  }

  /**
   * {@code wait} bounded by {@code timeout} on {@code clock}'s timers (so a virtual-time clock
   * moves it): if it has not signalled by then it is cancelled and the result fails with a {@link
   * TimeoutException} whose message is {@code what}. A null timeout leaves {@code wait} unbounded.
   */
  public static <T> Mono<T> within(
      Mono<T> wait, Clock clock, Duration timeout, Supplier<String> what) {
    if (timeout == null) {
      return wait;
    }
    return wait.timeout(
        Timers.after(clock, timeout), Mono.error(() -> new TimeoutException(what.get())));
  }

  /**
   * The full decision-1 wait: {@code ZERO} looks once with {@code look} and fails with {@link
   * NotFoundException} ({@code what}) when it is empty; a positive timeout waits with {@code await}
   * and fails with {@link TimeoutException}; null waits for ever.
   */
  public static <T> Mono<T> lookOrAwait(
      Mono<T> look, Mono<T> await, Clock clock, Duration timeout, Supplier<String> what) {
    if (timeout != null && timeout.isZero()) {
      return look.switchIfEmpty(Mono.error(() -> new NotFoundException(what.get())));
    }
    return within(await, clock, timeout, what);
  }
}
