/**
 * In-process structured concurrency: {@link io.taskflux.caller.Caller} schedules calls on its own
 * serial scheduler, on a timer or on a bounded worker pool and hands back a hot, thread-safe {@link
 * io.taskflux.caller.Pending}; {@link io.taskflux.caller.PendingGroup} ties the lifetime of many
 * pendings together (cancel the rest on the first failure, wait for all, bounded cancellation);
 * {@link io.taskflux.caller.Combine} and {@code Pending.all/any/race} combine in-flight work with
 * Dispatch's rules.
 *
 * <p>Nothing here blocks the calling thread except methods named as blocking ({@link
 * io.taskflux.caller.Pending#join(java.time.Duration)}). Every time-based method has an overload
 * taking a {@link reactor.core.scheduler.Scheduler}, so {@code StepVerifier.withVirtualTime} works.
 * The errors this package raises are {@link io.taskflux.TaskfluxException} subclasses ({@link
 * io.taskflux.caller.PendingCancelledException}, {@link
 * io.taskflux.caller.CallerRejectedException}, {@link io.taskflux.caller.PendingGroupException},
 * {@link io.taskflux.caller.AllFailedException}), except {@link
 * java.util.concurrent.TimeoutException} from {@link
 * io.taskflux.caller.Pending#await(java.time.Duration)} and {@link IllegalStateException} for
 * misuse (re-entering a group, waiting for one's own pending). A call's own exception travels
 * unchanged, as the same instance.
 */
package io.taskflux.caller;
