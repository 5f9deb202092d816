package io.taskflux.worker;

import io.taskflux.MessageTooLargeException;
import io.taskflux.NonRetryableException;
import io.taskflux.TaskTimeoutException;
import io.taskflux.UnknownTaskException;
import io.taskflux.backoff.Backoff;
import io.taskflux.engine.TaskHooks;
import io.taskflux.engine.WorkerOptions;
import io.taskflux.internal.BackendErrors;
import io.taskflux.internal.Ids;
import io.taskflux.spi.Backend;
import io.taskflux.spi.ClaimRequest;
import io.taskflux.spi.CompleteRequest;
import io.taskflux.spi.Delivery;
import io.taskflux.spi.FailRequest;
import io.taskflux.spi.Lease;
import io.taskflux.spi.QueueSelector;
import io.taskflux.spi.ReapRequest;
import io.taskflux.spi.Retention;
import io.taskflux.spi.RetryRequest;
import io.taskflux.spi.SettleResult;
import io.taskflux.task.ExceptionDetails;
import io.taskflux.task.Message;
import io.taskflux.time.Timers;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import reactor.core.Disposable;
import reactor.core.Exceptions;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.util.retry.Retry;
import tools.jackson.databind.JsonNode;

/**
 * The worker pipeline, top to bottom in one file: <b>claim</b> (as many messages as free slots)
 * &rarr; <b>decode</b> (task name, arguments) &rarr; <b>run</b> (under a timeout, a lease keeper
 * and a revocation watch) &rarr; <b>complete</b> | <b>retry</b> | <b>fail</b>. Every policy
 * decision of taskflux is here: whether to retry ({@link #retryable}), how long to wait (the
 * message's backoff, counted from the failure), what a timeout, a revocation, a lost lease and a
 * shutdown mean. The backend only performs the atomic steps.
 *
 * <p><b>The claim loop</b> is one logical thread whose state is {@link #state}: {@code CLAIMING} (a
 * claim or the step after it is in progress), {@code WAITING_WORK} (subscribed to {@link
 * Backend#awaitWork}: no polling), {@code WAITING_SLOT} (every slot busy: the next finished task
 * restarts the loop), {@code STOPPING}, {@code STOPPED}. Only the loop raises {@link #inFlight}: it
 * reserves all free slots before a claim and gives back what the claim did not fill, so at no time
 * run more than {@code concurrency} tasks, and a stop waits for claims in progress too. Finished
 * tasks lower it from any thread; the one that frees a slot while the loop waits for one moves it
 * back to {@code CLAIMING} by CAS, and the loop re-checks after parking so no wake-up is lost. A
 * claim is sent from the thread that woke the loop (the wait's signal, a freed slot), with no hop
 * to another scheduler: on a 2-core machine each hop is a context switch on the wake-up path. A
 * trampoline ({@link #claimNext()}) keeps a backend that answers synchronously from recursing. A
 * claim that comes back short means the queues are dry for now: the loop goes straight to the wait
 * (no second, empty claim), with the reap before it pipelined ({@link #awaitWork()}).
 *
 * <p><b>A task</b> runs on {@link Schedulers#parallel()} (a blocking task on the engine caller's
 * bounded pool). Its lease is extended on the clock's timer thread, never on the task's thread.
 *
 * <p><b>Settling</b> (complete, retry, dead-letter) that fails with a transient backend error is
 * sent again, with a doubling wait on the clock, while the lease holds ({@link #untilSettled}); the
 * attempt itself is never run again for it. Only then is the outcome left to the lease's expiry.
 */
final class WorkerPipeline implements Worker {

  private static final System.Logger LOG = System.getLogger("io.taskflux.worker");

  private static final int NEW = 0;
  private static final int CLAIMING = 1;
  private static final int WAITING_WORK = 2;
  private static final int WAITING_SLOT = 3;
  private static final int STOPPING = 4;
  private static final int STOPPED = 5;

  private final Backend backend;
  private final Function<String, RegisteredTask> registry;
  private final Retention retention;
  private final Duration defaultResultTtl;
  private final WorkerOptions options;
  private final List<String> queues;
  private final List<QueueSelector> selectors;
  private final String id;
  private final Clock clock;
  private final Scheduler timer;
  private final CompletionBatcher completions;
  private final LoopErrors loopErrors;

