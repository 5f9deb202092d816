package io.taskflux.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskflux.MessageAlreadyExistsException;
import io.taskflux.engine.Result;
import io.taskflux.engine.SubmitOptions;
import io.taskflux.engine.TaskDefinition;
import io.taskflux.engine.TaskEngine;
import io.taskflux.engine.TaskHandle;
import io.taskflux.redis.RedisBackend;
import io.taskflux.spi.QueueStats;
import io.taskflux.spi.StoredResult;
import io.taskflux.task.StatusUpdate;
import io.taskflux.task.TaskStatus;
import io.taskflux.testing.redis.RedisServer;
import io.taskflux.testing.redis.RedisServerOptions;
import io.taskflux.testing.redis.Resp;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Hooks;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * The chaos test (issue 9): four worker JVMs ({@code taskflux worker thread-pool} with {@link
 * ChaosTasks}) and a producer in this JVM run {@value #DEFAULT_TASKS} tasks (system property {@code
 * taskflux.chaos.tasks}) submitted over {@value #DEFAULT_SECONDS} s ({@code
 * taskflux.chaos.seconds}) against one Redis with AOF {@code appendfsync always}, while {@link
 * ChaosFaults} SIGKILLs a random worker every few seconds (and restarts it), SIGKILLs and restarts
 * Redis twice and SIGSTOPs it once for longer than the client's 10 s command timeout. Afterwards it
 * checks every task from Redis, from the producer's results and from the workers' attempt logs
 * ({@link ChaosLedger}), and prints the counts.
 *
 * <p>Soak: {@code mvn -B -o -pl cli -am verify -Dit.test=ChaosIT -Dtaskflux.chaos.tasks=50000
 * -Dtaskflux.chaos.seconds=240}.
 */
class ChaosIT {

  static final int DEFAULT_TASKS = 12_000;
  static final int DEFAULT_SECONDS = 60;
  static final int WORKERS = 4;

  /** Generous bounds: a leak grows past them, a healthy run stays far below. */
  static final long MAX_PRODUCER_HEAP = 768L << 20;

  static final long MAX_REDIS_MEMORY = 512L << 20;

  /** Attempt logs and worker output, kept under {@code target/} for a look after a failure. */
  private Path dir;

  private RedisServer redis;
  private ChaosWorkers workers;
  private TaskEngine engine;
  private ChaosFaults faults;

  private final AtomicLong droppedErrors = new AtomicLong();

  @AfterEach
  void cleanUp() throws Exception {
    Hooks.resetOnErrorDropped();
    if (faults != null) {
      faults.stop();
    }
    if (redis != null && redis.isRunning()) {
      redis.resume(); // in case a failure left it stopped
    }
    if (workers != null) {
      workers.close();
    }
    if (engine != null) {
      engine.closeAsync().block(Duration.ofSeconds(10));
    }
    if (redis != null) {
      redis.close();
    }
  }

