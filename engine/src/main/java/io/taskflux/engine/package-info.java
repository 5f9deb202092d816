/**
 * The user-facing engine: {@link io.taskflux.engine.TaskEngine} (register, submit, follow, run
 * workers), {@link io.taskflux.engine.TaskDefinition} (a task and its policy), {@link
 * io.taskflux.engine.SubmitOptions}, {@link io.taskflux.engine.TaskHandle} (a submitted task seen
 * from anywhere), {@link io.taskflux.engine.Result}, {@link io.taskflux.engine.TaskHooks} and
 * {@link io.taskflux.engine.WorkerOptions}.
 */
package io.taskflux.engine;
