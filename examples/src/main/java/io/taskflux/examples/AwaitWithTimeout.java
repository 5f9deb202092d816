package io.taskflux.examples;

import io.taskflux.NonRetryableException;
import io.taskflux.caller.Pending;
import io.taskflux.engine.TaskDefinition;
import io.taskflux.engine.TaskEngine;
import io.taskflux.engine.TaskFailedException;
import io.taskflux.engine.TaskHandle;
import io.taskflux.engine.WorkerOptions;
import io.taskflux.task.TaskStatus;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import reactor.core.publisher.Mono;

/**
 * Awaiting task results with time limits: {@code result(timeout)} that succeeds, the same that
 * times out while the task keeps running, {@code Pending.any} (first success wins) and {@code
 * Pending.race} (first outcome wins, even an error) over task handles.
 *
 * <p>Run: {@code java -cp examples/target/taskflux-demo.jar io.taskflux.examples.AwaitWithTimeout}.
 */
public final class AwaitWithTimeout {

  /** Answers after the given number of milliseconds, without holding a thread. */
  static final TaskDefinition<Long, String> NAP =
      TaskDefinition.of("nap", Long.class, String.class).queue("await");

  /** Fails at once, for good (no retry). */
  static final TaskDefinition<String, String> BROKEN =
      TaskDefinition.of("broken", String.class, String.class).queue("await").maxRetries(0);

  /**
   * What one run saw.
   *
   * @param quick the value of a task awaited within its limit
   * @param timedOut whether awaiting a slow task for too short a time failed with a timeout
   * @param statusAfterTimeout the slow task's status right after the timeout (it still runs)
   * @param any the value {@code Pending.any} chose: the first success
   * @param raceError the error type {@code Pending.race} ended with: the first outcome was a
   *     failure
   */
  record Outcome(
      String quick,
      boolean timedOut,
      TaskStatus statusAfterTimeout,
      String any,
      String raceError) {}

  private AwaitWithTimeout() {}

  /** Runs the example and prints what happened. */
  public static void main(String[] args) {
    System.out.println(run(Duration.ofMillis(200), System.out));
  }

  /**
   * Runs the example; {@code unit} scales every delay (the slow task takes 10 units, the timeout is
   * 1 unit).
   */
  static Outcome run(Duration unit, PrintStream out) {
    TaskEngine engine = TaskEngine.inMemory();
    try {
      engine.register(NAP, ms -> Mono.delay(Duration.ofMillis(ms)).thenReturn("slept " + ms));
      engine.register(
          BROKEN, why -> Mono.error(new NonRetryableException("broken on purpose: " + why)));
      engine.workers(WorkerOptions.queues("await").concurrency(16)).start();
      long u = unit.toMillis();
      Duration generous = unit.multipliedBy(50);

      // 1. A result within its time limit.
      String quick = engine.submit(NAP, 0L).flatMap(h -> h.result(generous)).block();
      out.println("quick: " + quick);

      // 2. A timeout: the Mono fails with TimeoutException; the task itself keeps running.
      TaskHandle<String> slow = engine.submit(NAP, 10 * u).block();
      boolean timedOut =
          slow.result(unit)
              .map(v -> false)
              .onErrorResume(TimeoutException.class, e -> Mono.just(true))
              .block();
      TaskStatus after = slow.status().block().status();
      out.println("slow task: timed out=" + timedOut + ", status now " + after);

      // 3. any: the first success wins; the failure of the other input is ignored.
      TaskHandle<String> fast = engine.submit(NAP, u).block();
      TaskHandle<String> failing = engine.submit(BROKEN, "any").block();
      String any =
          Pending.any(slow.toPending(), fast.toPending(), failing.toPending())
              .asMono()
              .timeout(generous)
              .block();
      out.println("any: " + any);

      // 4. race: the first outcome wins, here a failure, before the slower success.
      TaskHandle<String> late = engine.submit(NAP, 10 * u).block();
      TaskHandle<String> failsFirst = engine.submit(BROKEN, "race").block();
      String raceError =
          Pending.race(late.toPending(), failsFirst.toPending())
              .asMono()
              .timeout(generous)
              .map(v -> "no error: " + v)
              .onErrorResume(TaskFailedException.class, e -> Mono.just(e.details().type()))
              .block();
      out.println("race: " + raceError);
      return new Outcome(quick, timedOut, after, any, raceError);
    } finally {
      engine.close();
    }
  }
}
