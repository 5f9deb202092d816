package io.taskflux.benchmarks;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.taskflux.engine.SubmitOptions;
import io.taskflux.engine.TaskDefinition;
import io.taskflux.engine.TaskEngine;
import io.taskflux.engine.TaskHandle;
import io.taskflux.engine.WorkerOptions;
import io.taskflux.redis.RedisBackend;
import io.taskflux.worker.Worker;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * End-to-end benchmarks of the engine (issue 8): W1 (submit while workers run), W1b (fill, then
 * drain), W2 (open-loop latency), W3 (the same shapes on the in-memory backend, beside a raw
 * Reactor baseline) and the cost figures (Redis and client CPU per task, Redis commands per task,
 * Redis memory per queued task). One JSON line per workload run on standard output; progress on
 * standard error. Every workload goes through the normal engine path: leases, statuses, stored
 * results, atomic completion, and the producer observing each result through its handle.
 *
 * <pre>
 * java -Xms2g -Xmx2g -cp benchmarks/target/taskflux-benchmarks.jar \
 *     io.taskflux.benchmarks.EngineBenchmark [--redis URI] [--n 50000] [--w2-seconds 10]
 *     [--warmup 5000] [--w2-warmup-seconds 3] [--runs 1] [--only w1,w1b,w2,mem,w3]
 *     [--memory-n 100000]
 * </pre>
 *
 * Without {@code --redis} it starts a private {@code redis-server} (from PATH) on a free port and
 * shuts it down at the end. With {@code --redis} it FLUSHes that server's data before every
 * workload: give it a server of its own.
 */
public final class EngineBenchmark {

  private static final int CHUNK = 1000;
  private static final int W1_CONCURRENCY = 64;
  private static final int W2_CONCURRENCY = 16;

  /** The task of every workload: returns its integer input. */
  static final TaskDefinition<Integer, Integer> ECHO =
      TaskDefinition.of("echo", Integer.class, Integer.class);

  private final Options o;
  private RedisCommands<String, String> admin;
  private String redisUri;

  private EngineBenchmark(Options o) {
    this.o = o;
  }

  public static void main(String[] args) throws Exception {
    Options o = Options.parse(args);
    new EngineBenchmark(o).run();
    System.exit(0);
  }

  // ---------------------------------------------------------------- set-up

  private void run() throws Exception {
    Process server = null;
    RedisClient client = null;
    try {
      if (o.only.stream().anyMatch(w -> !w.equals("w3"))) {
        if (o.redis == null) {
          int port = RedisProbe.freePort();
          server = RedisProbe.startRedis(port);
          redisUri = "redis://127.0.0.1:" + port;
        } else {
          redisUri = o.redis;
        }
        client = RedisClient.create(redisUri);
        StatefulRedisConnection<String, String> conn = client.connect();
        admin = conn.sync();
        awaitPing();
      }
      if (o.warmup > 0) {
        // The in-memory and Reactor runs first, the Redis ones last: the JIT's last profiles are
        // then those of the measured Redis path (a shared operator whose type profile the
        // in-memory run changed is otherwise deoptimized and compiled again inside the window).
        withMemory(e -> w1(e, o.warmup, W1_CONCURRENCY));
        reactorBaseline(o.warmup);
        if (admin != null) {
          admin.flushall();
          withRedis("warmup", e -> w1b(e, o.warmup));
          admin.flushall();
          withRedis("warmup", e -> w1(e, o.warmup, W1_CONCURRENCY));
        }
        log("warm-up done");
      }
      for (int run = 1; run <= o.runs; run++) {
        for (String w : o.only) {
          Map<String, Object> out = new LinkedHashMap<>();
          out.put("system", "taskflux");
          out.put("workload", w);
          out.put("run", run);
          out.put("n", w.equals("w2") ? o.w2Seconds * 1000 : o.n);
          out.put("date", Instant.now().toString());
          switch (w) {
            case "w1" -> out.putAll(onFreshRedis(w, e -> withCost(o.n, () -> w1(e, o.n, 64))));
            case "w1b" -> out.putAll(onFreshRedis(w, e -> w1b(e, o.n)));
            case "w2" -> {
              if (o.w2Warmup > 0 && run == 1) {
                onFreshRedis("w2warmup", e -> w2(e, o.w2Warmup)); // JIT of the W2 path, untimed
              }
              out.putAll(onFreshRedis(w, e -> w2(e, o.w2Seconds)));
            }
            case "mem" -> out.putAll(onFreshRedis(w, e -> memory(e, o.memoryN)));
            case "w3" -> out.putAll(w3());
            default -> throw new IllegalArgumentException("unknown workload " + w);
          }
          System.out.println(json(out));
          System.out.flush();
        }
      }
    } finally {
      if (server != null) {
        try {
          admin.shutdown(false);
        } catch (RuntimeException expected) {
          // the connection drops as the server exits
        }
        server.waitFor(10, TimeUnit.SECONDS);
        server.destroyForcibly();
      }
      if (client != null) {
        client.shutdown();
      }
    }
  }

