package io.taskflux.worker;

import java.util.Objects;
import reactor.core.publisher.Mono;

/**
 * One running attempt of a task.
 *
 * @param value the function's result (empty for {@code null}) or error; cancelling its subscription
 *     stops the work (disposes a reactive task, interrupts a blocking one)
 * @param exited completes when the work has really stopped (a blocking task's thread returned); at
 *     once for a reactive task
 */
public record Invocation(Mono<Object> value, Mono<Void> exited) {

  /** Validates. */
  public Invocation {
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(exited, "exited");
  }

  /** A reactive invocation: stopping is cancelling. */
  public static Invocation reactive(Mono<Object> value) {
    return new Invocation(value, Mono.empty());
  }
}
