/**
 * The {@code taskflux} command line ({@link io.taskflux.cli.Main}): workers in thread or process
 * pools, submit, status, result, revoke, the dead-letter queue, queue depths and the demo. Tasks
 * come from {@link io.taskflux.cli.TaskModule} classes.
 */
package io.taskflux.cli;