  private void awaitPing() throws InterruptedException {
    for (int i = 0; ; i++) {
      try {
        admin.ping();
        return;
      } catch (RuntimeException e) {
        if (i > 100) {
          throw e;
        }
        Thread.sleep(50);
      }
    }
  }

  interface Body {
    Map<String, Object> run(TaskEngine engine) throws Exception;
  }

  /** Flushes Redis, runs {@code body} on a fresh engine and backend, closes both. */
  private Map<String, Object> onFreshRedis(String namespace, Body body) throws Exception {
    admin.flushall();
    return withRedis(namespace, body);
  }

  private Map<String, Object> withRedis(String namespace, Body body) throws Exception {
    RedisBackend backend = RedisBackend.builder().uri(redisUri).namespace(namespace).build();
    TaskEngine engine = TaskEngine.builder().backend(backend).namespace(namespace).build();
    engine.register(ECHO, Mono::just);
    try {
      return body.run(engine);
    } finally {
      engine.closeAsync().block(Duration.ofSeconds(30));
      backend.closeAsync().block(Duration.ofSeconds(30));
    }
  }

  private static Map<String, Object> withMemory(Body body) throws Exception {
    TaskEngine engine = TaskEngine.inMemory();
    engine.register(ECHO, Mono::just);
    try {
      return body.run(engine);
    } finally {
      engine.closeAsync().block(Duration.ofSeconds(30));
    }
  }

  // ---------------------------------------------------------------- workloads

  /**
   * W1: submits {@code n} tasks with {@code submitAll} in chunks of 1,000 (like the peer's {@code
   * addBulk}; the next chunk after the previous one is stored) while the workers run; the producer
   * follows every handle's result. Time from the first submit to the {@code n}th result seen by the
   * producer.
   */
  private Map<String, Object> w1(TaskEngine engine, int n, int concurrency) throws Exception {
    Worker worker = engine.workers(WorkerOptions.queues(ECHO.queue()).concurrency(concurrency));
    worker.start();
    try {
      CountDownLatch done = new CountDownLatch(1);
      AtomicLong seen = new AtomicLong();
      AtomicLong sum = new AtomicLong();
      AtomicLong errors = new AtomicLong();
      long t0 = System.nanoTime();
      Consumer<Integer> onResult =
          v -> {
            sum.addAndGet(v);
            if (seen.incrementAndGet() == n) {
              done.countDown();
            }
          };
      Consumer<Throwable> onError =
          err -> {
            errors.incrementAndGet();
            if (seen.incrementAndGet() == n) {
              done.countDown();
            }
          };
      submitAll(engine, n, h -> h.result().subscribe(onResult, onError));
      long tSubmitted = System.nanoTime();
      if (!done.await(300, TimeUnit.SECONDS)) {
        throw new IllegalStateException("W1: only " + seen.get() + " of " + n + " results");
      }
      long tEnd = System.nanoTime();
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("ms", ms(tEnd - t0));
      out.put("jobs_per_s", Math.round(n / ((tEnd - t0) / 1e9)));
      out.put("submit_phase_ms", ms(tSubmitted - t0));
      out.put("ok", sum.get() == (long) n * (n - 1) / 2 && errors.get() == 0);
      return out;
    } finally {
      worker.stop().block(Duration.ofSeconds(30));
    }
  }

