package io.taskflux.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskflux.caller.Caller;
import io.taskflux.caller.CallerOptions;
import io.taskflux.serde.Serializer;
import io.taskflux.task.Message;
import io.taskflux.worker.RegisteredTask;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/**
 * A guarded start runs the function only if the guard (the worker passes "the lease still holds")
 * says yes when the function would begin: for a blocking task that is on its pool thread, which can
 * be much later than the start call. The chaos test found an attempt that began two seconds after
 * its claim, its lease long gone, after another worker had completed the task.
 */
class GuardedStartTest {

  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final TaskDefinition<String, String> ECHO =
      TaskDefinition.of("echo", String.class, String.class);
  private final Message message =
      Message.builder().id("m-1").task("echo").queue("q").createdAt(Instant.EPOCH).build();

  @Test
  void aReactiveTaskWhoseGuardSaysNoNeverRuns() {
    AtomicInteger calls = new AtomicInteger();
    RegisteredTask task =
        Registration.reactive(
            ECHO,
            Serializer.json(),
            (in, m) -> {
              calls.incrementAndGet();
              return Mono.just(in);
            });

    assertSame(
        RegisteredTask.NOT_STARTED, task.start("x", message, () -> false).value().block(WAIT));
    assertEquals(0, calls.get());
    assertEquals("x", task.start("x", message, () -> true).value().block(WAIT));
    assertEquals(1, calls.get());
  }

  @Test
  void aBlockingTaskAsksTheGuardAgainWhenItsPoolThreadTakesIt() throws Exception {
    Caller caller = Caller.create(CallerOptions.named("guard").maxThreads(1).queueCapacity(10));
    try {
      AtomicInteger calls = new AtomicInteger();
      RegisteredTask task =
          Registration.blocking(
              ECHO,
              Serializer.json(),
              (in, m) -> {
                calls.incrementAndGet();
                return in;
              },
              caller);
      // Occupy the only pool thread, so the attempt waits in the queue.
      CountDownLatch release = new CountDownLatch(1);
      CountDownLatch occupied = new CountDownLatch(1);
      caller.toThread(
          () -> {
            occupied.countDown();
            return release.await(10, TimeUnit.SECONDS);
          });
      assertTrue(occupied.await(10, TimeUnit.SECONDS));

      AtomicBoolean held = new AtomicBoolean(true);
      var invocation = task.start("x", message, held::get); // the guard says yes at this call
      held.set(false); // ... and the lease runs out while the attempt waits for a thread
      release.countDown();

      assertSame(RegisteredTask.NOT_STARTED, invocation.value().block(WAIT));
      assertEquals(0, calls.get(), "the function never ran");
    } finally {
      caller.stop();
    }
  }
}
