package io.taskflux.examples;

import io.taskflux.engine.TaskDefinition;
import io.taskflux.engine.TaskEngine;
import io.taskflux.engine.WorkerOptions;
import java.time.Duration;
import reactor.core.publisher.Mono;

/**
 * The README quick start, compiled: define a task, register it, start workers, submit, and await
 * the result with a timeout. Run it with {@code java -cp examples/target/taskflux-demo.jar
 * io.taskflux.examples.QuickStart} after {@code mvn -q package -DskipTests}.
 */
public final class QuickStart {

  /** The task's input. */
  public record Order(String id, long cents) {}

  /** The task's output. */
  public record Receipt(String orderId, String outcome) {}

  /** What a task is: its name, types, queue and policy; shared by producers and workers. */
  static final TaskDefinition<Order, Receipt> CHARGE =
      TaskDefinition.of("charge", Order.class, Receipt.class)
          .queue("payments")
          .maxRetries(5)
          .timeout(Duration.ofSeconds(30));

  private QuickStart() {}

  /** Runs the quick start and prints the receipt. */
  public static void main(String[] args) {
    System.out.println(run());
  }

  /** The quick start; blocks the calling thread (a plain {@code main}, not an event loop). */
  static Receipt run() {
    // --- README snippet starts here
    Receipt receipt;
    try (TaskEngine engine = TaskEngine.inMemory()) {
      engine.register(
          CHARGE,
          order -> Mono.just(new Receipt(order.id(), "charged " + order.cents() + " cents")));
      engine.workers(WorkerOptions.queues("payments").concurrency(64)).start();

      receipt =
          engine
              .submit(CHARGE, new Order("order-1", 4200))
              .flatMap(handle -> handle.result(Duration.ofSeconds(5)))
              .block();
    } // close(): drains the workers, then closes the backend the engine owns
    // --- README snippet ends here
    return receipt;
  }
}
