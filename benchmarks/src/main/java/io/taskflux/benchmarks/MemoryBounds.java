package io.taskflux.benchmarks;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.sync.RedisCommands;
import io.taskflux.engine.TaskDefinition;
import io.taskflux.engine.TaskEngine;
import io.taskflux.engine.WorkerOptions;
import io.taskflux.memory.InMemoryBackend;
import io.taskflux.memory.InMemoryOptions;
import io.taskflux.redis.RedisBackend;
import io.taskflux.spi.QueueStats;
import io.taskflux.worker.Worker;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javax.management.ObjectName;
import reactor.core.publisher.Mono;

/**
 * Memory per queued task (issue 9, "Load and bounds"): submits {@code n} tasks with no worker
 * running, through the normal {@link TaskEngine#submit} path, and prints one JSON line per backend
 * on standard output (progress on standard error).
 *
 * <ul>
 *   <li><b>memory</b>: JVM heap used after a full GC, before and after the submissions, on an
 *       in-memory engine of capacity {@code n}. Then the engine is closed and dropped, and the heap
 *       measured again: what is left over is what the engine held outside its backend.
 *   <li><b>redis</b>: {@code used_memory} of {@code INFO memory} before and after, the key count,
 *       {@code MEMORY USAGE} of one task's keys, and the producer JVM's heap after a full GC before
 *       and after: the producer must hold nothing per task once its submit has completed.
 *   <li>both, with {@code --drain true} (the default): then 64 workers run every task, and the
 *       memory is measured again: what each completed task leaves for its TTLs (result, status).
 * </ul>
 *
 * <p>The producer drops every handle as it arrives. Submissions go in chunks of {@code --chunk}
 * concurrent {@code submit} calls (the Redis backend pipelines them on its connection), the next
 * chunk after the previous one is stored.
 *
 * <pre>
 * java -Xms4g -Xmx4g -cp benchmarks/target/taskflux-benchmarks.jar \
 *     io.taskflux.benchmarks.MemoryBounds [--n 1000000] [--backends memory,redis]
 *     [--redis URI] [--chunk 1000] [--payload-bytes 0] [--histogram 0] [--drain true]
 * </pre>
 *
 * With {@code --payload-bytes 0} (the default) each task's input is its integer index; otherwise a
 * string of that many characters. Without {@code --redis} a private {@code redis-server} (from
 * PATH) is started on a free port with persistence off and shut down at the end. With {@code
 * --histogram K} prints the top K classes of the heap with n in-memory tasks queued. With {@code
 * --redis} that server is FLUSHALLed before the measurement: give it a server of its own.
 */
public final class MemoryBounds {

  static final TaskDefinition<Object, Object> TASK =
      TaskDefinition.of("mem", Object.class, Object.class).queue("mem");

  private final int n;
  private final int chunk;
  private final int payloadBytes;
  private final String redis;
  private final List<String> backends;
  private final int histogram;
  private final boolean drain;

  private MemoryBounds(
      int n,
      int chunk,
      int payloadBytes,
      String redis,
      List<String> backends,
      int histogram,
      boolean drain) {
    this.histogram = histogram;
    this.drain = drain;
    this.n = n;
    this.chunk = chunk;
    this.payloadBytes = payloadBytes;
    this.redis = redis;
    this.backends = backends;
  }

