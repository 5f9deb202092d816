/**
 * Backoff algorithms: how long a failed task waits before its next attempt. {@link
 * io.taskflux.backoff.Backoff} has the constant, linear and exponential formulas with a floor, a
 * ceiling, a zero override and optional jitter; {@link io.taskflux.backoff.BackoffSettings} is
 * their serializable form, carried in every message.
 */
package io.taskflux.backoff;
