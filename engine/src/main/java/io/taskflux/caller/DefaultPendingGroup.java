package io.taskflux.caller;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/*
 * Lifecycle (`phase`, CAS): NEW ─enter─▶ ENTERED ─exit─▶ EXITING ─last member done─▶ DONE.
 *
 * `members` maps each unfinished member to whether it came through a shielded nested group (such
 * a member is not cancelled by this group). `outstanding` counts them; whoever removes a member
 * from the map (its done-callback or remove()) decrements it, and whoever brings it to zero while
 * EXITING ends the group. A member is counted before the member that spawned it can end, so
 * recursive spawns keep the group open. `cancelMessage` is set once (that is the cancel); cancelling while EXITING, or
 * exiting while cancelled, starts the cancellation timer, which ends the group even if members
 * have not stopped. The outcome goes to `done` (true: the body's value, false: quietly cancelled).
 */
final class DefaultPendingGroup implements PendingGroup {

  private static final int NEW = 0;
  private static final int ENTERED = 1;
  private static final int EXITING = 2;
  private static final int DONE = 3;

  private final DefaultCaller caller;
  private final GroupOptions options;
  private final Map<Pending<?>, Boolean> members = new ConcurrentHashMap<>();
  private final AtomicInteger outstanding = new AtomicInteger();
  private final AtomicInteger phase = new AtomicInteger(NEW);
  private final AtomicReference<String> cancelMessage = new AtomicReference<>(); // set: cancelled
  private final AtomicBoolean cancelTimerStarted = new AtomicBoolean();
  private final ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
  private final Set<DefaultPendingGroup> children = ConcurrentHashMap.newKeySet();
  private final Disposable.Composite timers = Disposables.composite();
  private final DefaultPending<Boolean> done = new DefaultPending<>(null);
  private final Consumer<Pending<?>> memberDone = this::memberDone;
  private volatile DefaultPendingGroup parent;
  private volatile Throwable bodyError;

  DefaultPendingGroup(DefaultCaller caller, GroupOptions options) {
    this.caller = caller;
    this.options = options;
  }

  @Override
  public String name() {
    return options.name();
  }

  @Override
  public GroupOptions options() {
    return options;
  }

  @Override
  public Caller caller() {
    return caller;
  }

  // ---- members ---------------------------------------------------------------------------

  @Override
  public <T> Pending<T> callSoon(Callable<? extends T> call) {
    return caller.callSoon(call, this);
  }

  @Override
  public <T> Pending<T> callLater(Duration delay, Callable<? extends T> call, Scheduler timer) {
    return caller.callLater(delay, call, timer, this);
  }

  @Override
  public <T> Pending<T> toThread(Callable<? extends T> call) {
    return caller.toThread(call, this);
  }

  @Override
  public <T> Pending<T> add(Pending<T> pending) {
    track(Objects.requireNonNull(pending, "pending"), false);
    return pending;
  }

  @SuppressWarnings("unchecked")
  private void track(Pending<?> pending, boolean shielded) {
    if (phase.get() == DONE) {
      pending.cancel("The group '" + name() + "' has ended");
      return;
    }
    outstanding.incrementAndGet(); // before the member is visible, so it never goes below zero
    if (members.putIfAbsent(pending, shielded) != null) {
      outstanding.decrementAndGet();
      return;
    }
    DefaultPendingGroup p = parent;
    if (p != null) {
      p.track(pending, shielded || options.shield());
    }
    String cancelled = cancelMessage.get();
    if (cancelled != null && !shielded) {
      pending.cancel(cancelled);
    }
    ((Pending<Object>) pending).onDone((Consumer<Object>) (Consumer<?>) memberDone);
  }

  @Override
  @SuppressWarnings("unchecked")
  public boolean remove(Pending<?> pending) {
    if (members.remove(pending) == null) {
      return false;
    }
    ((Pending<Object>) pending).removeDoneCallback((Consumer<Object>) (Consumer<?>) memberDone);
    DefaultPendingGroup p = parent;
    if (p != null) {
      p.remove(pending);
    }
    if (outstanding.decrementAndGet() == 0 && phase.get() == EXITING) {
      finish();
    }
    return true;
  }

  @Override
  public Set<Pending<?>> members() {
    return Set.copyOf(members.keySet());
  }

  private void memberDone(Pending<?> member) {
    if (members.remove(member) == null) {
      return;
    }
    if (member.isCancelled()) {
      if (options.mode() != GroupMode.IGNORE_CANCELLED) {
        cancel("A member of group '" + name() + "' was cancelled");
      }
    } else if (Awaiting.isExceptional(member)) {
      errors.add(member.exceptionNow());
      cancel("A member of group '" + name() + "' failed: " + member.exceptionNow());
    }
    if (outstanding.decrementAndGet() == 0 && phase.get() == EXITING) {
      finish();
    }
  }

