/**
 * Trigger tasks: {@link io.taskflux.trigger.TriggerTask} submits a task on a {@link
 * io.taskflux.trigger.Trigger} (cron via cron-utils, interval, date), one message per tick with a
 * deterministic id, so several scheduler instances never submit a tick twice.
 */
package io.taskflux.trigger;