  private final AtomicInteger state = new AtomicInteger(NEW);
  private final AtomicInteger inFlight = new AtomicInteger();
  private final Sinks.Empty<Void> graceOver = Sinks.empty();
  private final Sinks.Empty<Void> stopped = Sinks.empty();
  private volatile Disposable waiting;
  // Trampoline of claimNext; see there.
  private final AtomicInteger claimWip = new AtomicInteger();

  WorkerPipeline(WorkerContext context, WorkerOptions options) {
    if (options.queues().isEmpty()) {
      throw new IllegalArgumentException("options.queues must not be empty");
    }
    this.backend = context.backend();
    this.registry = context.registry();
    this.retention = context.retention();
    this.defaultResultTtl = context.defaultResultTtl();
    this.options = options;
    this.queues = options.queues();
    this.selectors = QueueSelector.all(queues);
    this.id = context.namespace() + ":worker:" + Ids.randomUuid();
    this.clock = backend.clock();
    this.timer = Timers.scheduler(clock);
    this.completions = new CompletionBatcher(backend);
    this.loopErrors = new LoopErrors(id, clock);
  }

  // ================================================================ the claim loop

  @Override
  public Worker start() {
    if (!state.compareAndSet(NEW, CLAIMING)) {
      throw new IllegalStateException("worker " + id + " was already started");
    }
    LOG.log(Level.DEBUG, () -> "worker " + id + " starts on " + queues);
    claimNext();
    return this;
  }

  /**
   * Runs {@link #claimStep()} now, or after the step in progress on this or another thread: a
   * backend that answers synchronously (the in-memory one) would otherwise recurse through {@code
   * dispatch}. The loop's state machine lets only one logical caller in at a time; this only turns
   * re-entrant calls into iterations.
   */
  private void claimNext() {
    if (claimWip.getAndIncrement() != 0) {
      return;
    }
    int missed = 1;
    do {
      claimStep();
      missed = claimWip.addAndGet(-missed);
    } while (missed != 0);
  }

  /** CLAIMING: reserves every free slot and claims that many messages, or waits for a slot. */
  private void claimStep() {
    int free = options.concurrency() - inFlight.get();
    if (free <= 0) {
      if (!state.compareAndSet(CLAIMING, WAITING_SLOT)) {
        return; // stopping
      }
      // A slot freed between the read above and the CAS saw CLAIMING and did nothing: re-check.
      if (options.concurrency() - inFlight.get() > 0
          && state.compareAndSet(WAITING_SLOT, CLAIMING)) {
        claimNext();
      }
      return;
    }
    inFlight.addAndGet(free);
    if (state.get() != CLAIMING) {
      // A stop came first (it saw the reservation and waits for it): nothing is claimed once it
      // has begun.
      release(free);
      return;
    }
    ClaimRequest request = new ClaimRequest(selectors, free, id, options.lease(), retention);
    // Sent from this thread (the one that saw the wake, or freed the slot): a hop to another
    // scheduler here costs a context switch on every wake-up.
    backend
        .claim(request)
        .subscribe(
            deliveries -> dispatch(deliveries, free),
            error -> {
              release(free);
              loopFailed(error);
            });
  }

  /** Starts each delivery in a reserved slot, gives back the unused ones, and goes on. */
  private void dispatch(List<Delivery> deliveries, int reserved) {
    String recovered = loopErrors.recovered();
    if (recovered != null) {
      LOG.log(Level.INFO, recovered);
    }
    for (Delivery delivery : deliveries) {
      process(delivery)
          .subscribeOn(Schedulers.parallel())
          .doFinally(signal -> release(1))
          .subscribe(
              null, e -> LOG.log(Level.ERROR, "worker " + id + ": settling an attempt failed", e));
    }
    release(reserved - deliveries.size());
    if (state.get() != CLAIMING) {
      return; // stopping: what was just claimed runs within the grace period
    }
    if (deliveries.size() < reserved) {
      awaitWork(); // a short claim: nothing more is claimable now
    } else {
      claimNext();
    }
  }

