package io.taskflux.benchmarks;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.taskflux.engine.TaskDefinition;
import io.taskflux.engine.TaskEngine;
import io.taskflux.engine.TaskHandle;
import io.taskflux.engine.WorkerOptions;
import io.taskflux.redis.RedisBackend;
import io.taskflux.worker.Worker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import reactor.core.publisher.Mono;

/**
 * The idle-worker wake-up of issue 6: one worker ({@code concurrency 1}, no polling interval
 * anywhere) on an otherwise empty queue, and {@code n} submissions sent one at a time, each only
 * once the previous task's result was seen <i>and</i> the worker is idle again, so every task finds
 * the worker blocked on its queue's wake list. Timed: from just before {@code engine.submit} to the
 * first line of the task's body (both {@link System#nanoTime()} in this JVM). Warm-up rounds (same
 * shape) are excluded. One JSON line on standard output: p50, p95, p99 and max in ms, the load
 * average before and after, and the rounds in which the worker was not seen blocked in time (those
 * are still measured).
 *
 * <pre>
 * java -Xms1g -Xmx1g -cp benchmarks/target/taskflux-benchmarks.jar \
 *     io.taskflux.benchmarks.WakeBenchmark [--redis URI] [--n 1000] [--warmup 1000] [--runs 1]
 *     [--idle blocked|result]
 * </pre>
 *
 * {@code --idle blocked} (default) waits, before each submission, until Redis reports the worker's
 * {@code BLPOP} as a blocked client ({@code INFO clients}), so the figure is the wake-up of a truly
 * idle worker; {@code --idle result} submits as soon as the result is seen, so the figure also pays
 * for whatever the worker still does after a task (closer to a lightly loaded queue). Without
 * {@code --redis} a private {@code redis-server} (from PATH) is started on a free port; with it,
 * that server is FLUSHed first: give it a server of its own.
 */
public final class WakeBenchmark {

  private static final Duration SOON = Duration.ofSeconds(20);

  /** The task: its input is the submission's {@code nanoTime}. */
  static final TaskDefinition<Long, Long> WAKE =
      TaskDefinition.of("wake", Long.class, Long.class).queue("wake");

  private WakeBenchmark() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> o = parse(args);
    int n = Integer.parseInt(o.getOrDefault("--n", "1000"));
    int warmup = Integer.parseInt(o.getOrDefault("--warmup", "1000"));
    int runs = Integer.parseInt(o.getOrDefault("--runs", "1"));
    boolean waitBlocked = o.getOrDefault("--idle", "blocked").equals("blocked");
    Process server = null;
    String uri = o.get("--redis");
    if (uri == null) {
      int port = RedisProbe.freePort();
      server = RedisProbe.startRedis(port);
      uri = "redis://127.0.0.1:" + port;
    }
    RedisClient client = RedisClient.create(uri);
    try (StatefulRedisConnection<String, String> conn = connect(client)) {
      RedisCommands<String, String> admin = conn.sync();
      admin.flushall();
      RedisBackend backend = RedisBackend.builder().uri(uri).namespace("wake").build();
      TaskEngine engine = TaskEngine.builder().backend(backend).namespace("wake").build();
      BlockingQueue<Long> started = new ArrayBlockingQueue<>(1);
      engine.register(
          WAKE,
          submittedAt -> {
            started.offer(System.nanoTime() - submittedAt);
            return Mono.just(submittedAt);
          });
      Worker worker = engine.workers(WorkerOptions.queues(WAKE.queue()).concurrency(1)).start();
      try {
        rounds(engine, admin, started, warmup, waitBlocked, null);
        for (int run = 1; run <= runs; run++) {
          String loadBefore = load();
          long[] nanos = new long[n];
          int notBlocked = rounds(engine, admin, started, n, waitBlocked, nanos);
          Arrays.sort(nanos);
          Map<String, Object> out = new LinkedHashMap<>();
          out.put("system", "taskflux");
          out.put("workload", "wake");
          out.put("run", run);
          out.put("n", n);
          out.put("warmup", warmup);
          out.put("idle", waitBlocked ? "blocked" : "result");
          out.put("date", Instant.now().toString());
          out.put("p50_ms", ms(nanos[n / 2]));
          out.put("p95_ms", ms(nanos[(int) Math.ceil(n * 0.95) - 1]));
          out.put("p99_ms", ms(nanos[(int) Math.ceil(n * 0.99) - 1]));
          out.put("max_ms", ms(nanos[n - 1]));
          out.put("not_seen_blocked", notBlocked);
          out.put("load_before", loadBefore);
          out.put("load_after", load());
          System.out.println(EngineBenchmark.json(out));
          System.out.flush();
        }
      } finally {
        worker.dispose();
        engine.closeAsync().block(SOON);
        backend.closeAsync().block(SOON);
      }
      if (server != null) {
        try {
          admin.shutdown(false);
        } catch (RuntimeException expected) {
          // the connection drops as the server exits
        }
      }
    } finally {
      client.shutdown();
      if (server != null) {
        server.waitFor(10, TimeUnit.SECONDS);
        server.destroyForcibly();
      }
    }
    System.exit(0);
  }

  /**
   * {@code count} rounds of: wait until the worker is idle, submit, note submit-to-start, wait for
   * the result. Returns how many rounds did not see the worker blocked within a second.
   */
  private static int rounds(
      TaskEngine engine,
      RedisCommands<String, String> admin,
      BlockingQueue<Long> started,
      int count,
      boolean waitBlocked,
      long[] nanos)
      throws InterruptedException {
    int notBlocked = 0;
    for (int i = 0; i < count; i++) {
      if (waitBlocked && !awaitBlocked(admin)) {
        notBlocked++;
      }
      TaskHandle<Long> handle = engine.submit(WAKE, System.nanoTime()).block(SOON);
      Long took = started.poll(SOON.toMillis(), TimeUnit.MILLISECONDS);
      if (took == null) {
        throw new IllegalStateException("round " + i + ": the task never started");
      }
      if (nanos != null) {
        nanos[i] = took;
      }
      handle.result(SOON).block(SOON);
    }
    return notBlocked;
  }

  /** True once Redis reports a blocked client (the worker's BLPOP); false after a second. */
  private static boolean awaitBlocked(RedisCommands<String, String> admin)
      throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
    while (System.nanoTime() < end) {
      String info = admin.info("clients");
      if (!info.contains("blocked_clients:0")) {
        return true;
      }
      Thread.sleep(0, 200_000);
    }
    return false;
  }

  private static StatefulRedisConnection<String, String> connect(RedisClient client)
      throws InterruptedException {
    for (int i = 0; ; i++) {
      try {
        return client.connect();
      } catch (RuntimeException e) {
        if (i > 100) {
          throw e;
        }
        Thread.sleep(50);
      }
    }
  }

  private static String load() {
    try {
      String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return parts[0] + " " + parts[1] + " " + parts[2];
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static double ms(long nanos) {
    return Math.round(nanos / 1e4) / 100.0;
  }

  private static Map<String, String> parse(String[] args) {
    Map<String, String> o = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i += 2) {
      String name = args[i];
      if (!Arrays.asList("--redis", "--n", "--warmup", "--runs", "--idle").contains(name)) {
        throw new IllegalArgumentException("unknown option " + name);
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(name + " needs a value");
      }
      o.put(name, args[i + 1]);
    }
    String idle = o.getOrDefault("--idle", "blocked");
    if (!idle.equals("blocked") && !idle.equals("result")) {
      throw new IllegalArgumentException("--idle must be blocked or result, got " + idle);
    }
    return o;
  }
}