  @Test
  void tasksSurviveKilledWorkersAndAKilledAndPausedRedis() throws Exception {
    int tasks = Integer.getInteger("taskflux.chaos.tasks", DEFAULT_TASKS);
    int seconds = Integer.getInteger("taskflux.chaos.seconds", DEFAULT_SECONDS);
    long began = System.nanoTime();
    dir = Files.createDirectories(Path.of("target", "chaos", "run-" + System.currentTimeMillis()));
    System.out.println("chaos: logs in " + dir.toAbsolutePath());
    Hooks.onErrorDropped(
        e -> {
          droppedErrors.incrementAndGet();
          new IllegalStateException("dropped: " + e, e).printStackTrace();
        });
    redis = RedisServer.start(RedisServerOptions.defaults().withFsyncAlways());
    workers = new ChaosWorkers(redis.uri(), dir, WORKERS);
    workers.startAll();
    engine = TaskEngine.builder().backend(RedisBackend.connect(redis.uri())).build();
    Sampler sampler = new Sampler(redis);
    sampler.start();
    faults = new ChaosFaults(redis, workers, seconds);
    faults.start();

    // Produce: paced over `seconds`, 32 submissions in flight, each retried through the outages.
    Map<String, Result<Long>> results = new ConcurrentHashMap<>();
    AtomicLong submitRetries = new AtomicLong();
    List<TaskHandle<Long>> handles = new ArrayList<>(tasks);
    Disposable.Composite watching = Disposables.composite();
    int batch = 100;
    long start = System.nanoTime();
    long perBatchNanos = TimeUnit.SECONDS.toNanos(seconds) * batch / tasks;
    for (int from = 0; from < tasks; from += batch) {
      long due = start + (from / batch) * perBatchNanos;
      long wait = due - System.nanoTime();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait);
      }
      List<TaskHandle<Long>> got =
          Flux.range(from, Math.min(batch, tasks - from))
              .flatMapSequential(n -> submit(n, submitRetries), 32)
              .collectList()
              .block(Duration.ofMinutes(3));
      handles.addAll(got);
      // The producer's own view, followed through the faults: every outcome as the engine
      // delivers it (result waits and status watches that must survive Redis restarts).
      watching.add(
          engine
              .results(got)
              .subscribe(
                  r -> results.put(r.id(), r),
                  e -> results.put("!stream", Result.failure("!", e))));
    }
    long producedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

    // Wait for every result (the faults go on meanwhile), then for the scheduled Redis faults.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Math.max(240, seconds * 3L));
    while (results.size() < tasks && System.nanoTime() < deadline) {
      Thread.sleep(500);
    }
    faults.awaitRedisFaults();
    faults.stop();
    watching.dispose();
    long doneMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    workers.close();
    sampler.stop();

    // From Redis: one terminal status each, the right result, nothing left in the queue.
    long succeeded = 0;
    long failedTerminal = 0;
    List<String> wrong = new ArrayList<>();
    long producedMissing = 0;
    long producedFailed = 0;
    List<String> ids = new ArrayList<>(tasks);
    for (TaskHandle<Long> h : handles) {
      long n = Long.parseLong(h.id().substring(2));
      ids.add(h.id());
      StatusUpdate status = engine.backend().getStatus(h.ref()).block(Duration.ofSeconds(10));
      StoredResult stored = engine.backend().getResult(h.ref()).block(Duration.ofSeconds(10));
      Result<Long> produced = results.get(h.id());
      if (status != null && status.status() == TaskStatus.SUCCEEDED) {
        succeeded++;
      } else if (status != null && status.status() == TaskStatus.FAILED) {
        failedTerminal++;
      }
      if (produced == null) {
        producedMissing++;
      } else if (!produced.isSuccess()) {
        producedFailed++;
      }
      long want = ChaosTasks.expected(n);
      if (status == null
          || status.status() != TaskStatus.SUCCEEDED
          || stored == null
          || stored.value().asLong() != want
          || produced == null
          || !produced.isSuccess()
          || produced.value() != want) {
        wrong.add(h.id() + ": status " + status + ", stored " + stored + ", produced " + produced);
      }
    }
    QueueStats stats = engine.backend().stats(ChaosTasks.QUEUE).block(Duration.ofSeconds(10));

    // From the workers' logs: no run after an ack; every duplicate has a cause.
    ChaosLedger ledger = ChaosLedger.read(dir);
    ChaosLedger.Verdict v = ledger.judge(ids, workers.killedPids(), faults.redisWindows());
    long totalMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began);

    System.out.printf(
        "%n== chaos: %d tasks, submitted over %d ms, all settled after %d ms, test %d ms ==%n",
        tasks, producedMs, doneMs, totalMs);
    row("submitted", tasks);
    row("succeeded (status in Redis)", succeeded);
    row("failed terminally", failedTerminal);
    row("wrong or missing (status/result/producer)", wrong.size());
    row("  producer: no result / a failure", producedMissing, producedFailed);
    row("tasks with planned failures run", v.tasksWithPlannedFailures());
    row("planned failed attempts (retried)", v.plannedFailuresRun());
    row("executions (attempt starts)", v.executions());
    row("duplicate executions", v.duplicates());
    row("  tasks duplicated", v.tasksDuplicated());
    row("  ... whose worker was killed", v.dupByKilledWorker());
    row("  ... whose lease was lost", v.dupByLeaseLost());
    row("  ... during a Redis kill/pause", v.dupByRedisFault());
    row("  ... unexplained", v.unexplained().size());
    row("ran again after ack", v.ranAfterAck().size());
    row("acked twice", v.ackedTwice().size());
    row("succeeded, no ack line seen (info)", v.neverAcked().size());
    row("submissions retried by the producer", submitRetries.get());
    row("errors dropped in the producer (info)", droppedErrors.get());
    row("worker SIGKILLs", workers.kills());
    row("Redis SIGKILLs", faults.redisKills());
    row("Redis pauses (> command timeout)", faults.pauses());
    row(
        "queue left: ready/delayed/leased/dead",
        stats.ready(),
        stats.delayed(),
        stats.leased(),
        stats.deadLetters());
    row("max producer heap used (MB)", sampler.maxHeap() >> 20);
    row("max Redis used_memory (MB)", sampler.maxRedis() >> 20);

    printWorkerComplaints();

    assertTrue(wrong.isEmpty(), wrong.size() + " wrong or missing, e.g. " + head(wrong));
    assertEquals(tasks, succeeded);
    assertEquals(0, failedTerminal);
    assertEquals(0, stats.live() + stats.deadLetters(), stats.toString());
    assertTrue(v.ranAfterAck().isEmpty(), "ran after ack: " + head(v.ranAfterAck()));
    assertTrue(v.ackedTwice().isEmpty(), "acked twice: " + head(v.ackedTwice()));
    assertTrue(v.unexplained().isEmpty(), "unexplained duplicates: " + head(v.unexplained()));
    assertTrue(workers.kills() >= 3, "too few worker kills: " + workers.kills());
    assertEquals(2, faults.redisKills());
    assertEquals(1, faults.pauses());
    assertTrue(sampler.maxHeap() < MAX_PRODUCER_HEAP, "producer heap " + sampler.maxHeap());
    assertTrue(sampler.maxRedis() < MAX_REDIS_MEMORY, "redis used_memory " + sampler.maxRedis());
    assertTrue(ledger.lines() > 0);
  }

  /**
   * Submits task {@code n} with id {@code t-n}, retrying through outages. A retry first looks for
   * the task's status: the first try may have been stored with its reply lost, and the task may
   * even have finished since, so submitting it again would run it twice.
   */
  private Mono<TaskHandle<Long>> submit(long n, AtomicLong retries) {
    TaskDefinition<Long, Long> def = ChaosTasks.definition(n);
    String id = "t-" + n;
    SubmitOptions options =
        SubmitOptions.defaults().id(id).priority(ChaosTasks.priority(n)).delay(ChaosTasks.delay(n));
    AtomicBoolean retrying = new AtomicBoolean();
    return Mono.defer(
            () -> {
              Mono<TaskHandle<Long>> fresh =
                  engine
                      .submit(def, n, options)
                      .onErrorResume(
                          MessageAlreadyExistsException.class,
                          e -> Mono.just(engine.handle(def, id)));
              if (!retrying.getAndSet(true)) {
                return fresh;
              }
              retries.incrementAndGet();
              TaskHandle<Long> h = engine.handle(def, id);
              return h.status().map(s -> h).switchIfEmpty(fresh);
            })
        .retryWhen(
            Retry.fixedDelay(600, Duration.ofMillis(250))
                .filter(e -> !(e instanceof IllegalArgumentException)));
  }

  /** The workers' WARN/ERROR lines, counted by their text up to the first digit or colon. */
  private void printWorkerComplaints() throws java.io.IOException {
    Map<String, Long> seen = new java.util.TreeMap<>();
    try (java.util.stream.Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".out")).toList()) {
        for (String l : Files.readAllLines(f)) {
          if (l.contains(" WARN ")
              || l.contains(" ERROR ")
              || l.startsWith("WARNING: ")
              || l.startsWith("SEVERE: ")
              || l.startsWith("Exception")) {
            String key =
                l.replaceAll("\\[[^]]*] ", "")
                    .replaceAll("worker taskflux:worker:[-0-9a-f]+", "worker W")
                    .replaceAll("[0-9].*", "");
            seen.merge(key.length() > 150 ? key.substring(0, 150) : key, 1L, Long::sum);
          }
        }
      }
    }
    System.out.println("worker WARN/ERROR lines by kind:");
    seen.forEach((k, c) -> System.out.printf("%6d  %s%n", c, k));
  }

  private static void row(String what, Object... values) {
    StringBuilder b = new StringBuilder();
    for (Object o : values) {
      b.append(b.length() == 0 ? "" : " / ").append(o);
    }
    System.out.printf("| %-44s | %14s |%n", what, b);
  }

  private static String head(List<String> list) {
    return list.subList(0, Math.min(5, list.size())).toString();
  }

  static long micros() {
    return ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
  }

  /** Samples this JVM's used heap and Redis's {@code used_memory} every 500 ms. */
  static final class Sampler {
    private final RedisServer redis;
    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final AtomicLong maxHeap = new AtomicLong();
    private final AtomicLong maxRedis = new AtomicLong();
    private volatile boolean stopped;
    private Thread thread;
    private long rounds;

    Sampler(RedisServer redis) {
      this.redis = redis;
    }

    void start() {
      thread = new Thread(this::loop, "chaos-sampler");
      thread.setDaemon(true);
      thread.start();
    }

    private void loop() {
      Resp resp = null;
      while (!stopped) {
        maxHeap.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
        try {
          if (resp == null) {
            resp = redis.connect();
            resp.setReadTimeout(1_000);
          }
          long t = System.nanoTime();
          resp.call("PING");
          long pingMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t);
          if (pingMs > 300) {
            System.out.printf(
                "chaos %tT.%<tL Redis PING took %d ms%n", System.currentTimeMillis(), pingMs);
          }
          for (String l : resp.callString("INFO", "memory").split("\r\n")) {
            if (l.startsWith("used_memory:")) {
              maxRedis.accumulateAndGet(Long.parseLong(l.substring(12).trim()), Math::max);
            }
          }
          if (++rounds % 20 == 0) {
            String p = resp.callString("INFO", "persistence");
            for (String l : p.split("\r\n")) {
              if (l.startsWith("aof_delayed_fsync")
                  || l.startsWith("aof_rewrites:")
                  || l.startsWith("aof_current_size")) {
                System.out.printf("chaos %tT.%<tL Redis %s%n", System.currentTimeMillis(), l);
              }
            }
          }
        } catch (Exception e) {
          System.out.printf(
              "chaos %tT.%<tL Redis sample failed: %s%n", System.currentTimeMillis(), e);
          closeQuietly(resp);
          resp = null; // Redis is down or paused: sample again later
        }
        try {
          Thread.sleep(500);
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    private static void closeQuietly(Resp resp) {
      try {
        if (resp != null) {
          resp.close();
        }
      } catch (java.io.IOException e) {
        // nothing to do: the connection is gone either way
      }
    }

    void stop() throws InterruptedException {
      stopped = true;
      thread.join(5_000);
    }

    long maxHeap() {
      return maxHeap.get();
    }

    long maxRedis() {
      return maxRedis.get();
    }
  }
}
