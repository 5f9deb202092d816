/**
 * Results: {@link io.taskflux.result.ResultStore} stores and reads task results (waiting without
 * polling, deleting after reading unless kept, with the callback chain as descendants); {@link
 * io.taskflux.result.ResultPool} streams many in input or completion order, or in Dispatch-style
 * batches; {@link io.taskflux.result.AsyncResultPool} is a pool of set-once slots for results
 * computed elsewhere, local or shared through a backend. Waits follow DESIGN decision 1: a timeout
 * fails with {@link java.util.concurrent.TimeoutException}, {@code Duration.ZERO} looks once.
 */
package io.taskflux.result;
