/**
 * The worker: {@link io.taskflux.worker.Worker} and the one file that is the pipeline, {@code
 * WorkerPipeline} (claim &rarr; decode &rarr; run with timeout, lease keeper and revocation watch
 * &rarr; complete | retry | fail). {@link io.taskflux.worker.RegisteredTask}, {@link
 * io.taskflux.worker.Invocation} and {@link io.taskflux.worker.WorkerContext} are the seam through
 * which the engine hands its registered tasks to the worker.
 */
package io.taskflux.worker;
