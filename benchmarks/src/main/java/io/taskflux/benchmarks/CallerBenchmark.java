package io.taskflux.benchmarks;

import io.taskflux.caller.Caller;
import io.taskflux.caller.CallerOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Submits N trivial calls through each variant and times until the last one has run: the caller's
 * {@code callSoon} and {@code toThread} against {@code Mono.fromCallable(..).subscribeOn(..)} on
 * the equivalent Reactor scheduler and against {@code ExecutorService.submit}. Variants run
 * interleaved, in a rotating order, for several rounds after a warm-up round; the table gives the
 * median and the min–max per variant. See BENCHMARKS.md.
 *
 * <p>Usage: {@code java -Xms2g -Xmx2g -jar benchmarks/target/taskflux-benchmarks.jar [--calls N]
 * [--rounds R] [--threads T] [--round-trip] [--group serial|pool]}.
 */
public final class CallerBenchmark {

  private CallerBenchmark() {}

  /** One way to run a call; {@code close} releases its threads. */
  private record Variant(
      String name, String group, Consumer<Callable<Integer>> submit, Runnable close) {}

  public static void main(String[] args) throws Exception {
    int calls = intArg(args, "--calls", 1_000_000);
    int rounds = intArg(args, "--rounds", 5);
    int threads = intArg(args, "--threads", 4);
    boolean roundTrip = Arrays.asList(args).contains("--round-trip");

    Caller caller =
        Caller.create(
            CallerOptions.named("bench")
                .maxThreads(threads)
                .queueCapacity(calls)
                .idleWorkerShutdown(Duration.ofSeconds(60)));
    Scheduler single = Schedulers.newSingle("bench-single", true);
    Scheduler elastic = Schedulers.newBoundedElastic(threads, calls, "bench-elastic", 60, true);
    ExecutorService oneThread = Executors.newSingleThreadExecutor();
    ExecutorService fixed = Executors.newFixedThreadPool(threads);

    String onlyGroup = stringArg(args, "--group", null);
    List<Variant> all =
        List.of(
            new Variant("caller.callSoon", "serial", caller::callSoon, () -> {}),
            new Variant(
                "Mono.fromCallable.subscribeOn(newSingle)",
                "serial",
                c -> Mono.fromCallable(c).subscribeOn(single).subscribe(),
                single::dispose),
            new Variant(
                "ExecutorService.submit (1 thread)",
                "serial",
                oneThread::submit,
                oneThread::shutdown),
            new Variant("caller.toThread", "pool", caller::toThread, caller::stop),
            new Variant(
                "Mono.fromCallable.subscribeOn(newBoundedElastic)",
                "pool",
                c -> Mono.fromCallable(c).subscribeOn(elastic).subscribe(),
                elastic::dispose),
            new Variant(
                "ExecutorService.submit (" + threads + " threads)",
                "pool",
                fixed::submit,
                fixed::shutdown));
    List<Variant> variants =
        all.stream().filter(v -> onlyGroup == null || v.group().equals(onlyGroup)).toList();

    System.out.printf(
        Locale.ROOT,
        "mode=%s calls=%d rounds=%d threads=%d cpus=%d java=%s%n",
        roundTrip ? "round-trip (one call in flight)" : "throughput (all calls submitted at once)",
        calls,
        rounds,
        threads,
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"));

    for (Variant v : variants) { // warm-up, not recorded
      measure(v, calls, roundTrip);
    }
    Map<Variant, List<Long>> times = new LinkedHashMap<>();
    variants.forEach(v -> times.put(v, new ArrayList<>()));
    for (int r = 0; r < rounds; r++) {
      for (int i = 0; i < variants.size(); i++) {
        Variant v = variants.get((i + r) % variants.size()); // rotate the order every round
        long nanos = measure(v, calls, roundTrip);
        times.get(v).add(nanos);
        System.out.printf(Locale.ROOT, "round %d  %-52s %8.1f ms%n", r + 1, v.name(), nanos / 1e6);
      }
    }

    System.out.println();
    System.out.println("| variant | median ms | min–max ms | ns/call (median) | vs raw Reactor |");
    System.out.println("|---|---:|---:|---:|---:|");
    for (Variant v : variants) {
      long[] sorted = times.get(v).stream().mapToLong(Long::longValue).sorted().toArray();
      long median = median(sorted);
      Variant reactor =
          variants.stream()
              .filter(x -> x.group().equals(v.group()) && x.name().startsWith("Mono"))
              .findFirst()
              .orElseThrow();
      long reactorMedian =
          median(times.get(reactor).stream().mapToLong(Long::longValue).sorted().toArray());
      System.out.printf(
          Locale.ROOT,
          "| %s | %.1f | %.1f–%.1f | %.0f | %.2f× |%n",
          v.name(),
          median / 1e6,
          sorted[0] / 1e6,
          sorted[sorted.length - 1] / 1e6,
          (double) median / calls,
          (double) median / reactorMedian);
    }
    all.forEach(v -> v.close().run());
  }

  /**
   * Submits {@code calls} calls and returns the nanoseconds until the last one has run. In
   * round-trip mode the next call is submitted only once the previous one has run, so every call
   * pays a full hand-off to another thread and back (no batching is possible).
   */
  private static long measure(Variant v, int calls, boolean roundTrip) throws InterruptedException {
    System.gc();
    if (roundTrip) {
      Thread self = Thread.currentThread();
      AtomicInteger ran = new AtomicInteger();
      Callable<Integer> work =
          () -> {
            ran.incrementAndGet();
            LockSupport.unpark(self);
            return 1;
          };
      long start = System.nanoTime();
      for (int i = 1; i <= calls; i++) {
        v.submit().accept(work);
        while (ran.get() < i) {
          LockSupport.park();
        }
      }
      return System.nanoTime() - start;
    }
    AtomicInteger remaining = new AtomicInteger(calls);
    CountDownLatch done = new CountDownLatch(1);
    Callable<Integer> work =
        () -> {
          if (remaining.decrementAndGet() == 0) {
            done.countDown();
          }
          return 1;
        };
    long start = System.nanoTime();
    for (int i = 0; i < calls; i++) {
      v.submit().accept(work);
    }
    if (!done.await(5, TimeUnit.MINUTES)) {
      throw new IllegalStateException(v.name() + " did not finish; " + remaining + " calls left");
    }
    return System.nanoTime() - start;
  }

  private static long median(long[] sorted) {
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  private static String stringArg(String[] args, String name, String fallback) {
    int i = Arrays.asList(args).indexOf(name);
    return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
  }

  private static int intArg(String[] args, String name, int fallback) {
    int i = Arrays.asList(args).indexOf(name);
    return i >= 0 && i + 1 < args.length ? Integer.parseInt(args[i + 1]) : fallback;
  }
}
