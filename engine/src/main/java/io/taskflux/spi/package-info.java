/**
 * The backend SPI: {@link io.taskflux.spi.Backend}, the short list of atomic storage operations
 * every backend implements, with its request and result records. Policy (retries, backoff,
 * timeouts, revocation, callbacks) lives above this package; a backend only stores and moves data
 * atomically, and proves it by passing the engine's {@code BackendContractTest}.
 */
package io.taskflux.spi;