  /**
   * Nothing claimable: takes back expired leases and promotes due delayed messages (as the SPI asks
   * of its callers), then waits for work without polling. The three are subscribed together, in
   * that order, without waiting for one another's replies: a backend that answers synchronously
   * runs them in order as before, and on Redis they go out pipelined on the shared connection
   * (executed in order there too), so going idle costs one round trip instead of three.
   */
  private void awaitWork() {
    if (!state.compareAndSet(CLAIMING, WAITING_WORK)) {
      return;
    }
    waiting =
        Mono.when(
                backend.requeueExpired(new ReapRequest(queues, retention)),
                backend.promoteDue(queues),
                Mono.defer(() -> backend.awaitWork(queues, options.idleWait())))
            .subscribe(
                null,
                this::loopFailed,
                () -> {
                  if (!state.compareAndSet(WAITING_WORK, CLAIMING)) {
                    return;
                  }
                  if (Schedulers.isInNonBlockingThread()) {
                    // Woken on a Reactor thread: most likely inside a backend call that signals
                    // synchronously (an in-memory retry or enqueue, say), which has not returned
                    // to its caller yet; claim after it, not in the middle of it (the caller's
                    // onRetry hook runs before the next attempt, as it did).
                    Schedulers.parallel().schedule(this::claimNext);
                  } else {
                    claimNext(); // a Lettuce I/O thread, say: send the claim from here
                  }
                });
  }

  /**
   * A backend error in the loop: logged as {@link LoopErrors} decides (an outage, or a refusal that
   * is a configuration error); the loop goes on after its pause.
   */
  private void loopFailed(Throwable error) {
    LoopErrors.Report report = loopErrors.failed(error);
    if (report.level() != null) {
      LOG.log(report.level(), report.message(), report.stackTrace());
    }
    state.compareAndSet(WAITING_WORK, CLAIMING);
    Mono.delay(report.pause())
        .subscribe(
            t -> {
              if (state.get() == CLAIMING) {
                claimNext();
              }
            });
  }

  /** Gives back {@code n} slots; wakes a loop waiting for one, or ends a stop. */
  private void release(int n) {
    if (n == 0) {
      return;
    }
    int left = inFlight.addAndGet(-n);
    if (state.compareAndSet(WAITING_SLOT, CLAIMING)) {
      claimNext();
    } else if (left == 0 && state.get() == STOPPING) {
      finishStop();
    }
  }

  @Override
  public Mono<Void> stop() {
    for (; ; ) {
      int s = state.get();
      if (s >= STOPPING) {
        break;
      }
      if (state.compareAndSet(s, s == NEW ? STOPPED : STOPPING)) {
        if (s == NEW) {
          stopped.tryEmitEmpty();
          break;
        }
        Disposable w = waiting;
        if (w != null) {
          w.dispose();
        }
        LOG.log(Level.DEBUG, () -> "worker " + id + " stops; " + inFlight.get() + " in flight");
        if (inFlight.get() == 0) {
          finishStop();
        } else {
          Mono.delay(options.gracePeriod(), timer).subscribe(t -> graceOver.tryEmitEmpty());
        }
        break;
      }
    }
    return stopped.asMono();
  }

  private void finishStop() {
    if (state.compareAndSet(STOPPING, STOPPED)) {
      graceOver.tryEmitEmpty();
      stopped.tryEmitEmpty();
    }
  }

  @Override
  public boolean isDisposed() {
    return state.get() >= STOPPING;
  }

  @Override
  public int inFlight() {
    return inFlight.get();
  }

  @Override
  public String id() {
    return id;
  }

  // ================================================================ one message

  /**
   * Decode → run → settle one delivery. Completes when the attempt is settled, or when settling was
   * given up (the lease then expires and the message is taken back).
   */
  private Mono<Void> process(Delivery delivery) {
    Lease lease = delivery.lease();
    // Until when the lease is known to hold (the claim's expiry, then each extension's): an
    // attempt starts only before it, and a failed settle is retried only until it.
    AtomicReference<Instant> heldUntil = new AtomicReference<>(lease.expiresAt());
    if (delivery.message() == null) {
      return untilSettled(deadLetter(lease, null, null, delivery.error()), lease, heldUntil);
    }
    Message message = delivery.message();
    RegisteredTask task = registry.apply(message.task());
    if (task == null) {
      return untilSettled(
          deadLetter(lease, message, null, new UnknownTaskException(message.task(), message.id())),
          lease,
          heldUntil);
    }
    Object input;
    try {
      input = task.decode(message); // undecodable or wrong type: UndecodablePayloadException
    } catch (RuntimeException e) {
      return untilSettled(deadLetter(lease, message, task, e), lease, heldUntil);
    }
    return run(task, input, lease, message, heldUntil)
        .flatMap(outcome -> untilSettled(settle(task, lease, message, outcome), lease, heldUntil));
  }

