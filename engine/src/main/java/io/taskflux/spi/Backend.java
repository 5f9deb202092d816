package io.taskflux.spi;

import io.taskflux.internal.Closing;
import io.taskflux.task.MessageRef;
import io.taskflux.task.StatusUpdate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * The storage seam of taskflux: a short list of atomic operations on messages, leases, statuses,
 * results, locks and counters. A backend stores and moves data; every decision (whether to retry,
 * how long to wait, what a timeout means) is taken above it, in the engine.
 *
 * <h2>Contract shared by every operation</h2>
 *
 * <ul>
 *   <li><b>Non-blocking and cold.</b> Every method returns at once, never blocks the calling
 *       thread, and does nothing until the returned {@code Mono}/{@code Flux} is subscribed; each
 *       subscription performs the operation again. Signals may arrive on any thread.
 *   <li><b>Atomic.</b> Each operation takes effect entirely or not at all, and concurrent
 *       operations (from any number of threads or processes sharing the backend) behave as if run
 *       one after another. The unit of atomicity is one queue: an operation over several queues
 *       (claim, requeue, promote) is atomic per queue, in the order given. A batch ({@link
 *       #complete(List)}) applies each element atomically.
 *   <li><b>Safe to repeat.</b> An operation that failed with {@link
 *       io.taskflux.BackendUnavailableException} may or may not have taken effect; repeating it
 *       with the same arguments never does harm (enqueue-if-absent, lease-checked settlement,
 *       set-if-absent).
 *   <li><b>Nulls.</b> No argument may be null (a {@link NullPointerException} is thrown at call
 *       time, naming it); "nothing there" is an empty {@code Mono}, never a null value.
 *   <li><b>Errors</b> arrive as {@code onError}: {@link io.taskflux.BackendUnavailableException}
 *       when the store cannot be reached or the backend was {@linkplain #closeAsync() closed}
 *       (transient: the waits of a backend outlast it), {@link
 *       io.taskflux.BackendRejectedException} when the store refuses for a reason no retry fixes
 *       (credentials, a permission, TLS, foreign data; permanent: every operation and every wait
 *       fails with it at once), {@link io.taskflux.CapacityExceededException} when a bounded
 *       backend is full, {@link io.taskflux.MessageTooLargeException} when a backend that bounds
 *       the size of a message (Redis: {@code maxMessageBytes}) is given a larger one on any path
 *       that stores messages (enqueue, enqueueAll, update, deadLetter, the callbacks of complete);
 *       nothing is stored then. A backend classifies its own failures once into these types; {@link
 *       io.taskflux.internal.BackendErrors} reads the decision. Arguments that violate a documented
 *       range throw {@link IllegalArgumentException} at call time.
 *   <li><b>Time</b> is the backend's {@link #clock()}: readiness, lease expiry and every TTL are
 *       judged on it, never on another clock, so a test clock that is moved by hand moves all of
 *       them. Stored times have millisecond precision.
 *   <li><b>Expiry.</b> Every stored thing has a TTL (see {@link Retention}). After it passes, the
 *       thing reads as absent; the memory it used is freed, at the latest, by later operations.
 *   <li><b>No polling.</b> The waiting operations ({@link #awaitWork}, {@link #watchStatus}, {@link
 *       #awaitResult}, {@link #awaitRevocation}, {@link #awaitLockFree}) wake on the write that
 *       satisfies them or on the clock reaching a known due time, not by re-reading on an interval.
 * </ul>
 *
 * <h2>Message life</h2>
 *
 * A message is stored by {@link #enqueue} as <i>delayed</i> (its {@code readyAt} is in the future)
 * or <i>ready</i>. {@link #claim} leases ready messages (and delayed ones that became due) to an
 * owner; a leased message is settled by exactly one of {@link #complete}, {@link #retry} (back to
 * delayed/ready, one retry counted) and {@link #fail} (to the dead-letter queue), each checked
 * against the lease. A lease that expires unsettled is taken back by {@link #requeueExpired}
 * (counted as a retry, or dead-lettered when none is left). {@link #revoke} takes a message out of
 * any live state into the dead-letter queue and marks it revoked. Claim order: queues in the order
 * given; within a queue, lowest {@code priority} first; equal priorities in the order they became
 * ready (FIFO).
 *
 * <p>Statuses are written by the operations themselves, atomically with the move they describe
 * ({@code SUBMITTED} by enqueue, {@code RUNNING} by claim, {@code SUCCEEDED} by complete, {@code
 * RETRYING} by retry and lease requeue, {@code FAILED} by fail, dead-lettering requeue and revoke);
 * {@link #setStatus} writes any other. Every status write notifies its watchers and carries the
 * status TTL of its request.
 *
 * <p>Implementations must pass {@code BackendContractTest} (the engine's test jar) unchanged.
 */
public interface Backend extends AutoCloseable {

  /** The clock every time-based decision of this backend is taken on. */
  Clock clock();

  // ---------------------------------------------------------------- messages

  /**
   * Stores a message only if no live message (ready, delayed or leased) with the same {@link
   * MessageRef} exists, and writes its {@code SUBMITTED} status. It becomes claimable at its {@code
   * readyAt}; idle {@link #awaitWork} callers on its queue wake up.
   *
   * @return {@code true} if stored; {@code false} if a live message with that ref exists (nothing
   *     changed)
   * @throws io.taskflux.CapacityExceededException (as {@code onError}) when the backend is full
   */
  Mono<Boolean> enqueue(EnqueueRequest request);

  /**
   * Enqueues several messages with the outcome of {@link #enqueue} on each of them in the given
   * order, one after another, stopping at the first error; a backend may store a run of them in one
   * round trip. Each message is stored atomically (as by {@code enqueue}), not the whole list: a
   * reader may see the first messages stored before the last are.
   *
   * <p>Results: one {@code Boolean} per request, in order, as {@code enqueue} would return it
   * ({@code false}: a live message with that ref exists, nothing changed for it, and the next
   * requests still go ahead). On {@link io.taskflux.CapacityExceededException} the flux ends with
   * that error after the results of the requests before the one that found no room; that request
   * and every later one are not stored. On {@link io.taskflux.BackendUnavailableException} the
   * requests without a result may or may not be stored (repeating them is safe, as for {@code
   * enqueue}).
   *
   * <p>A message too large for the backend fails the whole call with {@link
   * io.taskflux.MessageTooLargeException} before any of its messages is stored (every message of
   * the call is checked first).
   *
   * <p>The default enqueues one message at a time; backends with a cheaper batch override it (and
   * must keep the size check atomic per call: a backend that bounds message size overrides it).
   *
   * @param requests the messages, possibly of several queues; no element may be null
   * @return the results in request order; empty for an empty list
   */
  default Flux<Boolean> enqueueAll(List<EnqueueRequest> requests) {
    List<EnqueueRequest> all = List.copyOf(Objects.requireNonNull(requests, "requests"));
    return Flux.fromIterable(all).concatMap(this::enqueue, 0);
  }

  /**
   * Looks a message up: the live message if there is one, else its dead letter.
   *
   * @return the stored message, or empty when neither exists
   */
  Mono<StoredMessage> find(MessageRef ref);

  /**
   * Replaces the stored content of a message (live or dead letter) with {@code message}, keeping
   * its state, lease and expiry (the seed's {@code sync_to_backend}). A ready or delayed message is
   * re-placed by its new priority and {@code readyAt}, keeping its FIFO position among equals.
   *
   * @return {@code true} if replaced; {@code false} if nothing with its ref is stored
   */
  Mono<Boolean> update(io.taskflux.task.Message message);

  /**
   * Removes a live message whatever its state (a lease on it is lost), without dead-lettering it
   * and without touching its status or result (the seed's {@code remove}/{@code ack}).
   *
   * @return {@code true} if a live message was removed
   */
  Mono<Boolean> remove(MessageRef ref);

  /**
   * Looks up only the dead letter of a message, whether or not a live message with the same ref
   * exists (the seed's {@code in_dlq}).
   *
   * @return the dead letter, or empty
   */
  Mono<StoredMessage> findDeadLetter(MessageRef ref);

  /**
   * Dead-letters a message without a lease (the seed's {@code Broker.fail}): in one step, removes
   * the live message with {@code message}'s ref, if any, in any state (a lease on it is lost), and
   * keeps {@code message} as its dead letter for the dead-letter TTL of {@code retention} (none
   * when zero), replacing an older one. Statuses are not touched. Safe to repeat.
   *
   * @return {@code true} if a live message was removed
   */
  Mono<Boolean> deadLetter(io.taskflux.task.Message message, Retention retention);

  /**
   * Deletes dead letters of one queue: those with the given ids, or every one when {@code ids} is
   * empty (a purge). Live messages, statuses and results are not touched.
   *
   * @return how many dead letters were deleted
   */
  Mono<Long> deleteDeadLetters(String queue, List<String> ids);

  // ---------------------------------------------------------------- work

  /**
   * Leases up to {@code max} claimable messages, in claim order (queues in the order given; within
   * a queue lowest priority first, FIFO among equal priorities), skipping tasks a selector
   * excludes. A delayed message whose {@code readyAt} has come counts as ready. Each claimed
   * message gets a fresh lease for the owner and the status {@code RUNNING}. Two concurrent claims
   * never lease the same message.
   *
   * @return the deliveries in claim order; an empty list when nothing is claimable
   */
  Mono<List<Delivery>> claim(ClaimRequest request);

  /**
   * Waits, without polling, until work may be claimable in one of {@code queues}: completes at once
   * if a message is ready there; otherwise on the first enqueue, retry, requeue or promotion into
   * one of them, when the earliest delayed message there becomes due, when the earliest lease there
   * expires (so the caller can {@linkplain #requeueExpired reap} it), or after {@code max},
   * whichever comes first. It may complete spuriously; it never errors because nothing came.
   *
   * @param max the longest wait ({@code >= 0})
   */
  Mono<Void> awaitWork(List<String> queues, Duration max);

  /**
   * Moves every delayed message of {@code queues} whose {@code readyAt} has come to ready (in
   * {@code readyAt} order, so FIFO follows due time) and wakes {@link #awaitWork} callers.
   *
   * @return how many were moved
   */
  Mono<Integer> promoteDue(List<String> queues);

  /**
   * Extends a lease to {@code now + extension} if it still holds.
   *
   * @return the extended lease (same token), or empty when the lease was lost (expired and taken
   *     back, settled, revoked or removed)
   */
  Mono<Lease> extendLease(Lease lease, Duration extension);

  /**
   * Completes successful attempts. For each request, in one atomic step and only while its lease
   * holds: stores the result (unless one exists: the first result is kept), sets {@code SUCCEEDED},
   * removes the message, and enqueues each callback if absent (status {@code SUBMITTED}). No crash
   * can leave the result stored with the message still live, or the reverse. Result and status
   * watchers wake.
   *
   * <p>A callback in another queue is durably recorded in the same step; it is claimable when the
   * returned {@code Mono} completes, or, if the process died in between, after the next {@link
   * #requeueExpired} of the completed message's queue.
   *
   * <p>A callback too large for the backend fails the call with {@link
   * io.taskflux.MessageTooLargeException} before anything of it is applied (every callback of every
   * request is checked first); the engine then completes the batch's other requests alone.
   *
   * @return one result per request, in order: {@link SettleResult#APPLIED}, {@link
   *     SettleResult#LEASE_LOST} or {@link SettleResult#REVOKED} (the last two changed nothing)
   */
  Mono<List<SettleResult>> complete(List<CompleteRequest> requests);

  /** {@link #complete(List)} for one attempt. */
  default Mono<SettleResult> complete(CompleteRequest request) {
    return complete(List.of(request)).map(results -> results.get(0));
  }

  /**
   * Schedules another attempt, only while the lease holds: counts one retry, records the error on
   * the message ({@code exceptionDetails}, {@code updatedAt = now}), makes it ready at {@code
   * readyAt} (delayed until then), releases the lease and sets {@code RETRYING} with the error.
   *
   * @return {@link SettleResult#APPLIED}, {@link SettleResult#LEASE_LOST} or {@link
   *     SettleResult#REVOKED}
   */
  Mono<SettleResult> retry(RetryRequest request);

  /**
   * Ends a message for good, only while the lease holds: removes it, keeps it as a dead letter
   * (with the error as its {@code exceptionDetails}) for the dead-letter TTL (none when zero), and
   * sets {@code FAILED} with the error.
   *
   * @return {@link SettleResult#APPLIED}, {@link SettleResult#LEASE_LOST} or {@link
   *     SettleResult#REVOKED}
   */
  Mono<SettleResult> fail(FailRequest request);

  /**
   * Takes back every leased message of {@code queues} whose lease has expired (its worker is
   * presumed dead). One with retries left ({@code retries < maxRetries}) counts a retry, records a
   * {@link io.taskflux.task.ExceptionDetails#LEASE_LOST} error, becomes ready at once and gets
   * {@code RETRYING}; one without goes to the dead-letter queue with that error and gets {@code
   * FAILED}. The expired leases are lost. Safe to run concurrently from many processes: each
   * expired lease is taken back once. Also finishes any callback enqueue a crash interrupted.
   */
  Mono<ReapResult> requeueExpired(ReapRequest request);

  /**
   * Revokes a message so it never starts (again). If it is leased and {@code skipIfRunning} is set,
   * nothing changes. Otherwise, if a live message exists, in one step: it is removed from its state
   * (a lease on it is lost), kept as a dead letter with {@code reason}, marked revoked for the
   * revocation TTL (waking {@link #awaitRevocation}), and its status becomes {@code FAILED} with
   * {@code reason}.
   *
   * @return what happened; see {@link RevokeResult}
   */
  Mono<RevokeResult> revoke(RevokeRequest request);

  /** Whether the message carries a revocation mark (until the revocation TTL passes). */
  Mono<Boolean> isRevoked(MessageRef ref);

  /**
   * Completes when the message is revoked: at once if it already is, else on its revocation. It
   * never completes otherwise; cancel it or add a timeout.
   */
  Mono<Void> awaitRevocation(MessageRef ref);

  // ---------------------------------------------------------------- statuses

  /**
   * Writes a status (replacing the previous one) with a TTL of {@code ttl} and notifies watchers.
   */
  Mono<Void> setStatus(MessageRef ref, StatusUpdate update, Duration ttl);

  /** The current status, or empty when none is stored (never written, deleted or expired). */
  Mono<StatusUpdate> getStatus(MessageRef ref);

  /**
   * Deletes a status.
   *
   * @return {@code true} if one was stored
   */
  Mono<Boolean> deleteStatus(MessageRef ref);

  /**
   * Watches a status: once the watch is established, emits the current status (if any), then every
   * later write, in write order, as soon as it is written. A write racing with the establishment
   * may be folded into the current status or seen twice in a row (use {@code
   * distinctUntilChanged()}); after the first emission no write is missed. Never completes by
   * itself; cancel it (for example after a terminal status). Buffers for slow subscribers (statuses
   * per task are few).
   */
  Flux<StatusUpdate> watchStatus(MessageRef ref);

  /**
   * The integrity scan's step: every non-terminal status of {@code queue} whose message is no
   * longer live becomes {@code UNKNOWN} (with the status TTL of {@code retention}).
   *
   * @return how many statuses were changed
   */
  Mono<Long> markOrphanedStatuses(String queue, Retention retention);

  // ---------------------------------------------------------------- results

  /**
   * Stores a result with a TTL. With {@code ifAbsent}, an existing result is kept and nothing
   * changes. Result watchers wake. Also usable for values that are not task results (an async
   * result pool may use its own queue name in the ref).
   *
   * @return {@code true} if written
   */
  Mono<Boolean> setResult(MessageRef ref, JsonNode value, Duration ttl, boolean ifAbsent);

  /** The stored result, or empty when none is (never written, deleted or expired). */
  Mono<StoredResult> getResult(MessageRef ref);

  /**
   * Deletes a result.
   *
   * @return {@code true} if one was stored
   */
  Mono<Boolean> deleteResult(MessageRef ref);

  /**
   * Emits the result as soon as it exists: at once if it does, else on the write that stores it.
   * Never completes empty by itself; bound it with {@code timeout}.
   */
  Mono<StoredResult> awaitResult(MessageRef ref);

  /**
   * Emits how a task ended as soon as it has: its stored result (as {@link #awaitResult}), or its
   * {@code FAILED} status (as a {@link #watchStatus} would see it), whichever exists first; at once
   * if one already does. Never completes empty by itself; bound it with {@code timeout}.
   *
   * <p>The default races {@link #awaitResult} against {@link #watchStatus}; a backend that can
   * deliver both through one wait (one subscription, one read) should override it.
   */
  default Mono<TaskOutcome> awaitOutcome(MessageRef ref) {
    Mono<TaskOutcome> stored = awaitResult(ref).map(TaskOutcome::succeeded);
    Mono<TaskOutcome> failed =
        watchStatus(ref)
            .filter(u -> u.status() == io.taskflux.task.TaskStatus.FAILED)
            .next()
            .map(TaskOutcome::failed);
    return Mono.firstWithSignal(stored, failed);
  }

  // ---------------------------------------------------------------- locks and counters

  /**
   * Takes a named lock for {@code owner} if it is free (never taken, released or expired), for
   * {@code ttl}. Lock names are global (not per queue).
   */
  Mono<LockResult> acquireLock(String name, String owner, Duration ttl);

  /**
   * Releases a lock only if {@code owner} holds it.
   *
   * @return {@code true} if it was released; {@code false} if free or held by another owner
   */
  Mono<Boolean> releaseLock(String name, String owner);

  /** The current holder of a lock, or empty when it is free. */
  Mono<String> lockHolder(String name);

  /**
   * Completes when the lock is free: at once if it is, else on its release or expiry. Never
   * completes otherwise; bound it with {@code timeout}. Another owner may take the lock first, so
   * acquire again after it.
   */
  Mono<Void> awaitLockFree(String name);

  /**
   * Adds one to a named counter and returns the new value; a counter that was never used starts at
   * zero, so the first call returns 1. Counters are global and never expire.
   */
  Mono<Long> increment(String counter);

  // ---------------------------------------------------------------- listing (dashboard)

  /** The names of queues that hold live messages or dead letters, in name order. */
  Flux<String> queues();

  /** The number of messages of a queue in each state. */
  Mono<QueueStats> stats(String queue);

  /**
   * A page of a queue's messages in one state: {@code READY} in claim order, {@code DELAYED} by
   * {@code readyAt}, {@code LEASED} by lease expiry, {@code DEAD_LETTER} oldest first.
   *
   * @param offset how many to skip ({@code >= 0})
   * @param limit the most to emit ({@code >= 1})
   */
  Flux<StoredMessage> list(String queue, MessageState state, int offset, int limit);

  // ---------------------------------------------------------------- namespace

  /**
   * The namespace this backend stores everything under (keys, queues, locks, counters): backends of
   * one namespace on one store see the same data; another namespace sees none of it. Engines take
   * their namespace from here (the prefix of worker ids and trigger tick claims), so the two never
   * disagree.
   */
  String namespace();

  /**
   * This backend seen under another namespace: a backend over the same store and connections whose
   * data (messages, statuses, results, locks, counters, queue registry) is that of {@code
   * namespace}, isolated from this one's. {@code withNamespace(namespace())} is this backend.
   *
   * <p>A view shares the resources of the backend it was made from: closing the view ends only its
   * own waits and operations; closing the backend it came from closes every view too.
   *
   * @throws IllegalArgumentException if {@code namespace} is blank
   */
  Backend withNamespace(String namespace);

  // ---------------------------------------------------------------- lifecycle

  /**
   * Releases the backend's resources, completing when they are released. Afterwards every operation
   * fails with {@link io.taskflux.BackendUnavailableException}, and pending waits end with it.
   * Idempotent; cold (nothing happens until subscribed); never blocks.
   */
  Mono<Void> closeAsync();

  /** How long {@link #close()} waits for {@link #closeAsync()} at most: 30 s. */
  Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

  /**
   * {@link #closeAsync()}, waited for on the calling thread for at most {@link #CLOSE_TIMEOUT}, so
   * a backend works in try-with-resources. Blocking: never call it on a Reactor non-blocking thread
   * (use {@code closeAsync()} there).
   *
   * @throws IllegalStateException if called on a Reactor non-blocking thread (nothing is closed)
   * @throws io.taskflux.TaskfluxException if the close did not finish in time or failed
   */
  @Override
  default void close() {
    Closing.await(closeAsync(), CLOSE_TIMEOUT, "backend " + this);
  }
}
