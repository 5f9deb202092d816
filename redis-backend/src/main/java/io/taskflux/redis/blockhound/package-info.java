/**
 * The BlockHound allowances of the Redis client stack, registered as a service: found by {@code
 * BlockHound.install()} in any JVM that has {@code taskflux-redis} and BlockHound on its class
 * path. Not API.
 */
package io.taskflux.redis.blockhound;
