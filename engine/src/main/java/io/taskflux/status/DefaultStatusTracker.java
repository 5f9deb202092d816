package io.taskflux.status;

import io.taskflux.NotFoundException;
import io.taskflux.internal.Checks;
import io.taskflux.internal.Waits;
import io.taskflux.spi.Backend;
import io.taskflux.spi.Retention;
import io.taskflux.task.ExceptionDetails;
import io.taskflux.task.MessageRef;
import io.taskflux.task.StatusUpdate;
import io.taskflux.task.TaskStatus;
import java.time.Duration;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/** {@link StatusTracker} on the backend's status operations and status watch. */
final class DefaultStatusTracker implements StatusTracker {

  private final Backend backend;
  private final Duration ttl;
  private final Retention retention;

  DefaultStatusTracker(Backend backend, Duration ttl) {
    this.backend = backend;
    this.ttl = ttl;
    this.retention = Retention.defaults().withStatus(ttl);
  }

  @Override
  public Duration ttl() {
    return ttl;
  }

  @Override
  public Mono<Void> set(MessageRef ref, TaskStatus status, ExceptionDetails details) {
    Objects.requireNonNull(ref, "ref");
    Objects.requireNonNull(status, "status");
    return Mono.defer(
        () ->
            backend.setStatus(
                ref, new StatusUpdate(status, backend.clock().instant(), details), ttl));
  }

  @Override
  public Mono<StatusUpdate> get(MessageRef ref) {
    Objects.requireNonNull(ref, "ref");
    return backend
        .getStatus(ref)
        .switchIfEmpty(Mono.error(() -> new NotFoundException("No status for " + ref)));
  }

  @Override
  public Mono<Boolean> exists(MessageRef ref) {
    Objects.requireNonNull(ref, "ref");
    return backend.getStatus(ref).hasElement();
  }

  @Override
  public Mono<Void> delete(MessageRef ref, boolean check) {
    Objects.requireNonNull(ref, "ref");
    Mono<Void> checked =
        check
            ? get(ref)
                .flatMap(
                    s ->
                        s.status().isTerminal()
                            ? Mono.<Void>empty()
                            : Mono.error(new StatusNotTerminalException(ref, s.status())))
            : Mono.empty();
    return checked.then(
        backend
            .deleteStatus(ref)
            .flatMap(
                deleted ->
                    deleted
                        ? Mono.<Void>empty()
                        : Mono.error(new NotFoundException("No status for " + ref))));
  }

  @Override
  public Mono<Void> publishUpdate(MessageRef ref, StatusUpdate update) {
    Objects.requireNonNull(ref, "ref");
    Objects.requireNonNull(update, "update");
    return backend.setStatus(ref, update, ttl);
  }

  @Override
  public Flux<StatusUpdate> listenToUpdates(MessageRef ref, boolean autoExit) {
    Objects.requireNonNull(ref, "ref");
    Flux<StatusUpdate> updates = backend.watchStatus(ref).distinctUntilChanged();
    return autoExit ? updates.takeUntil(s -> s.status().isTerminal()) : updates;
  }

  @Override
  public Mono<StatusUpdate> waitFor(MessageRef ref, Set<TaskStatus> statuses) {
    return waitUntil(ref, statuses, null, true);
  }

  @Override
  public Mono<StatusUpdate> waitFor(
      MessageRef ref, Set<TaskStatus> statuses, Duration timeout, boolean raiseOnTimeout) {
    return waitUntil(ref, statuses, Waits.timeout(timeout, "timeout"), raiseOnTimeout);
  }

  private Mono<StatusUpdate> waitUntil(
      MessageRef ref, Set<TaskStatus> statuses, Duration timeout, boolean raiseOnTimeout) {
    Objects.requireNonNull(ref, "ref");
    Objects.requireNonNull(statuses, "statuses");
    if (statuses.isEmpty()) {
      throw new IllegalArgumentException("statuses must not be empty");
    }
    Set<TaskStatus> wanted = EnumSet.copyOf(statuses);
    return Mono.defer(
        () -> {
          AtomicReference<StatusUpdate> last = new AtomicReference<>();
          Mono<StatusUpdate> look =
              backend.getStatus(ref).doOnNext(last::set).filter(s -> wanted.contains(s.status()));
          Mono<StatusUpdate> watch =
              backend
                  .watchStatus(ref)
                  .doOnNext(last::set)
                  .filter(s -> wanted.contains(s.status()))
                  .next();
          Mono<StatusUpdate> waited =
              Waits.lookOrAwait(
                  look,
                  watch,
                  backend.clock(),
                  timeout,
                  () ->
                      "Status of "
                          + ref
                          + " did not become one of "
                          + wanted
                          + (timeout == null ? "" : " within " + timeout)
                          + "; last seen: "
                          + (last.get() == null ? "none" : last.get().status()));
          if (raiseOnTimeout) {
            return waited;
          }
          return waited.onErrorResume(
              e -> e instanceof TimeoutException || e instanceof NotFoundException,
              e -> {
                StatusUpdate seen = last.get();
                return Mono.just(
                    seen != null
                        ? seen
                        : StatusUpdate.of(TaskStatus.UNKNOWN, backend.clock().instant()));
              });
        });
  }

  @Override
  public Mono<Long> scanIntegrity(Collection<String> queues) {
    List<String> names = List.copyOf(Objects.requireNonNull(queues, "queues"));
    return Flux.fromIterable(names)
        .concatMap(q -> backend.markOrphanedStatuses(q, retention))
        .reduce(0L, Long::sum);
  }

  @Override
  public Mono<Long> scanIntegrity() {
    return backend.queues().collectList().flatMap(this::scanIntegrity);
  }

  @Override
  public Flux<Long> scanIntegrityEvery(
      Duration interval, Collection<String> queues, Scheduler scheduler) {
    List<String> names = List.copyOf(Objects.requireNonNull(queues, "queues"));
    return every(interval, scheduler, scanIntegrity(names));
  }

  @Override
  public Flux<Long> scanIntegrityEvery(Duration interval, Scheduler scheduler) {
    return every(interval, scheduler, scanIntegrity());
  }

  private static Flux<Long> every(Duration interval, Scheduler scheduler, Mono<Long> scan) {
    Checks.positive(interval, "interval");
    Objects.requireNonNull(scheduler, "scheduler");
    return Flux.interval(interval, scheduler).onBackpressureDrop().concatMap(tick -> scan, 0);
  }
}
