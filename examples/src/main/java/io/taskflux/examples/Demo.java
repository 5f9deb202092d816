package io.taskflux.examples;

import io.taskflux.Taskflux;
import io.taskflux.backoff.Backoff;
import io.taskflux.engine.Result;
import io.taskflux.engine.SubmitOptions;
import io.taskflux.engine.TaskDefinition;
import io.taskflux.engine.TaskEngine;
import io.taskflux.engine.TaskHandle;
import io.taskflux.engine.TaskHooks;
import io.taskflux.engine.WorkerOptions;
import io.taskflux.task.ExceptionDetails;
import io.taskflux.task.Message;
import io.taskflux.task.TaskStatus;
import java.io.PrintStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The main job: taskflux on the in-memory backend. Registers three realistic tasks — checksums of
 * byte buffers (blocking, on the caller's bounded pool), a resize-like CPU task (reactive), and a
 * flaky remote call that fails now and then and retries — submits {@code count} of them (default
 * 10,000) with mixed priorities, delays and failures, shows a live progress bar on a terminal (a
 * plain line otherwise), and ends with a summary table.
 *
 * <p>Run: {@code java -jar examples/target/taskflux-demo.jar [count]}.
 */
public final class Demo {

  /** A buffer to checksum: {@code size} pseudo-random bytes from {@code seed}. */
  public record Chunk(long seed, int size) {}

  /** An image to shrink by half: {@code width x height} pseudo-random pixels from {@code seed}. */
  public record Image(long seed, int width, int height) {}

  /** A thumbnail: its size and a checksum of its pixels. */
  public record Thumbnail(int width, int height, long checksum) {}

  /** A remote call that fails with probability {@code failRate} (1.0 always fails, for good). */
  public record Call(int id, double failRate) {}

  static final TaskDefinition<Chunk, String> CHECKSUM =
      TaskDefinition.of("checksum", Chunk.class, String.class).queue("io");
  static final TaskDefinition<Image, Thumbnail> RESIZE =
      TaskDefinition.of("resize", Image.class, Thumbnail.class).queue("cpu");
  static final TaskDefinition<Call, String> REMOTE =
      TaskDefinition.of("remote-call", Call.class, String.class)
          .queue("remote")
          .maxRetries(3)
          .backoff(Backoff.constant(Duration.ofMillis(20)).withFloor(Duration.ZERO))
          .timeout(Duration.ofSeconds(5));

  private Demo() {}

  /** Runs the demo: {@code args[0]} is the task count (default 10,000). */
  public static void main(String[] args) {
    int count = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    if (count < 1) {
      throw new IllegalArgumentException("count must be >= 1, got " + count);
    }
    run(count, System.out, System.console() != null);
  }

  /** What one run measured. */
  record Summary(
      int submitted,
      long elapsedMillis,
      double throughput,
      double p50Millis,
      double p99Millis,
      int retries,
      long deadLetters,
      Map<TaskStatus, Integer> statuses) {}

  static Summary run(int count, PrintStream out, boolean terminal) {
    lastPlain.set(-1);
    out.println("taskflux " + Taskflux.version() + " demo: " + count + " tasks, in-memory backend");
    AtomicInteger retries = new AtomicInteger();
    TaskHooks<Object, Object> countRetries =
        new TaskHooks<>() {
          @Override
          public void onRetry(Message message, ExceptionDetails error) {
            retries.incrementAndGet();
          }
        };
    TaskEngine engine = TaskEngine.inMemory();
    engine.registerBlocking(CHECKSUM, Demo::checksum);
    engine.register(RESIZE, image -> Mono.fromCallable(() -> resize(image)));
    engine.register(REMOTE.hooks(cast(countRetries)), Demo::remoteCall);
    engine.workers(WorkerOptions.defaults().concurrency(64)).start();

    long start = System.nanoTime();
    Map<String, Long> submittedAt = new ConcurrentHashMap<>();
    List<TaskHandle<?>> handles =
        Flux.range(0, count)
            .concatMap(
                i -> submitOne(engine, i).doOnNext(h -> submittedAt.put(h.id(), System.nanoTime())))
            .collectList()
            .block();

    AtomicInteger done = new AtomicInteger();
    long[] latencies = new long[count];
    AtomicInteger latencyIndex = new AtomicInteger();
    Disposable progress = progress(out, terminal, done, count);
    List<Result<Object>> results =
        engine
            .results(erase(handles))
            .doOnNext(
                r -> {
                  latencies[latencyIndex.getAndIncrement()] =
                      System.nanoTime() - submittedAt.get(r.id());
                  done.incrementAndGet();
                })
            .collectList()
            .block();
    progress.dispose();
    long elapsed = System.nanoTime() - start;
    printProgress(out, terminal, count, count);
    out.println();

    Map<TaskStatus, Integer> statuses = new EnumMap<>(TaskStatus.class);
    Flux.fromIterable(handles)
        .flatMap(h -> h.status())
        .doOnNext(u -> statuses.merge(u.status(), 1, Integer::sum))
        .blockLast();
    long deadLetters =
        Flux.just("io", "cpu", "remote")
            .flatMap(q -> engine.backend().stats(q))
            .map(s -> s.deadLetters())
            .reduce(0L, Long::sum)
            .block();
    engine.close();

    Arrays.sort(latencies, 0, results.size());
    Summary summary =
        new Summary(
            count,
            elapsed / 1_000_000,
            count / (elapsed / 1e9),
            percentile(latencies, results.size(), 0.50) / 1e6,
            percentile(latencies, results.size(), 0.99) / 1e6,
            retries.get(),
            deadLetters,
            statuses);
    print(out, summary);
    return summary;
  }

  /** One submission: a third of each task kind, priorities 0..9, one in ten delayed. */
  private static Mono<TaskHandle<?>> submitOne(TaskEngine engine, int i) {
    SplittableRandom random = new SplittableRandom(i);
    SubmitOptions options = SubmitOptions.defaults().priority(random.nextInt(10));
    if (random.nextInt(10) == 0) {
      options = options.delay(Duration.ofMillis(random.nextInt(500)));
    }
    return switch (i % 3) {
      case 0 ->
          engine.submit(CHECKSUM, new Chunk(i, 4096 + random.nextInt(60_000)), options).map(h -> h);
      case 1 ->
          engine.submit(RESIZE, new Image(i, 64 + random.nextInt(64), 64), options).map(h -> h);
      default ->
          // One call in ten is poisoned: it fails every time and ends in the dead-letter queue.
          engine.submit(REMOTE, new Call(i, i % 30 == 2 ? 1.0 : 0.2), options).map(h -> h);
    };
  }

  static String checksum(Chunk chunk) {
    byte[] bytes = new byte[chunk.size()];
    new SplittableRandom(chunk.seed()).nextBytes(bytes);
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static Thumbnail resize(Image image) {
    SplittableRandom random = new SplittableRandom(image.seed());
    int[] pixels = new int[image.width() * image.height()];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = random.nextInt(256);
    }
    int w = image.width() / 2;
    int h = image.height() / 2;
    long sum = 0;
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int p = 2 * y * image.width() + 2 * x;
        int avg =
            (pixels[p] + pixels[p + 1] + pixels[p + image.width()] + pixels[p + image.width() + 1])
                / 4;
        sum = sum * 31 + avg;
      }
    }
    return new Thumbnail(w, h, sum);
  }

  static Mono<String> remoteCall(Call call, Message message) {
    // Latency of 1-5 ms, then a failure with the call's probability (per attempt).
    SplittableRandom random = new SplittableRandom(call.id() * 31L + message.retries());
    return Mono.delay(Duration.ofMillis(1 + random.nextInt(5)))
        .flatMap(
            t -> {
              if (call.failRate() >= 1.0) {
                return Mono.error(new IllegalStateException("remote " + call.id() + " is down"));
              }
              return random.nextDouble() < call.failRate()
                  ? Mono.error(new IllegalStateException("remote " + call.id() + ": HTTP 503"))
                  : Mono.just("ok " + call.id());
            });
  }

  private static Disposable progress(
      PrintStream out, boolean terminal, AtomicInteger done, int total) {
    // Printing blocks, so it runs on a thread where blocking is allowed.
    return Flux.interval(Duration.ofMillis(terminal ? 100 : 1000), Schedulers.boundedElastic())
        .subscribe(t -> printProgress(out, terminal, done.get(), total));
  }

  private static final AtomicLong lastPlain = new AtomicLong(-1);

  private static void printProgress(PrintStream out, boolean terminal, int done, int total) {
    int percent = (int) (100L * done / total);
    if (terminal) {
      int width = 40;
      int filled = width * done / total;
      out.print(
          "\r["
              + "#".repeat(filled)
              + ".".repeat(width - filled)
              + "] "
              + percent
              + "% "
              + done
              + "/"
              + total);
      out.flush();
    } else if (lastPlain.getAndSet(percent) != percent) {
      out.println("progress: " + done + "/" + total + " (" + percent + "%)");
    }
  }

  private static long percentile(long[] sorted, int n, double p) {
    if (n == 0) {
      return 0;
    }
    int index = (int) Math.ceil(p * n) - 1;
    return sorted[Math.max(0, Math.min(n - 1, index))];
  }

  static void print(PrintStream out, Summary s) {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"tasks submitted", String.valueOf(s.submitted())});
    rows.add(new String[] {"wall time", s.elapsedMillis() + " ms"});
    rows.add(new String[] {"throughput", String.format("%.0f tasks/s", s.throughput())});
    rows.add(
        new String[] {"latency p50 (submit->result)", String.format("%.1f ms", s.p50Millis())});
    rows.add(
        new String[] {"latency p99 (submit->result)", String.format("%.1f ms", s.p99Millis())});
    rows.add(new String[] {"retries", String.valueOf(s.retries())});
    rows.add(new String[] {"dead-letter queue", String.valueOf(s.deadLetters())});
    for (TaskStatus status : TaskStatus.values()) {
      rows.add(
          new String[] {"status " + status, String.valueOf(s.statuses().getOrDefault(status, 0))});
    }
    int left = rows.stream().mapToInt(r -> r[0].length()).max().orElse(10);
    int right = rows.stream().mapToInt(r -> r[1].length()).max().orElse(10);
    String rule = "+" + "-".repeat(left + 2) + "+" + "-".repeat(right + 2) + "+";
    out.println("Summary");
    out.println(rule);
    for (String[] r : rows) {
      out.println(
          "| "
              + r[0]
              + " ".repeat(left - r[0].length())
              + " | "
              + " ".repeat(right - r[1].length())
              + r[1]
              + " |");
    }
    out.println(rule);
  }

  @SuppressWarnings("unchecked")
  private static <I, O> TaskHooks<I, O> cast(TaskHooks<Object, Object> hooks) {
    return (TaskHooks<I, O>) (TaskHooks<?, ?>) hooks;
  }

  @SuppressWarnings("unchecked")
  private static List<TaskHandle<Object>> erase(List<TaskHandle<?>> handles) {
    return (List<TaskHandle<Object>>) (List<?>) handles;
  }
}
