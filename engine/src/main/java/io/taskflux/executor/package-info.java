/**
 * Runs a set of long-lived tasks together (a port of AEA's {@code multiple_executor}).
 *
 * <p>{@link io.taskflux.executor.MultipleExecutor} starts every task in one {@link
 * io.taskflux.executor.ExecutorMode}: {@code ASYNC} (an {@link io.taskflux.executor.AsyncTask}'s
 * {@code Mono} subscribed on a Reactor scheduler), {@code THREAD} (a {@link
 * io.taskflux.executor.ThreadTask} on a platform thread of its own) or {@code PROCESS} (a {@link
 * io.taskflux.executor.ProcessTask} as a child JVM). When a task fails, the {@link
 * io.taskflux.executor.ExceptionPolicy} decides: {@code PROPAGATE} fails the run with a {@link
 * io.taskflux.executor.TaskFailedException}, {@code STOP_ALL} stops every task, {@code LOG_ONLY}
 * logs and carries on. An interrupt or a cancellation is never a failure. {@link
 * io.taskflux.executor.MultipleRunner} picks the mode by name and can run the executor on a daemon
 * thread.
 *
 * <p>Blocking: {@code MultipleExecutor.start()}, {@code MultipleRunner.start(false)}, {@code
 * MultipleRunner.stop(Duration)} and {@code MultipleRunner.tryJoinThread()} block the calling
 * thread (the seed's API is blocking) and refuse to run on a Reactor non-blocking thread; {@code
 * MultipleExecutor.run()} and {@code MultipleExecutor.stop()} are the non-blocking forms.
 */
package io.taskflux.executor;
