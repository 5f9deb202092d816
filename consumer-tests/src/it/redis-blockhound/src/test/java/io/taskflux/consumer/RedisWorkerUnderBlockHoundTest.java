package io.taskflux.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskflux.engine.Result;
import io.taskflux.engine.TaskDefinition;
import io.taskflux.engine.TaskEngine;
import io.taskflux.engine.TaskHandle;
import io.taskflux.engine.WorkerOptions;
import io.taskflux.redis.RedisBackend;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.blockhound.BlockHound;
import reactor.blockhound.BlockingOperationError;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * What an application sees when its own tests install BlockHound (as WebFlux users do) and use the
 * Redis backend, with no BlockHound set-up for taskflux: 2,000 tasks through a Redis worker at
 * concurrency 64, five rounds. Passes only if no blocking call is reported anywhere, every task's
 * result arrives, and no worker left a settle to its lease (a lost completion shows as a "could
 * not settle" log line and as a result that does not arrive before the lease runs out).
 */
class RedisWorkerUnderBlockHoundTest {

  private static final int TASKS = 2_000;
  private static final int ROUNDS = 5;
  private static final int CONCURRENCY = 64;
  // A settle left to its lease delays that task's result by the whole lease; waiting less than
  // the lease for a round tells the two apart.
  private static final Duration LEASE = Duration.ofSeconds(60);
  private static final Duration ROUND_LIMIT = Duration.ofSeconds(45);

  private static final List<String> violations = new CopyOnWriteArrayList<>();
  private static final List<String> badLogLines = new CopyOnWriteArrayList<>();
  private static final Handler logWatch =
      new Handler() {
        @Override
        public void publish(LogRecord record) {
          String message = String.valueOf(record.getMessage());
          if (message.contains("could not settle") || mentionsBlocking(record.getThrown())) {
            badLogLines.add(record.getLoggerName() + ": " + message + stackOf(record));
          }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  private static Process redis;
  private static Path redisDir;
  private static int port;

  @BeforeAll
  static void installBlockHoundAndStartRedis() throws Exception {
    // As an application would: install BlockHound, here also recording what it reports (it still
    // throws, as by default, so a false positive breaks the client exactly as in an app's test).
    BlockHound.install(
        builder ->
            builder.blockingMethodCallback(
                method -> {
                  violations.add(method + " on " + Thread.currentThread().getName());
                  throw new BlockingOperationError(method);
                }));
    Logger.getLogger("").addHandler(logWatch);
    startRedis();
  }

  @AfterAll
  static void stopRedis() throws Exception {
    Logger.getLogger("").removeHandler(logWatch);
    if (redis != null) {
      redis.destroy();
      if (!redis.waitFor(10, TimeUnit.SECONDS)) {
        redis.destroyForcibly().waitFor();
      }
    }
    if (redisDir != null) {
      try (var files = Files.walk(redisDir)) {
        files.sorted((a, b) -> b.compareTo(a)).map(Path::toFile).forEach(File::delete);
      }
    }
  }

  @Test
  void blockHoundIsReallyInstalled() {
    Mono<Integer> blocking =
        Mono.fromCallable(
                () -> {
                  Thread.sleep(1);
                  return 1;
                })
            .subscribeOn(Schedulers.parallel());
    Throwable error = blocking.map(n -> (Throwable) null).onErrorResume(Mono::just).block();
    assertInstanceOf(BlockingOperationError.class, error);
    violations.removeIf(v -> v.contains("Thread.sleep"));
  }

  @Test
  void twoThousandTasksAtConcurrency64FiveTimesWithNoBlockingCallAndNoSettleLeftToTheLease()
      throws InterruptedException {
    TaskDefinition<Integer, Integer> twice =
        TaskDefinition.of("twice", Integer.class, Integer.class).queue("consumer");
    RedisBackend backend = RedisBackend.connect("redis://127.0.0.1:" + port);
    TaskEngine engine = TaskEngine.builder().backend(backend).build();
    try {
      engine.register(twice, n -> Mono.just(n * 2));
      engine
          .workers(WorkerOptions.queues("consumer").concurrency(CONCURRENCY).lease(LEASE))
          .start();
      for (int round = 1; round <= ROUNDS; round++) {
        int base = round * 100_000;
        List<Integer> inputs = IntStream.range(base, base + TASKS).boxed().toList();
        // Every call into the engine goes out from a pool thread and is waited for with a bound:
        // a client broken by a blocking-call error has been seen to spin for ever in its
        // dispatch (Lettuce's SharedLock), and the test must then fail, not hang.
        List<TaskHandle<Integer>> handles =
            engine
                .submitAll(twice, inputs)
                .collectList()
                .subscribeOn(Schedulers.boundedElastic())
                .block(ROUND_LIMIT);
        assertEquals(TASKS, handles.size());

        Map<String, Result<Integer>> results = new ConcurrentHashMap<>();
        CountDownLatch all = new CountDownLatch(TASKS);
        var subscription =
            engine
                .results(handles)
                .subscribeOn(Schedulers.boundedElastic())
                .subscribe(
                    r -> {
                      results.put(r.id(), r);
                      all.countDown();
                    });
        boolean complete = all.await(ROUND_LIMIT.toSeconds(), TimeUnit.SECONDS);
        subscription.dispose();
        assertTrue(
            complete,
            "round "
                + round
                + ": "
                + (TASKS - results.size())
                + " results missing after "
                + ROUND_LIMIT
                + " (a settle left to the lease?); blocking calls: "
                + violations
                + "; log: "
                + badLogLines);
        for (int i = 0; i < TASKS; i++) {
          Result<Integer> r = results.get(handles.get(i).id());
          assertTrue(r.isSuccess(), "round " + round + ": " + r);
          assertEquals(inputs.get(i) * 2, r.value());
        }
        assertEquals(List.of(), violations, "round " + round + ": blocking calls");
        assertEquals(List.of(), badLogLines, "round " + round + ": log lines");
      }
    } finally {
      try {
        engine
            .closeAsync()
            .then(backend.closeAsync())
            .subscribeOn(Schedulers.boundedElastic())
            .block(Duration.ofSeconds(30));
      } catch (RuntimeException e) {
        badLogLines.add("close did not end: " + e);
      }
    }
    assertEquals(List.of(), violations, "blocking calls during close");
    assertEquals(List.of(), badLogLines, "log lines during close");
  }

  // ---------------------------------------------------------------- a real redis-server

  /**
   * Starts the redis-server named by {@code -Dtaskflux.redis.server} (a path, or a name looked up
   * on PATH) on a free loopback port, without persistence; skips the test (with the reason) when
   * there is none.
   */
  private static void startRedis() throws Exception {
    String configured = System.getProperty("taskflux.redis.server", "redis-server");
    Path binary = locate(configured);
    if (binary == null) {
      binary = fromFallbackJar(System.getProperty("taskflux.redis.fallbackJar", ""));
    }
    Assumptions.assumeTrue(
        binary != null,
        "no redis-server: '" + configured + "' is neither a file nor on PATH, and no fallback"
            + " jar was given; pass -Dtaskflux.redis.server=/path/to/redis-server");
    try (ServerSocket probe = new ServerSocket(0)) {
      port = probe.getLocalPort();
    }
    redisDir = Files.createTempDirectory("taskflux-consumer-redis-");
    redis =
        new ProcessBuilder(
                binary.toString(),
                "--port", String.valueOf(port),
                "--bind", "127.0.0.1",
                "--save", "",
                "--appendonly", "no",
                "--dir", redisDir.toString())
            .redirectErrorStream(true)
            .start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(redis.getInputStream(), StandardCharsets.UTF_8));
    StringBuilder seen = new StringBuilder();
    for (String line; (line = out.readLine()) != null; ) {
      seen.append(line).append('\n');
      if (line.contains("Ready to accept connections")) {
        Thread drain =
            new Thread(
                () -> {
                  try {
                    while (out.readLine() != null) {
                      // keep the pipe empty
                    }
                  } catch (IOException ignored) {
                    // the server stopped
                  }
                },
                "redis-output");
        drain.setDaemon(true);
        drain.start();
        return;
      }
    }
    throw new IllegalStateException("redis-server exited before it was ready:\n" + seen);
  }

  /**
   * The redis-server for this OS and architecture shipped in an embedded-redis jar (entries named
   * {@code redis-server-VERSION-OS-ARCH}), copied out and made executable; null if there is none.
   */
  private static Path fromFallbackJar(String jar) throws IOException {
    if (jar.isBlank() || !Files.isRegularFile(Path.of(jar))) {
      return null;
    }
    String os = System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT);
    String arch = System.getProperty("os.arch").toLowerCase(java.util.Locale.ROOT);
    String suffix =
        (os.contains("mac") ? "-darwin-" : "-linux-")
            + (arch.contains("aarch64") || arch.contains("arm") ? "arm64" : "amd64");
    try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(jar)) {
      var entry =
          zip.stream()
              .filter(e -> e.getName().startsWith("redis-server-") && e.getName().endsWith(suffix))
              .findFirst();
      if (entry.isEmpty()) {
        return null;
      }
      Path dir = Files.createTempDirectory("taskflux-consumer-redis-bin-");
      Path target = dir.resolve("redis-server");
      try (var in = zip.getInputStream(entry.get())) {
        Files.copy(in, target);
      }
      target.toFile().setExecutable(true);
      target.toFile().deleteOnExit();
      dir.toFile().deleteOnExit();
      System.out.println("consumer test: redis-server from " + jar + " (" + entry.get() + ")");
      return target;
    }
  }

  private static Path locate(String name) {
    if (name.contains(File.separator)) {
      Path p = Path.of(name);
      return Files.isExecutable(p) ? p : null;
    }
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path p = Path.of(dir, name);
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    return null;
  }

  private static boolean mentionsBlocking(Throwable t) {
    for (Throwable e = t; e != null; e = e.getCause()) {
      if (e instanceof BlockingOperationError) {
        return true;
      }
    }
    return false;
  }

  private static String stackOf(LogRecord record) {
    if (record.getThrown() == null) {
      return "";
    }
    StringWriter w = new StringWriter();
    record.getThrown().printStackTrace(new PrintWriter(w));
    return "\n" + w;
  }
}