  /**
   * W1b: fills {@code n} tasks (no worker), subscribes to every result, then starts the workers;
   * time from the start to the last result seen by the producer. Cost figures cover the drain.
   */
  private Map<String, Object> w1b(TaskEngine engine, int n) throws Exception {
    List<TaskHandle<Integer>> handles = Collections.synchronizedList(new ArrayList<>(n));
    long f0 = System.nanoTime();
    submitAll(engine, n, handles::add);
    long fillNs = System.nanoTime() - f0;
    CountDownLatch done = new CountDownLatch(1);
    AtomicLong seen = new AtomicLong();
    AtomicLong sum = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    for (TaskHandle<Integer> h : handles) {
      h.result()
          .subscribe(
              v -> {
                sum.addAndGet(v);
                if (seen.incrementAndGet() == n) {
                  done.countDown();
                }
              },
              err -> {
                errors.incrementAndGet();
                if (seen.incrementAndGet() == n) {
                  done.countDown();
                }
              });
    }
    Thread.sleep(admin == null ? 200 : 1000); // the initial result reads of the listeners settle
    Worker worker = engine.workers(WorkerOptions.queues(ECHO.queue()).concurrency(W1_CONCURRENCY));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("fill_ms", ms(fillNs));
    out.put("fill_jobs_per_s", Math.round(n / (fillNs / 1e9)));
    try {
      Map<String, Object> cost =
          withCost(
              n,
              () -> {
                long t0 = System.nanoTime();
                worker.start();
                if (!done.await(300, TimeUnit.SECONDS)) {
                  throw new IllegalStateException(
                      "W1b: only " + seen.get() + " of " + n + " results");
                }
                long t = System.nanoTime() - t0;
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("drain_ms", ms(t));
                m.put("drain_jobs_per_s", Math.round(n / (t / 1e9)));
                m.put("ok", sum.get() == (long) n * (n - 1) / 2 && errors.get() == 0);
                return m;
              });
      out.putAll(cost);
      return out;
    } finally {
      worker.stop().block(Duration.ofSeconds(30));
    }
  }

  /**
   * W2: open loop, one submission every millisecond for {@code --w2-seconds}, 16 worker slots; the
   * latency of each task from its submit call (and from its intended send time) to its result seen
   * by the producer.
   */
  private Map<String, Object> w2(TaskEngine engine, int seconds) throws Exception {
    int total = seconds * 1000;
    long period = TimeUnit.MILLISECONDS.toNanos(1);
    long[] intended = new long[total];
    long[] sent = new long[total];
    AtomicLongArray doneAt = new AtomicLongArray(total);
    AtomicLong seen = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    CountDownLatch done = new CountDownLatch(1);
    Worker worker = engine.workers(WorkerOptions.queues(ECHO.queue()).concurrency(W2_CONCURRENCY));
    worker.start();
    try {
      Thread.sleep(300); // the worker is waiting for work
      Map<String, Object> out =
          withCost(
              total,
              () -> {
                long t0 = System.nanoTime();
                int k = 0;
                while (k < total) {
                  int due = (int) Math.min(total, (System.nanoTime() - t0) / period + 1);
                  while (k < due) {
                    int i = k;
                    intended[i] = t0 + i * period;
                    sent[i] = System.nanoTime();
                    engine
                        .submit(ECHO, i)
                        .flatMap(TaskHandle::result)
                        .subscribe(
                            v -> {
                              doneAt.set(v, System.nanoTime());
                              if (seen.incrementAndGet() == total) {
                                done.countDown();
                              }
                            },
                            err -> {
                              errors.incrementAndGet();
                              if (seen.incrementAndGet() == total) {
                                done.countDown();
                              }
                            });
                    k++;
                  }
                  long next = t0 + k * period - System.nanoTime();
                  if (next > 0) {
                    LockSupport.parkNanos(next);
                  }
                }
                long producerSpan = System.nanoTime() - t0;
                boolean timedOut = !done.await(60, TimeUnit.SECONDS);
                Histogram fromSubmit = new Histogram(3);
                Histogram fromIntended = new Histogram(3);
                int completed = 0;
                for (int i = 0; i < total; i++) {
                  long d = doneAt.get(i);
                  if (d != 0) {
                    completed++;
                    fromSubmit.recordValue(Math.max(0, (d - sent[i]) / 1000));
                    fromIntended.recordValue(Math.max(0, (d - intended[i]) / 1000));
                  }
                }
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("completed", completed);
                m.put("errors", errors.get());
                m.put("timed_out", timedOut);
                m.put("producer_span_ms", ms(producerSpan));
                m.put("lat_ms_from_submit", percentiles(fromSubmit));
                m.put("lat_ms_from_intended", percentiles(fromIntended));
                return m;
              });
      return out;
    } finally {
      worker.stop().block(Duration.ofSeconds(30));
    }
  }

  /**
   * Submits tasks {@code 0 .. n - 1} with {@code engine.submitAll} in chunks of {@value #CHUNK}
   * (one {@code enqueueAll} call, so one script call on Redis, per chunk; the next chunk once the
   * previous one is stored), handing each handle to {@code onHandle} as it arrives (on a backend
   * thread). Returns once every task is stored.
   */
  private static void submitAll(TaskEngine engine, int n, Consumer<TaskHandle<Integer>> onHandle) {
    long stored =
        engine
            .submitAll(ECHO, Flux.range(0, n), SubmitOptions.defaults(), CHUNK)
            .doOnNext(onHandle)
            .count()
            .block(Duration.ofSeconds(300));
    if (stored != n) {
      throw new IllegalStateException("submitted " + stored + " of " + n);
    }
  }

