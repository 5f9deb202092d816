/**
 * Distributed locks: {@link io.taskflux.lock.Lock}, a named mutex held by an owner id (per host,
 * per JVM or per thread) for a TTL, acquired with an optional wait that wakes on release or expiry
 * without polling, and {@link io.taskflux.lock.Lock#withLock} to run a {@code Mono} while holding
 * one. Failures that callers branch on are {@link io.taskflux.lock.LockException}s.
 */
package io.taskflux.lock;
