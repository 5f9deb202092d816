/**
 * The task data model: {@link io.taskflux.task.Message} (one unit of work and everything needed to
 * run, retry and chain it), {@link io.taskflux.task.MessageRef} (where a message's id lives),
 * {@link io.taskflux.task.TaskStatus} with its allowed transitions, {@link
 * io.taskflux.task.StatusUpdate} and {@link io.taskflux.task.ExceptionDetails}. Every type is an
 * immutable value, safe to share between threads, and round-trips through JSON exactly.
 */
package io.taskflux.task;
