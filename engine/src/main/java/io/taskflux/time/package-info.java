/**
 * Time for the engine and its backends: {@link io.taskflux.time.SchedulerClock}, a {@link
 * java.time.Clock} read from a Reactor {@link reactor.core.scheduler.Scheduler} (so a virtual-time
 * scheduler moves the clock and fires timers together), and {@link io.taskflux.time.Timers}, which
 * waits for an instant of any clock without blocking.
 */
package io.taskflux.time;
