package io.taskflux.examples;

import io.taskflux.caller.GroupMode;
import io.taskflux.caller.GroupOptions;
import io.taskflux.caller.Pending;
import io.taskflux.caller.PendingGroup;
import io.taskflux.caller.PendingGroupException;
import io.taskflux.engine.TaskDefinition;
import io.taskflux.engine.TaskEngine;
import io.taskflux.engine.TaskFailedException;
import io.taskflux.engine.TaskHandle;
import io.taskflux.engine.WorkerOptions;
import io.taskflux.task.StatusUpdate;
import io.taskflux.task.TaskStatus;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Structured concurrency over tasks: a {@link PendingGroup} starts several tasks; the first failure
 * cancels the group, which cancels every sibling (here: revokes their tasks, so they stop running),
 * and the group fails with the failure once every member is done. Nothing is left running behind
 * the group's back.
 *
 * <p>Run: {@code java -cp examples/target/taskflux-demo.jar
 * io.taskflux.examples.StructuredConcurrency}.
 */
public final class StructuredConcurrency {

  /** Fetches a part of a report: slow parts take long, the part named "bad" fails. */
  static final TaskDefinition<String, String> FETCH =
      TaskDefinition.of("fetch-part", String.class, String.class).queue("report").maxRetries(0);

  /**
   * What one run saw.
   *
   * @param groupError the group's error type
   * @param cause the first member error's message (the failing task's remote error)
   * @param siblingStatuses the final status of each sibling task (revoked: {@code FAILED})
   */
  record Outcome(String groupError, String cause, List<TaskStatus> siblingStatuses) {}

  private StructuredConcurrency() {}

  /** Runs the example and prints what happened. */
  public static void main(String[] args) {
    System.out.println(run(Duration.ofSeconds(30), System.out));
  }

  /** Runs the example; the healthy parts would take {@code slow} to finish. */
  static Outcome run(Duration slow, PrintStream out) {
    TaskEngine engine = TaskEngine.inMemory();
    try {
      engine.register(
          FETCH,
          part ->
              part.equals("bad")
                  ? Mono.delay(Duration.ofMillis(20))
                      .then(Mono.error(new IllegalStateException("part 'bad' is unavailable")))
                  : Mono.delay(slow).thenReturn("part " + part));
      engine.workers(WorkerOptions.queues("report").concurrency(8)).start();

      List<String> parts = List.of("header", "body", "footer", "bad");
      List<TaskHandle<String>> handles =
          Flux.fromIterable(parts)
              .concatMap(part -> engine.submit(FETCH, part))
              .collectList()
              .block();
      List<TaskHandle<String>> siblings = new ArrayList<>(handles.subList(0, 3));

      Throwable error =
          engine
              .caller()
              .inGroup(
                  GroupOptions.defaults().name("report").mode(GroupMode.CANCEL_AND_RAISE),
                  group -> {
                    handles.forEach(h -> group.add(revokeOnCancel(h)));
                    return "report complete";
                  })
              .map(v -> (Throwable) new AssertionError("the group should have failed: " + v))
              .onErrorResume(PendingGroupException.class, Mono::just)
              .block();
      out.println("group failed: " + error);
      Throwable cause = error.getCause();
      String causeMessage =
          cause instanceof TaskFailedException t ? t.details().message() : String.valueOf(cause);
      out.println("first failure: " + causeMessage);

      // Each sibling was revoked by the group's cancellation: its status ends FAILED at once,
      // long before the slow part would have finished.
      List<TaskStatus> statuses =
          Flux.fromIterable(siblings)
              .concatMap(
                  h ->
                      h.statusUpdates()
                          .filter(u -> u.status().isTerminal())
                          .next()
                          .map(StatusUpdate::status))
              .collectList()
              .block(slow);
      out.println("siblings: " + statuses);
      return new Outcome(error.getClass().getSimpleName(), causeMessage, statuses);
    } finally {
      engine.close();
    }
  }

  /**
   * A task's result as a pending that revokes the task when it is cancelled. ({@code
   * handle.toPending()} alone only stops waiting: the task would keep running.)
   */
  static <T> Pending<T> revokeOnCancel(TaskHandle<T> handle) {
    Pending<T> p = handle.toPending();
    p.onDone(
        done -> {
          if (done.isCancelled()) {
            handle.revoke().subscribe();
          }
        });
    return p;
  }
}
