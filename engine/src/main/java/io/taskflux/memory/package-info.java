/**
 * The embedded default backend: {@link io.taskflux.memory.InMemoryBackend} keeps everything in this
 * JVM's memory with the same guarantees as a distributed backend (atomic operations, leases, TTLs
 * on the injected clock, waits woken by writes rather than polling), bounded by a capacity.
 */
package io.taskflux.memory;