  /**
   * Runs one attempt and reports the first of: its result or error (under the message's timeout),
   * its revocation, the loss of its lease, the end of the grace period of a stop. The losers are
   * cancelled, which stops the task (dispose, or interrupt for a blocking one). Revocation is
   * subscribed first: a message revoked between claim and start never starts.
   */
  private Mono<Outcome> run(
      RegisteredTask task,
      Object input,
      Lease lease,
      Message message,
      AtomicReference<Instant> heldUntil) {
    return Mono.defer(
        () -> {
          Mono<Outcome> revoked =
              backend.awaitRevocation(message.ref()).thenReturn(Outcome.REVOKED);
          Mono<Outcome> interrupted =
              graceOver
                  .asMono()
                  .then(
                      Mono.fromSupplier(
                          () ->
                              Outcome.failure(
                                  new WorkerStoppedException(
                                      "worker " + id + " stopped before the task finished"))));
          // An attempt whose lease ran out before it began (a claim reply read late, a slow pool)
          // must not start: the message may already be back in the queue, run and acknowledged
          // elsewhere (found by the chaos test: a new worker JVM began an attempt 2 s after its
          // claim, after another worker had completed the task).
          BooleanSupplier mayStart = () -> clock.instant().isBefore(heldUntil.get());
          Mono<Outcome> leaseLost = keepLease(lease, heldUntil).thenReturn(Outcome.LEASE_LOST);
          // The task starts only when the race subscribes to it, after the three signals above:
          // if one of them has already fired, the race never subscribes to the attempt and the
          // task never starts. Started eagerly, a blocking task revoked in that window kept its
          // thread running, as nobody was subscribed to cancel it.
          AtomicReference<Invocation> started = new AtomicReference<>();
          Mono<Outcome> attempt =
              Mono.defer(
                      () -> {
                        Invocation invocation = task.start(input, message, mayStart);
                        started.set(invocation);
                        return invocation.value();
                      })
                  .timeout(
                      message.timeout(),
                      Mono.error(
                          () ->
                              new TaskTimeoutException(
                                  "task "
                                      + message.ref()
                                      + " ran longer than its timeout "
                                      + message.timeout())),
                      timer)
                  .map(
                      v ->
                          v == RegisteredTask.NOT_STARTED ? Outcome.LEASE_LOST : Outcome.success(v))
                  .defaultIfEmpty(Outcome.success(null))
                  .onErrorResume(e -> Mono.just(Outcome.failure(e)));
          Mono<Outcome> first = Mono.firstWithSignal(revoked, interrupted, leaseLost, attempt);
          return options.completeOnlyOnThreadExit()
              ? first.flatMap(
                  o -> {
                    Invocation invocation = started.get();
                    return invocation == null ? Mono.just(o) : invocation.exited().thenReturn(o);
                  })
              : first;
        });
  }

  /**
   * Extends the lease every third of its length, on the clock's timer (never the task's thread);
   * completes when an extension finds the lease lost. A backend error is not a loss: the next tick
   * tries again. One-shot delays rather than {@code Flux.interval}: cancelling a periodic task
   * contends on the executor's queue lock, which BlockHound rightly reports on a parallel thread.
   */
  private Mono<Void> keepLease(Lease lease, AtomicReference<Instant> heldUntil) {
    Duration every = options.lease().dividedBy(3);
    return Mono.delay(every, timer)
        .then(
            Mono.defer(
                () ->
                    backend
                        .extendLease(lease, options.lease())
                        .doOnNext(extended -> heldUntil.set(extended.expiresAt()))
                        .hasElement()
                        .onErrorResume(e -> Mono.just(true))))
        .repeat()
        .filter(held -> !held)
        .next()
        .then();
  }

  /** What one attempt came to. */
  private record Outcome(Kind kind, Object value, Throwable error) {
    enum Kind {
      SUCCESS,
      FAILURE,
      REVOKED,
      LEASE_LOST
    }

    static final Outcome REVOKED = new Outcome(Kind.REVOKED, null, null);
    static final Outcome LEASE_LOST = new Outcome(Kind.LEASE_LOST, null, null);

    static Outcome success(Object value) {
      return new Outcome(Kind.SUCCESS, value, null);
    }

    static Outcome failure(Throwable error) {
      return new Outcome(Kind.FAILURE, null, error);
    }
  }

  // ================================================================ settle

