package io.taskflux.caller;

import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

/**
 * Dispatch's {@code all} / {@code any} / {@code race} rules over any kind of in-flight work: a
 * {@link Pending}, a task handle, or a plain {@link Publisher}. Each rule comes in two forms:
 *
 * <ul>
 *   <li>over publishers: a loser is cancelled by cancelling its subscription;
 *   <li>over any source type {@code S}, given how to read its result ({@code result}, e.g. {@code
 *       TaskHandle::result}) and how to cancel it ({@code cancel}, e.g. a revoke); {@code cancel}
 *       receives the source and a message saying why.
 * </ul>
 *
 * <p>The rules (the same in both forms):
 *
 * <ul>
 *   <li>{@code all}: every value, in declaration order (a {@code null}/empty result is a {@code
 *       null} element), or the first error to arrive (fail fast). No source: an empty list.
 *   <li>{@code any}: the first value to arrive; if every source fails, the single error, or {@link
 *       AllFailedException} ({@code "N tasks failed"}, every error in declaration order) for two or
 *       more. No source: empty.
 *   <li>{@code race}: the first source to finish, with its value or its error. No source: empty.
 * </ul>
 *
 * <p>Once the outcome is decided, every source that has not finished is cancelled ("losers are
 * cancelled"). The returned {@code Mono} is <b>cold</b>: each subscription subscribes to every
 * source; cancelling that subscription only unsubscribes from the sources, it does not cancel them.
 * Nothing blocks; sources may finish on any thread.
 */
public final class Combine {

  private Combine() {}

  /** {@code all} over publishers (each contributes its first value, or {@code null} if empty). */
  public static <T> Mono<List<T>> all(List<? extends Publisher<? extends T>> sources) {
    return all(sources, Function.identity(), (s, m) -> {});
  }

  /** {@code any} over publishers. */
  public static <T> Mono<T> any(List<? extends Publisher<? extends T>> sources) {
    return any(sources, Function.identity(), (s, m) -> {});
  }

  /** {@code race} over publishers. */
  public static <T> Mono<T> race(List<? extends Publisher<? extends T>> sources) {
    return race(sources, Function.identity(), (s, m) -> {});
  }

  /** {@code all} over any source type; see the class comment. */
  public static <S, T> Mono<List<T>> all(
      List<? extends S> sources,
      Function<? super S, ? extends Publisher<? extends T>> result,
      BiConsumer<? super S, String> cancel) {
    if (sources.isEmpty()) {
      return Mono.just(List.of());
    }
    return Mono.create(
        sink -> new Combination<S, T, List<T>>(Rule.ALL, sources, result, cancel, sink).start());
  }

  /** {@code any} over any source type; see the class comment. */
  public static <S, T> Mono<T> any(
      List<? extends S> sources,
      Function<? super S, ? extends Publisher<? extends T>> result,
      BiConsumer<? super S, String> cancel) {
    if (sources.isEmpty()) {
      return Mono.empty();
    }
    return Mono.create(
        sink -> new Combination<S, T, T>(Rule.ANY, sources, result, cancel, sink).start());
  }

  /** {@code race} over any source type; see the class comment. */
  public static <S, T> Mono<T> race(
      List<? extends S> sources,
      Function<? super S, ? extends Publisher<? extends T>> result,
      BiConsumer<? super S, String> cancel) {
    if (sources.isEmpty()) {
      return Mono.empty();
    }
    return Mono.create(
        sink -> new Combination<S, T, T>(Rule.RACE, sources, result, cancel, sink).start());
  }

  enum Rule {
    ALL,
    ANY,
    RACE
  }
}
