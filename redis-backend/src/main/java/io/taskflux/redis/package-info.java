/**
 * The Redis backend of taskflux, on Lettuce's asynchronous API: one Lua script per backend
 * operation, every key of a queue under one hash tag so that Redis Cluster works.
 */
package io.taskflux.redis;