  /** The first wait before a failed settle is sent again; each later wait doubles it. */
  private static final Duration SETTLE_RETRY_FIRST = Duration.ofMillis(100);

  /** The longest wait between two tries of one settle. */
  private static final Duration SETTLE_RETRY_MAX = Duration.ofSeconds(2);

  /**
   * Subscribes to a settle step ({@code settle}: complete, retry or dead-letter, with its hook)
   * and, while it fails with a transient backend error, subscribes again after a doubling wait on
   * the clock's timer ({@link #SETTLE_RETRY_FIRST} up to {@link #SETTLE_RETRY_MAX}, no jitter: the
   * completion batcher already merges the workers' retries), as long as the next try would go out
   * before the lease ends and the stop's grace period has not run out. Repeating is safe: every
   * settle operation is lease-checked (the SPI's "safe to repeat"), and a repeat that finds the
   * lease gone reports {@code LEASE_LOST}, which is an answer, not an error. Otherwise the outcome
   * of the attempt is given up, logged once, and the message runs again after its lease expires
   * (at-least-once). Never fails: completes when settled or given up.
   */
  private Mono<Void> untilSettled(
      Mono<Void> settle, Lease lease, AtomicReference<Instant> heldUntil) {
    return settle
        .retryWhen(
            Retry.from(
                failures ->
                    failures.concatMap(failure -> nextSettleTry(failure, lease, heldUntil))))
        .onErrorResume(
            e -> {
              // Left to the lease: it will expire and the message will be taken back and run again
              // (at-least-once), so logging, once, is all that is left to do.
              LOG.log(
                  Level.WARNING,
                  "worker " + id + ": could not settle " + lease.ref() + "; left to its lease",
                  e);
              return Mono.empty();
            });
  }

  /**
   * After a settle try failed: emits when to try again, or fails (with the error itself when it is
   * not transient, else with a "retries exhausted" error) when there is no next try.
   */
  private Mono<Long> nextSettleTry(
      Retry.RetrySignal failure, Lease lease, AtomicReference<Instant> heldUntil) {
    Throwable error = failure.failure();
    if (!BackendErrors.isTransient(error)) { // an outage is; a refusal, a bug or BlockHound is not
      return Mono.error(error);
    }
    long tries = failure.totalRetries() + 1;
    Duration wait = settleRetryWait(failure.totalRetries());
    Instant leaseEnds = heldUntil.get();
    if (!clock.instant().plus(wait).isBefore(leaseEnds)) {
      return Mono.error(
          Exceptions.retryExhausted(
              tries + " tries failed; the next would come after the lease ends at " + leaseEnds,
              error));
    }
    LOG.log(
        Level.DEBUG,
        () ->
            "worker "
                + id
                + ": settling "
                + lease.ref()
                + " failed, again in "
                + wait
                + ": "
                + error);
    // A stop whose grace period is over ends the retries at once, so that the stop ends too.
    Mono<Long> stopped =
        graceOver
            .asMono()
            .then(
                Mono.error(
                    () ->
                        Exceptions.retryExhausted(
                            tries + " tries failed; the worker stopped", error)));
    return Mono.firstWithSignal(Mono.delay(wait, timer), stopped);
  }

  /** The wait before the try after {@code retries} failed retries. */
  private static Duration settleRetryWait(long retries) {
    long millis = SETTLE_RETRY_FIRST.toMillis() << Math.min(retries, 20);
    return Duration.ofMillis(Math.min(millis, SETTLE_RETRY_MAX.toMillis()));
  }

  private Mono<Void> settle(RegisteredTask task, Lease lease, Message message, Outcome outcome) {
    return switch (outcome.kind()) {
      case SUCCESS -> complete(task, lease, message, outcome.value());
      case FAILURE -> failed(task, lease, message, outcome.error());
      case REVOKED -> {
        // The backend already dead-lettered it and wrote FAILED when it was revoked.
        hook(task, message, "onRevocation", h -> h.onRevocation(message));
        yield Mono.empty();
      }
      case LEASE_LOST -> {
        // Another attempt owns the message now (or nobody needs it): discard this one.
        LOG.log(Level.WARNING, "worker " + id + ": lease of " + message.ref() + " lost");
        yield Mono.empty();
      }
    };
  }

