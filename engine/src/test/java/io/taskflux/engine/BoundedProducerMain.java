package io.taskflux.engine;

import io.taskflux.CapacityExceededException;
import io.taskflux.memory.InMemoryBackend;
import io.taskflux.memory.InMemoryOptions;
import io.taskflux.spi.QueueStats;
import io.taskflux.spi.Retention;
import io.taskflux.worker.Worker;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * The child JVM of {@link BoundedProducerTest}: a producer faster than its workers, on an in-memory
 * engine of a given capacity, in a JVM of a small heap. The producer keeps a bounded number of
 * submissions in flight and answers {@link CapacityExceededException} with a retry after a backoff
 * (the pattern documented on that exception). Workers start only once the producer has met the
 * bound, so the bound is always reached. Prints one line {@code key=value ...} and exits 0 when
 * every task has run, 2 on a deadline.
 *
 * <p>Arguments: {@code tasks capacity concurrency taskMillis deadlineSeconds resultSeconds} (the
 * last: how long results and statuses of completed tasks are kept).
 */
public final class BoundedProducerMain {

  private BoundedProducerMain() {}

  /** Runs the producer; see the class comment. */
  public static void main(String[] args) throws Exception {
    int tasks = Integer.parseInt(args[0]);
    int capacity = Integer.parseInt(args[1]);
    int concurrency = Integer.parseInt(args[2]);
    Duration taskTime = Duration.ofMillis(Long.parseLong(args[3]));
    long deadline = System.nanoTime() + Duration.ofSeconds(Long.parseLong(args[4])).toNanos();
    Duration kept = Duration.ofSeconds(Long.parseLong(args[5]));

    TaskDefinition<Integer, Integer> work =
        TaskDefinition.of("work", Integer.class, Integer.class).queue("work");
    InMemoryBackend backend =
        InMemoryBackend.create(InMemoryOptions.defaults().withCapacity(capacity));
    // What a completed task leaves (its result and status) is bounded by its TTLs, not by the
    // capacity: keep them briefly, or 150,000 results alone would fill this heap.
    TaskEngine engine =
        TaskEngine.builder()
            .backend(backend)
            .resultTtl(kept)
            .retention(Retention.defaults().withStatus(kept))
            .build();
    AtomicLong ran = new AtomicLong();
    AtomicLong sum = new AtomicLong();
    engine.register(
        work,
        i ->
            Mono.delay(taskTime)
                .map(
                    x -> {
                      sum.addAndGet(i);
                      ran.incrementAndGet();
                      return i;
                    }));

    AtomicLong capacityErrors = new AtomicLong();
    AtomicReference<String> firstError = new AtomicReference<>();
    AtomicLong submitted = new AtomicLong();
    AtomicBoolean started = new AtomicBoolean();
    Worker worker = engine.workers(WorkerOptions.queues(work.queue()).concurrency(concurrency));
    Flux.range(0, tasks)
        .flatMap(
            i ->
                engine
                    .submit(work, i)
                    .doOnError(
                        CapacityExceededException.class,
                        e -> {
                          capacityErrors.incrementAndGet();
                          firstError.compareAndSet(null, e.getMessage());
                          if (started.compareAndSet(false, true)) {
                            worker.start(); // the bound is met: let the workers catch up now
                          }
                        })
                    .retryWhen(
                        Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(5))
                            .maxBackoff(Duration.ofMillis(100))
                            .filter(CapacityExceededException.class::isInstance)),
            256)
        .subscribe(h -> submitted.incrementAndGet()); // the handle is dropped at once

    long maxLive = 0;
    while (ran.get() < tasks && System.nanoTime() < deadline) {
      QueueStats s = backend.stats(work.queue()).block(Duration.ofSeconds(10));
      maxLive = Math.max(maxLive, s.ready() + s.delayed() + s.leased());
      Thread.sleep(20);
    }
    long expectedSum = (long) tasks * (tasks - 1) / 2;
    System.out.println(
        "submitted="
            + submitted.get()
            + " ran="
            + ran.get()
            + " sumOk="
            + (sum.get() == expectedSum)
            + " capacityErrors="
            + capacityErrors.get()
            + " maxLive="
            + maxLive
            + " maxHeapMb="
            + (Runtime.getRuntime().maxMemory() >> 20)
            + " firstError="
            + firstError.get());
    System.out.flush();
    System.exit(ran.get() == tasks ? 0 : 2);
  }
}