  /** Runs the measurement; see the class comment for the options. */
  public static void main(String[] args) throws Exception {
    int n = 1_000_000;
    int chunk = 1000;
    int payload = 0;
    String redis = null;
    List<String> backends = List.of("memory", "redis");
    int histogram = 0;
    boolean drain = true;
    for (int i = 0; i < args.length; i += 2) {
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(args[i] + " needs a value");
      }
      String v = args[i + 1];
      switch (args[i]) {
        case "--n" -> n = Integer.parseInt(v);
        case "--chunk" -> chunk = Integer.parseInt(v);
        case "--payload-bytes" -> payload = Integer.parseInt(v);
        case "--redis" -> redis = v;
        case "--backends" -> backends = Arrays.asList(v.split(","));
        case "--histogram" -> histogram = Integer.parseInt(v);
        case "--drain" -> drain = Boolean.parseBoolean(v);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    MemoryBounds m = new MemoryBounds(n, chunk, payload, redis, backends, histogram, drain);
    for (String b : backends) {
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("system", "taskflux");
      out.put("workload", "memory-bounds");
      out.put("backend", b);
      out.put("n", n);
      out.put("payload_bytes", payload);
      out.put("date", Instant.now().toString());
      out.put("max_heap_mb", Runtime.getRuntime().maxMemory() >> 20);
      switch (b) {
        case "memory" -> out.putAll(m.inMemory());
        case "redis" -> out.putAll(m.onRedis());
        default -> throw new IllegalArgumentException("unknown backend " + b);
      }
      System.out.println(EngineBenchmark.json(out));
      System.out.flush();
    }
    System.exit(0);
  }

  // ---------------------------------------------------------------- in-memory

  private Map<String, Object> inMemory() throws Exception {
    warmUp(TaskEngine.inMemory());
    long before = heapAfterGc();
    InMemoryBackend backend = InMemoryBackend.create(InMemoryOptions.defaults().withCapacity(n));
    AtomicReference<TaskEngine> engine =
        new AtomicReference<>(TaskEngine.builder().backend(backend).build());
    long t0 = System.nanoTime();
    fill(engine.get());
    long fillNs = System.nanoTime() - t0;
    QueueStats stats = backend.stats(TASK.queue()).block(Duration.ofSeconds(30));
    long after = heapAfterGc();
    printHistogram();
    long drainNs = drain(engine.get());
    long afterDrain = drainNs < 0 ? -1 : heapAfterGc();
    engine.get().closeAsync().block(Duration.ofSeconds(60));
    backend.closeAsync().block(Duration.ofSeconds(60));
    engine.set(null);
    backend = null;
    long afterClose = heapAfterGc();

    Map<String, Object> out = new LinkedHashMap<>();
    out.put("fill_ms", Math.round(fillNs / 1e6));
    out.put("submits_per_s", Math.round(n / (fillNs / 1e9)));
    out.put("queued", stats.ready());
    out.put("heap_before_bytes", before);
    out.put("heap_after_bytes", after);
    out.put("bytes_per_queued_task", Math.round((after - before) / (double) n));
    out.put("heap_left_after_close_bytes", afterClose - before);
    if (drainNs >= 0) {
      out.put("drain_ms", Math.round(drainNs / 1e6));
      out.put("heap_after_drain_bytes", afterDrain);
      out.put("bytes_per_completed_task_retained", Math.round((afterDrain - before) / (double) n));
    }
    return out;
  }

  // ---------------------------------------------------------------- Redis

  private Map<String, Object> onRedis() throws Exception {
    Process server = null;
    String uri = redis;
    if (uri == null) {
      int port = RedisProbe.freePort();
      server = RedisProbe.startRedis(port);
      uri = "redis://127.0.0.1:" + port;
    }
    RedisClient client = RedisClient.create(uri);
    try {
      RedisCommands<String, String> admin = RedisProbe.connect(client);
      admin.flushall();
      withRedisEngine(uri, this::warmUp);
      admin.flushall();

      Map<String, Object> out = new LinkedHashMap<>();
      long[] jvm = new long[2];
      long[] used = new long[2];
      long[] fillNs = new long[1];
      QueueStats[] stats = new QueueStats[1];
      withRedisEngine(
          uri,
          engine -> {
            // Connects the backend first, so its connections are in the "before" figure.
            engine.backend().stats(TASK.queue()).block(Duration.ofSeconds(30));
            jvm[0] = heapAfterGc();
            used[0] = RedisProbe.usedMemory(admin);
            long t0 = System.nanoTime();
            fill(engine);
            fillNs[0] = System.nanoTime() - t0;
            stats[0] = engine.backend().stats(TASK.queue()).block(Duration.ofSeconds(30));
            used[1] = RedisProbe.usedMemory(admin);
            jvm[1] = heapAfterGc();
            out.put("keys", admin.dbsize());
            out.put("memory_usage_message_key", RedisProbe.memoryUsageOfOne(admin, "*:m:*"));
            out.put("memory_usage_status_key", RedisProbe.memoryUsageOfOne(admin, "*:s:*"));
            out.put("memory_usage_ready_zset_per_task", zsetPerTask(admin));
            long drainNs = drain(engine);
            if (drainNs >= 0) {
              out.put("drain_ms", Math.round(drainNs / 1e6));
              long usedAfterDrain = RedisProbe.usedMemory(admin);
              out.put("used_memory_after_drain", usedAfterDrain);
              out.put(
                  "bytes_per_completed_task_retained",
                  Math.round((usedAfterDrain - used[0]) / (double) n));
              out.put("keys_after_drain", admin.dbsize());
            }
          });
      out.put("fill_ms", Math.round(fillNs[0] / 1e6));
      out.put("submits_per_s", Math.round(n / (fillNs[0] / 1e9)));
      out.put("queued", stats[0].ready());
      out.put("redis_version", RedisProbe.info(admin, "server").get("redis_version"));
      out.put("used_memory_before", used[0]);
      out.put("used_memory_after", used[1]);
      out.put("bytes_per_queued_task", Math.round((used[1] - used[0]) / (double) n));
      out.put("keys_per_task", Math.round((Long) out.get("keys") * 100.0 / n) / 100.0);
      out.put(
          "used_memory_rss_end",
          Long.parseLong(RedisProbe.info(admin, "memory").get("used_memory_rss")));
      out.put("producer_heap_before_bytes", jvm[0]);
      out.put("producer_heap_after_bytes", jvm[1]);
      out.put("producer_heap_bytes_per_task", Math.round((jvm[1] - jvm[0]) / (double) n));
      if (server != null) {
        try {
          admin.shutdown(false);
        } catch (RuntimeException expected) {
          // the connection drops as the server exits
        }
      }
      return out;
    } finally {
      client.shutdown();
      if (server != null) {
        server.waitFor(10, TimeUnit.SECONDS);
        server.destroyForcibly();
      }
    }
  }

  interface EngineBody {
    void run(TaskEngine engine) throws Exception;
  }

  private static void withRedisEngine(String uri, EngineBody body) throws Exception {
    RedisBackend backend = RedisBackend.builder().uri(uri).namespace("mem").build();
    TaskEngine engine = TaskEngine.builder().backend(backend).namespace("mem").build();
    try {
      body.run(engine);
    } finally {
      engine.closeAsync().block(Duration.ofSeconds(60));
      backend.closeAsync().block(Duration.ofSeconds(60));
    }
  }

  private Long zsetPerTask(RedisCommands<String, String> admin) {
    List<String> found = RedisProbe.someKeys(admin, "*:ready", 1);
    return found.isEmpty()
        ? null
        : Math.round(RedisProbe.memoryUsageOfAll(admin, found.get(0)) / (double) n);
  }

  // ---------------------------------------------------------------- common

  /** Submits and drops a few thousand tasks on a throw-away engine: classes loaded, JIT warm. */
  private void warmUp(TaskEngine engine) throws Exception {
    try {
      int saved = Math.min(n, 5_000);
      submitRange(engine, 0, saved);
    } finally {
      if (engine.backend() instanceof InMemoryBackend) {
        engine.closeAsync().block(Duration.ofSeconds(30));
      }
    }
  }

  /**
   * With {@code --drain true}: runs every queued task (it returns its input) with 64 workers and
   * returns how long that took, so the memory of what a completed task leaves behind for its TTLs
   * (its result and status) can be measured; -1 without.
   */
  private long drain(TaskEngine engine) throws InterruptedException {
    if (!drain) {
      return -1;
    }
    engine.register(TASK, Mono::just);
    long t0 = System.nanoTime();
    Worker worker = engine.workers(WorkerOptions.queues(TASK.queue()).concurrency(64)).start();
    try {
      while (true) {
        QueueStats s = engine.backend().stats(TASK.queue()).block(Duration.ofSeconds(30));
        if (s.ready() + s.delayed() + s.leased() == 0) {
          return System.nanoTime() - t0;
        }
        Thread.sleep(50);
      }
    } finally {
      worker.stop().block(Duration.ofSeconds(60));
    }
  }

  private void fill(TaskEngine engine) throws InterruptedException {
    for (int start = 0; start < n; start += chunk) {
      submitRange(engine, start, Math.min(chunk, n - start));
      if ((start / chunk) % 100 == 99) {
        System.err.println("[memory-bounds] " + (start + chunk) + " submitted");
      }
    }
  }

  /** Submits tasks {@code start .. start + size - 1} at once and returns when all are stored. */
  private void submitRange(TaskEngine engine, int start, int size) throws InterruptedException {
    CountDownLatch stored = new CountDownLatch(size);
    AtomicLong failed = new AtomicLong();
    AtomicReference<Throwable> firstError = new AtomicReference<>();
    for (int i = start; i < start + size; i++) {
      engine
          .submit(TASK, input(i))
          .subscribe(
              h -> stored.countDown(), // the handle is dropped at once
              e -> {
                failed.incrementAndGet();
                firstError.compareAndSet(null, e);
                stored.countDown();
              });
    }
    if (!stored.await(120, TimeUnit.SECONDS) || failed.get() > 0) {
      throw new IllegalStateException(
          "submit failed: " + failed.get() + " of " + size, firstError.get());
    }
  }

  private Object input(int i) {
    if (payloadBytes == 0) {
      return i;
    }
    StringBuilder b = new StringBuilder(payloadBytes);
    String prefix = Integer.toString(i);
    b.append(prefix);
    while (b.length() < payloadBytes) {
      b.append('x');
    }
    return b.toString();
  }

  /** Prints the top {@code --histogram} lines of the heap's class histogram to standard error. */
  private void printHistogram() throws Exception {
    if (histogram <= 0) {
      return;
    }
    Object text =
        ManagementFactory.getPlatformMBeanServer()
            .invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"),
                "gcClassHistogram",
                new Object[] {new String[0]},
                new String[] {String[].class.getName()});
    String[] lines = String.valueOf(text).split("\n");
    for (int i = 0; i < Math.min(lines.length, histogram + 3); i++) {
      System.err.println("[memory-bounds] " + lines[i]);
    }
  }

  /** Heap in use after full collections (G1 runs a full GC on {@code System.gc()}). */
  static long heapAfterGc() throws InterruptedException {
    Runtime rt = Runtime.getRuntime();
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 4; i++) {
      System.gc();
      Thread.sleep(100);
      used = Math.min(used, rt.totalMemory() - rt.freeMemory());
    }
    return used;
  }
}