  /**
   * Success: stores the result, sets SUCCEEDED, removes the message and submits its callback, in
   * one atomic backend step (batched with other completions). A result that arrives after a
   * revocation is discarded.
   */
  private Mono<Void> complete(RegisteredTask task, Lease lease, Message message, Object value) {
    JsonNode result;
    try {
      result = task.encode(value);
    } catch (RuntimeException e) {
      return failed(task, lease, message, e);
    }
    Instant now = clock.instant();
    List<Message> callbacks =
        message.callback() == null ? List.of() : List.of(callbackOf(message, result, now));
    Duration ttl = message.resultTtl() != null ? message.resultTtl() : defaultResultTtl;
    return completions
        .complete(new CompleteRequest(lease, result, ttl, callbacks, retention))
        .doOnNext(
            settled ->
                afterSettle(settled, task, message, "onSuccess", h -> h.onSuccess(message, value)))
        .then()
        // The callback (which carries this result) is larger than the backend stores: nothing
        // was applied, and another attempt would build the same callback, so the task fails.
        .onErrorResume(MessageTooLargeException.class, e -> deadLetter(lease, message, task, e));
  }

  /**
   * The message's callback, ready to enqueue: it gets this result as {@code previousResult}, the
   * chain's first message as progenitor, this message as its predecessor, and its own delay counted
   * from now. It keeps the rest of the chain as its own callback.
   */
  private static Message callbackOf(Message message, JsonNode result, Instant now) {
    Message callback = message.callback();
    return callback.toBuilder()
        .previousResult(result)
        .progenitorId(message.progenitorId() != null ? message.progenitorId() : message.id())
        .previousMessageId(message.id())
        .createdAt(now)
        .updatedAt(now)
        .readyAt(now.plus(callback.delay()))
        .build();
  }

  /**
   * Failure: another attempt if the error is retryable and retries are left, ready after the
   * backoff counted from now (at once after a shutdown, which is not the task's fault); otherwise
   * the dead-letter queue with the error's details.
   */
  private Mono<Void> failed(RegisteredTask task, Lease lease, Message message, Throwable error) {
    Throwable cause = BackendErrors.unwrap(error);
    ExceptionDetails details = ExceptionDetails.of(cause);
    if (!retryable(cause) || !message.canRetry()) {
      return deadLetter(lease, message, task, cause);
    }
    Instant now = clock.instant();
    Duration wait =
        cause instanceof WorkerStoppedException
            ? Duration.ZERO
            : Backoff.fromSettings(message.backoff()).delay(message.retries() + 1);
    return backend
        .retry(new RetryRequest(lease, now.plus(wait), details, retention))
        .doOnNext(
            settled ->
                afterSettle(settled, task, message, "onRetry", h -> h.onRetry(message, details)))
        .then();
  }

  /** Ends a message for good: dead letter, FAILED, with the error's details. */
  private Mono<Void> deadLetter(
      Lease lease, Message message, RegisteredTask task, Throwable error) {
    ExceptionDetails details = ExceptionDetails.of(error);
    if (task == null) {
      LOG.log(Level.WARNING, "worker " + id + ": dead-lettering " + lease.ref() + ": " + error);
    }
    return backend
        .fail(new FailRequest(lease, details, retention))
        .doOnNext(
            settled -> {
              if (task != null) {
                afterSettle(
                    settled, task, message, "onFailure", h -> h.onFailure(message, details));
              }
            })
        .then();
  }

  /** Runs the outcome's hook if the step applied, onRevocation if the message was revoked. */
  private void afterSettle(
      SettleResult settled,
      RegisteredTask task,
      Message message,
      String name,
      Consumer<TaskHooks<Object, Object>> hook) {
    switch (settled) {
      case APPLIED -> hook(task, message, name, hook);
      case REVOKED -> hook(task, message, "onRevocation", h -> h.onRevocation(message));
      case LEASE_LOST ->
          LOG.log(Level.WARNING, "worker " + id + ": lease of " + message.ref() + " lost");
    }
  }

  /** Runs a hook; one that throws is logged and changes nothing. */
  private void hook(
      RegisteredTask task, Message message, String name, Consumer<TaskHooks<Object, Object>> h) {
    try {
      h.accept(task.hooks());
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "hook " + name + " of " + message.ref() + " threw; ignored", e);
    }
  }

  // ================================================================ classification

  /** The one retry classifier: everything but {@link NonRetryableException} may be retried. */
  static boolean retryable(Throwable error) {
    return !(error instanceof NonRetryableException);
  }
}
