package io.taskflux.caller;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Callable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Structured concurrency over pendings: a group ends only when every member is done, including
 * members added while it waits.
 *
 * <p><b>Use.</b> {@code caller.inGroup(options, group -> { group.toThread(a); group.callSoon(b);
 * return value; })} returns a {@code Mono} of the body's value, emitted once every member is done.
 * The explicit form is {@code group = caller.newGroup(options).enter(); ...; group.exit()}. A group
 * is entered once: entering it again fails with {@link IllegalStateException}.
 *
 * <p><b>Members</b> are the pendings started through the group, those {@link #add added} to it, and
 * those started through its caller while the body or a member call runs on that thread. A group
 * entered while another runs (in its body or in a member call) is nested: every member of the inner
 * group is also a member of the outer one.
 *
 * <p><b>Failure and cancellation.</b> A member's exception cancels the group, which cancels every
 * unfinished member; once they are done the group fails with {@link PendingGroupException} (first
 * error as cause, the others suppressed), in every {@link GroupMode}. A member's cancellation is
 * handled by the mode. An exception in the body cancels the group and is the group's error (inside
 * the {@code PendingGroupException} if members failed too). Cancelling the group's subscription, or
 * the cancellation of an enclosing group, cancels the group unless it is {@linkplain
 * GroupOptions#shield() shielded}. A cancelled group waits at most {@link
 * GroupOptions#cancellationTimeout()} for its members to stop, then ends anyway.
 *
 * <p><b>Threads.</b> Thread-safe; nothing blocks. The group's {@code Mono} signals on the thread
 * that completes its last member (or runs a timer).
 */
public interface PendingGroup {

  /** The group's name. */
  String name();

  /** The options it was created with. */
  GroupOptions options();

  /** The caller that created it. */
  Caller caller();

  /** {@link Caller#callSoon} as a member. */
  <T> Pending<T> callSoon(Callable<? extends T> call);

  /** {@link Caller#callLater(Duration, Callable)} as a member. */
  default <T> Pending<T> callLater(Duration delay, Callable<? extends T> call) {
    return callLater(delay, call, Schedulers.parallel());
  }

  /** {@link Caller#callLater(Duration, Callable, Scheduler)} as a member. */
  <T> Pending<T> callLater(Duration delay, Callable<? extends T> call, Scheduler timer);

  /** {@link Caller#toThread} as a member. */
  <T> Pending<T> toThread(Callable<? extends T> call);

  /**
   * Makes {@code pending} a member (and a member of the enclosing groups); returns it. If the group
   * is cancelled it is cancelled at once; if the group has ended it is cancelled too.
   */
  <T> Pending<T> add(Pending<T> pending);

  /** Stops tracking {@code pending}; returns whether it was an unfinished member. */
  boolean remove(Pending<?> pending);

  /** The members not done yet (a snapshot). */
  Set<Pending<?>> members();

  /**
   * Cancels the group and every unfinished member (and nested groups that are not shielded);
   * returns whether this call cancelled it.
   */
  boolean cancel(String message);

  /** Whether the group was cancelled. */
  boolean isCancelled();

  /**
   * Enters the group (starting its deadline) and returns it.
   *
   * @throws IllegalStateException if it was entered before
   */
  PendingGroup enter();

  /**
   * Exits the group: the returned {@code Mono} completes once every member is done, or fails as the
   * class comment says. Hot: the exit starts now, every subscriber sees the same outcome;
   * cancelling a subscription cancels the group unless it is shielded.
   *
   * @throws IllegalStateException if the group was not entered
   */
  Mono<Void> exit();

  /**
   * Enters the group, runs {@code body} with the group as the current one, exits, and emits the
   * body's value (empty for {@code null}, or if the group ended cancelled in a quiet mode). Cold:
   * this happens on subscription, once; a second subscription fails with {@link
   * IllegalStateException} (re-entry).
   */
  <R> Mono<R> run(GroupBody<R> body);
}
