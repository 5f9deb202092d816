/**
 * Queues: {@link io.taskflux.broker.Broker} submits messages and moves them (ack, fail to the
 * dead-letter queue, retry, remove, sync), and {@link io.taskflux.broker.Consumer} streams claimed
 * messages from an ordered subset of queues and tasks, claiming only what is requested and waiting
 * for work without polling.
 */
package io.taskflux.broker;