  /** Redis memory per queued task: {@code n} tasks submitted, no worker. */
  private Map<String, Object> memory(TaskEngine engine, int n) throws Exception {
    long before = usedMemory();
    submitAll(engine, n, h -> {});
    long after = usedMemory();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("queued", n);
    out.put("used_memory_delta_bytes", after - before);
    out.put("bytes_per_queued_task", Math.round((after - before) / (double) n));
    out.put("keys", admin.dbsize());
    return out;
  }

  /** W3: W1, W1b and W2 on the in-memory backend, and the raw Reactor baseline of W1's shape. */
  private Map<String, Object> w3() throws Exception {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("w1", withMemory(e -> withCost(o.n, () -> w1(e, o.n, W1_CONCURRENCY))));
    out.put("w1b", withMemory(e -> w1b(e, o.n)));
    out.put("w2", withMemory(e -> w2(e, o.w2Seconds)));
    out.put("reactor_baseline", reactorBaseline(o.n));
    return out;
  }

  /** {@code Flux.range(..).flatMap(i -> Mono.fromCallable(..).subscribeOn(..), 64)}. */
  private static Map<String, Object> reactorBaseline(int n) {
    long t0 = System.nanoTime();
    long sum =
        Flux.range(0, n)
            .flatMap(i -> Mono.fromCallable(() -> i).subscribeOn(Schedulers.parallel()), 64)
            .reduce(0L, Long::sum)
            .block();
    long t = System.nanoTime() - t0;
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("ms", ms(t));
    out.put("jobs_per_s", Math.round(n / (t / 1e9)));
    out.put("ok", sum == (long) n * (n - 1) / 2);
    return out;
  }

  // ---------------------------------------------------------------- cost

  interface Measured {
    Map<String, Object> run() throws Exception;
  }

  /**
   * Runs {@code body} and adds its cost: Redis CPU (INFO cpu), this process's CPU, both per task
   * and as % of one core, and Redis commands per task (INFO commandstats).
   */
  private Map<String, Object> withCost(int n, Measured body) throws Exception {
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    Map<String, Long> s0 = admin == null ? Map.of() : commandStats();
    double r0 = admin == null ? 0 : redisCpuMicros();
    Map<String, Long> t0 = threadTicks();
    long c0 = os.getProcessCpuTime();
    long w0 = System.nanoTime();
    Map<String, Object> out = new LinkedHashMap<>(body.run());
    long wall = System.nanoTime() - w0;
    long c1 = os.getProcessCpuTime();
    Map<String, Object> cpu = new LinkedHashMap<>();
    cpu.put("client_us_per_job", round1((c1 - c0) / 1000.0 / n));
    cpu.put("client_pct", round1(100.0 * (c1 - c0) / wall));
    Map<String, Long> t1 = threadTicks();
    Map<String, Object> byThread = new TreeMap<>();
    t1.forEach(
        (group, ticks) -> {
          long d = ticks - t0.getOrDefault(group, 0L);
          if (d > 0) {
            byThread.put(group, round1(d * 10_000.0 / n)); // a tick is 10 ms: µs per job
          }
        });
    cpu.put("client_us_per_job_by_thread", byThread);
    if (admin != null) {
      double r1 = redisCpuMicros();
      Map<String, Long> s1 = commandStats();
      cpu.put("redis_us_per_job", round1((r1 - r0) / n));
      cpu.put("redis_pct", round1(100.0 * (r1 - r0) * 1000 / wall));
      Map<String, Object> perJob = new TreeMap<>();
      long total = 0;
      for (Map.Entry<String, Long> e : s1.entrySet()) {
        long d = e.getValue() - s0.getOrDefault(e.getKey(), 0L);
        if (d > 0 && !Set.of("info", "ping").contains(e.getKey())) {
          perJob.put(e.getKey(), round2(d / (double) n));
          total += d;
        }
      }
      perJob.put("total", round2(total / (double) n));
      out.put("redis_cmds_per_job", perJob);
    }
    out.put("cpu", cpu);
    return out;
  }

