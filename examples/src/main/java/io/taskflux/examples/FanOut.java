package io.taskflux.examples;

import io.taskflux.engine.Result;
import io.taskflux.engine.TaskDefinition;
import io.taskflux.engine.TaskEngine;
import io.taskflux.engine.TaskHandle;
import io.taskflux.engine.WorkerOptions;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A batch job: fans out many tasks (100,000 by default), then consumes their results as a {@code
 * Flux} in completion order, with bounded demand (backpressure), and again in submission order.
 *
 * <p>Run: {@code java -cp examples/target/taskflux-demo.jar io.taskflux.examples.FanOut [count]}.
 */
public final class FanOut {

  /** Squares a number; the work of each task. */
  static final TaskDefinition<Integer, Long> SQUARE =
      TaskDefinition.of("square", Integer.class, Long.class).queue("fan-out");

  /** How many submissions are in flight at once while fanning out. */
  static final int SUBMIT_CONCURRENCY = 256;

  /** How many results the consumer asks for at a time (the backpressure window). */
  static final int DEMAND = 512;

  /**
   * What one run saw.
   *
   * @param count how many tasks were submitted
   * @param sumInCompletionOrder the sum of every result read in completion order
   * @param failures how many tasks failed
   * @param inOrder whether the second pass saw the results exactly in submission order
   * @param maxOutstanding the most results requested but not yet consumed at any moment, which the
   *     consumer's demand bounds
   */
  record Summary(
      int count, long sumInCompletionOrder, long failures, boolean inOrder, long maxOutstanding) {}

  private FanOut() {}

  /** Runs the fan-out with {@code args[0]} tasks (default 100,000) and prints a summary. */
  public static void main(String[] args) {
    int count = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    long start = System.nanoTime();
    Summary s = run(count, System.out);
    System.out.printf("%s in %d ms%n", s, Duration.ofNanos(System.nanoTime() - start).toMillis());
  }

  static Summary run(int count, PrintStream out) {
    TaskEngine engine = TaskEngine.inMemory();
    try {
      engine.register(SQUARE, n -> Mono.just((long) n * n));
      engine.workers(WorkerOptions.queues("fan-out").concurrency(256)).start();

      List<TaskHandle<Long>> handles =
          Flux.range(0, count)
              .flatMapSequential(n -> engine.submit(SQUARE, n), SUBMIT_CONCURRENCY)
              .collectList()
              .block();
      out.println("submitted " + handles.size() + " tasks");

      // Completion order: limitRate asks the result stream for DEMAND results at a time and asks
      // for more only as they are consumed, so at most DEMAND results are ever requested but not
      // yet consumed (the counters above limitRate measure exactly that).
      AtomicLong requested = new AtomicLong();
      AtomicLong maxOutstanding = new AtomicLong();
      AtomicLong failures = new AtomicLong();
      long sum =
          engine
              .results(handles)
              .doOnRequest(n -> maxOutstanding.accumulateAndGet(requested.addAndGet(n), Math::max))
              .doOnNext(r -> requested.decrementAndGet())
              .limitRate(DEMAND)
              .doOnNext(
                  r -> {
                    if (!r.isSuccess()) {
                      failures.incrementAndGet();
                    }
                  })
              .filter(Result::isSuccess)
              .map(Result::value)
              .reduce(0L, Long::sum)
              .block();
      out.println("completion order: sum=" + sum + " failures=" + failures.get());

      // Submission order: the same results, each emitted only after all earlier ones.
      AtomicLong next = new AtomicLong();
      boolean inOrder =
          engine
              .resultsInOrder(handles)
              .limitRate(DEMAND)
              .all(
                  r -> {
                    long n = next.getAndIncrement();
                    return r.isSuccess() && r.value() == n * n;
                  })
              .block();
      out.println("submission order: in order=" + inOrder);
      return new Summary(count, sum, failures.get(), inOrder, maxOutstanding.get());
    } finally {
      engine.close();
    }
  }
}
