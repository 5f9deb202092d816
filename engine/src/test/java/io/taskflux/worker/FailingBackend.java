package io.taskflux.worker;

import io.taskflux.BackendUnavailableException;
import io.taskflux.spi.Backend;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;

/**
 * A test double of the backend (not of the worker): a real backend whose settle operations ({@code
 * complete}, {@code retry}, {@code fail}) fail on their first {@code failures} subscriptions (with
 * {@link BackendUnavailableException}, as in a Redis outage, unless told otherwise), and then
 * behave as the real one. Every other operation goes straight through. Cold, like the SPI: a try is
 * counted, and fails or goes through, when its {@code Mono} is subscribed, so a worker that
 * re-subscribes is seen trying again.
 *
 * <p>Built as a dynamic proxy so that it follows the SPI as it grows. Thread-safe.
 */
final class FailingBackend {

  private static final Set<String> SETTLES = Set.of("complete", "retry", "fail");

  private final Backend backend;
  private final AtomicInteger settleTries = new AtomicInteger();
  private final AtomicInteger failuresLeft;

  private FailingBackend(Backend real, int failures, Supplier<? extends Throwable> error) {
    this.failuresLeft = new AtomicInteger(failures);
    InvocationHandler handler =
        (proxy, method, args) -> {
          Object answer;
          try {
            answer = method.invoke(real, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
          if (!SETTLES.contains(method.getName())) {
            return answer;
          }
          Mono<?> settle = (Mono<?>) answer;
          return Mono.defer(
              () -> {
                settleTries.incrementAndGet();
                if (failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                  return Mono.error(error.get());
                }
                return settle;
              });
        };
    this.backend =
        (Backend)
            Proxy.newProxyInstance(
                Backend.class.getClassLoader(), new Class<?>[] {Backend.class}, handler);
  }

  /** Wraps {@code real}; its first {@code failures} settle tries fail as in an outage. */
  static FailingBackend failingSettles(Backend real, int failures) {
    return failingSettles(
        real, failures, () -> new BackendUnavailableException("injected: Redis is unreachable"));
  }

  /** Wraps {@code real}; its first {@code failures} settle tries fail with {@code error}. */
  static FailingBackend failingSettles(
      Backend real, int failures, Supplier<? extends Throwable> error) {
    return new FailingBackend(real, failures, error);
  }

  /** The backend to give the worker. */
  Backend backend() {
    return backend;
  }

  /** How many settle tries were subscribed, failed or not. */
  int settleTries() {
    return settleTries.get();
  }

  /** Lets every later settle through. */
  void recover() {
    failuresLeft.set(0);
  }
}
