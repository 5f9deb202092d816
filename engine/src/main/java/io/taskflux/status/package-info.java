/**
 * Task statuses: {@link io.taskflux.status.StatusTracker} reads, writes, deletes and watches the
 * status of each message, waits for a status without polling, and runs the integrity scan that
 * marks statuses whose message vanished as {@code UNKNOWN}.
 */
package io.taskflux.status;