  /**
   * CPU ticks (user + system, 1/100 s) of this process's threads from {@code /proc/self/task},
   * summed per thread-name group (digits and separators dropped: "C2 CompilerThread0" and "C2
   * CompilerThread1" are one group), including the JIT and GC threads that {@code ThreadMXBean}
   * does not see. Empty off Linux.
   */
  private static Map<String, Long> threadTicks() {
    Map<String, Long> out = new TreeMap<>();
    try (var tasks = java.nio.file.Files.list(java.nio.file.Path.of("/proc/self/task"))) {
      for (java.nio.file.Path t : (Iterable<java.nio.file.Path>) tasks::iterator) {
        try {
          String name = java.nio.file.Files.readString(t.resolve("comm")).trim();
          String stat = java.nio.file.Files.readString(t.resolve("stat"));
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
          out.merge(name.replaceAll("[-#0-9 ]+$", ""), ticks, Long::sum);
        } catch (IOException | RuntimeException gone) {
          // the thread ended meanwhile
        }
      }
    } catch (IOException | RuntimeException notLinux) {
      return Map.of();
    }
    return out;
  }

  private double redisCpuMicros() {
    Map<String, String> info = parseInfo(admin.info("cpu"));
    return (Double.parseDouble(info.get("used_cpu_sys"))
            + Double.parseDouble(info.get("used_cpu_user")))
        * 1e6;
  }

  private long usedMemory() {
    return Long.parseLong(parseInfo(admin.info("memory")).get("used_memory"));
  }

  private Map<String, Long> commandStats() {
    Map<String, Long> out = new LinkedHashMap<>();
    for (String line : admin.info("commandstats").split("\r?\n")) {
      if (line.startsWith("cmdstat_")) {
        int colon = line.indexOf(':');
        String name = line.substring("cmdstat_".length(), colon);
        String calls = line.substring(colon + 1).split(",")[0];
        out.put(name, Long.parseLong(calls.substring("calls=".length())));
      }
    }
    return out;
  }

  private static Map<String, String> parseInfo(String info) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String line : info.split("\r?\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && !line.startsWith("#")) {
        out.put(line.substring(0, colon), line.substring(colon + 1).trim());
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- output

  private static Map<String, Object> percentiles(Histogram h) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("p50", round2(h.getValueAtPercentile(50) / 1000.0));
    out.put("p95", round2(h.getValueAtPercentile(95) / 1000.0));
    out.put("p99", round2(h.getValueAtPercentile(99) / 1000.0));
    out.put("max", round2(h.getMaxValue() / 1000.0));
    return out;
  }

  private static double ms(long nanos) {
    return round1(nanos / 1e6);
  }

  private static double round1(double v) {
    return Math.round(v * 10) / 10.0;
  }

  private static double round2(double v) {
    return Math.round(v * 100) / 100.0;
  }

  static String json(Object v) {
    if (v instanceof Map<?, ?> m) {
      StringBuilder b = new StringBuilder("{");
      for (Map.Entry<?, ?> e : m.entrySet()) {
        if (b.length() > 1) {
          b.append(',');
        }
        b.append(json(String.valueOf(e.getKey()))).append(':').append(json(e.getValue()));
      }
      return b.append('}').toString();
    }
    if (v instanceof String s) {
      return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
    if (v instanceof Double d) {
      return String.format(Locale.ROOT, "%s", d);
    }
    return String.valueOf(v);
  }

  private static void log(String s) {
    System.err.println("[bench] " + s);
  }

  /** Command-line options. */
  static final class Options {
    String redis;
    int n = 50_000;
    int w2Seconds = 10;
    int w2Warmup = 3;
    int warmup = 5_000;
    int runs = 1;
    int memoryN = 100_000;
    List<String> only = List.of("w1", "w1b", "w2", "mem", "w3");

    static Options parse(String[] args) {
      Options o = new Options();
      for (int i = 0; i < args.length; i++) {
        Supplier<String> next = nextOf(args, i);
        switch (args[i]) {
          case "--redis" -> o.redis = next.get();
          case "--n" -> o.n = Integer.parseInt(next.get());
          case "--w2-seconds" -> o.w2Seconds = Integer.parseInt(next.get());
          case "--warmup" -> o.warmup = Integer.parseInt(next.get());
          case "--w2-warmup-seconds" -> o.w2Warmup = Integer.parseInt(next.get());
          case "--runs" -> o.runs = Integer.parseInt(next.get());
          case "--memory-n" -> o.memoryN = Integer.parseInt(next.get());
          case "--only" -> o.only = Arrays.asList(next.get().split(","));
          default -> throw new IllegalArgumentException("unknown option " + args[i]);
        }
        i++;
      }
      return o;
    }

    private static Supplier<String> nextOf(String[] args, int i) {
      return () -> {
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(args[i] + " needs a value");
        }
        return args[i + 1];
      };
    }
  }
}