  // ---- cancellation ----------------------------------------------------------------------

  @Override
  public boolean cancel(String message) {
    String why = message == null ? "The group '" + name() + "' was cancelled" : message;
    if (phase.get() == DONE || !cancelMessage.compareAndSet(null, why)) {
      return false;
    }
    // Nested groups first, so that they are cancelled with this message, not by their members.
    children.forEach(child -> child.cancelFromOutside(why));
    members.forEach(
        (member, shielded) -> {
          if (!shielded) {
            member.cancel(why);
          }
        });
    if (phase.get() == EXITING) {
      startCancellationTimer();
    }
    return true;
  }

  private void cancelFromOutside(String message) {
    if (!options.shield()) {
      cancel(message);
    }
  }

  @Override
  public boolean isCancelled() {
    return cancelMessage.get() != null;
  }

  private void startCancellationTimer() {
    if (outstanding.get() > 0 && cancelTimerStarted.compareAndSet(false, true)) {
      timers.add(
          options
              .timer()
              .schedule(
                  this::finish, options.cancellationTimeout().toNanos(), TimeUnit.NANOSECONDS));
    }
  }

  // ---- lifecycle -------------------------------------------------------------------------

  @Override
  public PendingGroup enter() {
    if (!phase.compareAndSet(NEW, ENTERED)) {
      throw new IllegalStateException("Re-entry of group '" + name() + "' is not supported!");
    }
    DefaultPendingGroup outer = DefaultCaller.GROUP.get();
    if (outer != null && outer != this && outer.phase.get() < DONE) {
      parent = outer;
      outer.children.add(this);
      String outerCancelled = outer.cancelMessage.get();
      if (outerCancelled != null) {
        cancelFromOutside(outerCancelled);
      }
    }
    if (options.deadline() != null) {
      timers.add(
          options
              .timer()
              .schedule(
                  () -> cancel("The deadline of group '" + name() + "' passed"),
                  options.deadline().toNanos(),
                  TimeUnit.NANOSECONDS));
    }
    return this;
  }

  @Override
  public Mono<Void> exit() {
    startExit();
    return outcome().then();
  }

  private void startExit() {
    if (!phase.compareAndSet(ENTERED, EXITING)) {
      if (phase.get() == NEW) {
        throw new IllegalStateException("Group '" + name() + "' was not entered");
      }
      return; // exiting already
    }
    if (isCancelled()) {
      startCancellationTimer();
    }
    if (outstanding.get() == 0) {
      finish();
    }
  }

  private Mono<Boolean> outcome() {
    return done.asMono()
        .doOnCancel(
            () -> cancelFromOutside("The subscriber of group '" + name() + "' was cancelled"));
  }

  @Override
  public <R> Mono<R> run(GroupBody<R> body) {
    Objects.requireNonNull(body, "body");
    return Mono.defer(
        () -> {
          enter();
          R value = null;
          DefaultPendingGroup outer = DefaultCaller.GROUP.get();
          DefaultCaller.GROUP.set(this);
          try {
            value = body.run(this);
          } catch (Throwable e) {
            bodyError = e;
            cancel("The body of group '" + name() + "' failed: " + e);
          } finally {
            DefaultCaller.GROUP.set(outer);
          }
          startExit();
          R result = value;
          return outcome().flatMap(ok -> ok ? Mono.justOrEmpty(result) : Mono.empty());
        });
  }

  private void finish() {
    if (!phase.compareAndSet(EXITING, DONE)) {
      return;
    }
    timers.dispose();
    DefaultPendingGroup p = parent;
    if (p != null) {
      p.children.remove(this);
    }
    List<Throwable> failures = new ArrayList<>();
    if (bodyError != null && !errors.isEmpty()) {
      failures.add(bodyError);
    }
    failures.addAll(errors);
    if (!failures.isEmpty()) {
      done.fail(new PendingGroupException(name(), failures));
    } else if (bodyError != null) {
      done.fail(bodyError);
    } else if (isCancelled() && options.mode() == GroupMode.CANCEL_AND_RAISE) {
      done.fail(new PendingCancelledException(cancelMessage.get()));
    } else {
      done.complete(!isCancelled());
    }
  }

  @Override
  public String toString() {
    return "PendingGroup(" + name() + ", " + options.mode() + ")";
  }
}
