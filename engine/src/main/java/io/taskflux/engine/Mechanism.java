package io.taskflux.engine;

/** How a task's function runs. */
public enum Mechanism {
  /**
   * The function returns a {@code Mono} and must not block: it is subscribed on a Reactor
   * non-blocking thread; a timeout or a revocation disposes its subscription.
   */
  REACTIVE,
  /**
   * The function blocks: it runs on the engine caller's bounded pool of threads ({@link
   * io.taskflux.caller.Caller#toThread}); a timeout or a revocation interrupts its thread.
   */
  BLOCKING
}
