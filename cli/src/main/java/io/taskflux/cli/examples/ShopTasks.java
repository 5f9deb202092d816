package io.taskflux.cli.examples;

import io.taskflux.NonRetryableException;
import io.taskflux.cli.TaskModule;
import io.taskflux.cli.TaskRegistry;
import io.taskflux.engine.TaskDefinition;
import java.time.Duration;
import reactor.core.publisher.Mono;

/**
 * The shop tasks of the README's command-line walkthrough, shipped in the CLI jar so that every
 * command there runs as written: {@code ./taskflux worker thread-pool --tasks
 * io.taskflux.cli.examples.ShopTasks}.
 *
 * <ul>
 *   <li>{@code charge} (queue {@code payments}): input {@code {"id":"o-1","cents":4200}}, result a
 *       receipt; an amount of zero or less is declined for good (no retry, it lands in the
 *       dead-letter queue);
 *   <li>{@code report} (queue {@code reports}, blocking): input a day such as {@code "2026-12-04"},
 *       result a line of text.
 * </ul>
 */
public final class ShopTasks implements TaskModule {

  /** An order to charge. */
  public record Order(String id, long cents) {}

  /** What {@code charge} returns. */
  public record Receipt(String orderId, String outcome) {}

  /** Charges an order; retried up to 5 times, 30 s per attempt. */
  public static final TaskDefinition<Order, Receipt> CHARGE =
      TaskDefinition.of("charge", Order.class, Receipt.class)
          .queue("payments")
          .maxRetries(5)
          .timeout(Duration.ofSeconds(30));

  /** Writes a (pretend) daily report, blocking a thread of the engine's bounded pool. */
  public static final TaskDefinition<String, String> REPORT =
      TaskDefinition.of("report", String.class, String.class).queue("reports");

  /** For {@code --tasks} and {@link java.util.ServiceLoader}. */
  public ShopTasks() {}

  @Override
  public void register(TaskRegistry tasks) {
    tasks.register(CHARGE, ShopTasks::charge);
    tasks.registerBlocking(REPORT, day -> "report for " + day + ": 0 refunds");
  }

  static Mono<Receipt> charge(Order order) {
    if (order.cents() <= 0) {
      // A declined payment will not succeed on a retry: fail for good, into the dead letters.
      return Mono.error(
          new NonRetryableException(
              "declined: order " + order.id() + " has a non-positive amount " + order.cents()));
    }
    return Mono.just(new Receipt(order.id(), "charged " + order.cents() + " cents"));
  }
}
