package io.taskflux.testing.redis;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One {@code redis-server} process on a free loopback port, with its own data directory (named
 * {@code taskflux-redis-*}, which also marks the process's command line).
 *
 * <p>{@link #kill()} sends SIGKILL; {@link #restart()} starts it again on the same port and data
 * directory, so with AOF and {@code appendfsync always} every write acknowledged before the kill is
 * back (with {@code everysec} a write may be acknowledged up to ~2 s before it reaches the AOF
 * file, while an earlier fsync is slow). {@link #pause()} and {@link #resume()} send SIGSTOP and
 * SIGCONT. {@link #close()} stops it for good. Not thread-safe: one test drives it.
 */
public final class RedisServer implements AutoCloseable {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

  private final RedisServerOptions options;
  private final RedisBinary.Located binary;
  private final Path dir;
  private final int port;
  private final TlsMaterial tls;
  private Process process;

  private RedisServer(RedisServerOptions options, int port) throws IOException {
    this.options = options;
    this.binary = options.binary() != null ? options.binary() : RedisBinary.locate();
    this.dir = createDataDir();
    this.port = port;
    this.tls = options.tls() ? TlsMaterial.generate(dir.resolve("tls"), "taskflux-" + port) : null;
  }

  /**
   * A new {@code taskflux-redis-*} directory in the JVM's temporary directory, or in {@code
   * $TASKFLUX_REDIS_TMPDIR} when that is set (created if missing): {@code .ci/run} sets it so that
   * its leftover check finds only the servers of its own build, not those of another build running
   * on the same machine. An environment variable, as the forked test JVMs inherit it.
   */
  private static Path createDataDir() throws IOException {
    String base = System.getenv("TASKFLUX_REDIS_TMPDIR");
    if (base == null || base.isBlank()) {
      return Files.createTempDirectory("taskflux-redis-");
    }
    return Files.createTempDirectory(Files.createDirectories(Path.of(base)), "taskflux-redis-");
  }

  /** Starts a server with the default options. */
  public static RedisServer start() {
    return start(RedisServerOptions.defaults());
  }

  /** Starts a server and returns once it accepts connections. */
  public static RedisServer start(RedisServerOptions options) {
    return start(options, freePort(options.cluster()));
  }

  static RedisServer start(RedisServerOptions options, int port) {
    try {
      RedisServer server = new RedisServer(options, port);
      server.launch();
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start redis-server", e);
    }
  }

  /** The port it listens on (TLS-only when started with TLS). */
  public int port() {
    return port;
  }

  /** {@code redis://127.0.0.1:port}, or {@code rediss://localhost:port} with TLS. */
  public String uri() {
    return options.tls() ? "rediss://localhost:" + port : "redis://127.0.0.1:" + port;
  }

  /** The certificates when started with TLS, else {@code null}. */
  public TlsMaterial tls() {
    return tls;
  }

  /** The data directory (AOF files, {@code redis.conf}, {@code redis.log}). */
  public Path dataDir() {
    return dir;
  }

  /** Which executable this server runs. */
  public RedisBinary.Located binary() {
    return binary;
  }

  /** The version of the executable this server runs. */
  public RedisVersion version() {
    return binary.version();
  }

  /** The OS process id, or -1 when not running. */
  public long pid() {
    return process != null && process.isAlive() ? process.pid() : -1;
  }

  /** Whether the process is alive. */
  public boolean isRunning() {
    return process != null && process.isAlive();
  }

  /** SIGKILL: no shutdown, no final fsync. Returns once the process is gone. */
  public void kill() {
    if (process != null) {
      process.destroyForcibly();
      awaitExit(process);
      RedisProcesses.forget(process);
    }
  }

  /** Starts the server again on the same port and data directory. */
  public void restart() {
    if (isRunning()) {
      throw new IllegalStateException("server on port " + port + " is still running");
    }
    try {
      launch();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot restart redis-server on port " + port, e);
    }
  }

  /** SIGSTOP: the process freezes; connections stay open but nothing is answered. */
  public void pause() {
    signal("STOP");
  }

  /** SIGCONT after {@link #pause()}. */
  public void resume() {
    signal("CONT");
  }

  /** Opens a harness connection (plain TCP only), authenticated when a password is set. */
  public Resp connect() throws IOException {
    if (options.tls()) {
      throw new IllegalStateException("the harness client speaks plain TCP only");
    }
    Resp resp = Resp.connect(port, 2_000);
    if (options.password() != null) {
      resp.call("AUTH", options.password());
    }
    return resp;
  }

  /** Stops the server for good (SIGKILL: the data directory is throw-away) and deletes its data. */
  @Override
  public void close() {
    kill();
    process = null;
    deleteRecursively(dir);
  }

  private static void deleteRecursively(Path root) {
    try (java.util.stream.Stream<Path> walk = Files.walk(root)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // A temp directory left behind is harmless; the test result does not depend on it.
    }
  }

  private void launch() throws IOException {
    Path conf = writeConfig();
    ProcessBuilder pb =
        new ProcessBuilder(binary.path().toString(), conf.toString()).redirectErrorStream(true);
    Process p = pb.start();
    RedisProcesses.register(p);
    process = p;
    CompletableFuture<Void> ready = new CompletableFuture<>();
    Path log = dir.resolve("redis.log");
    Thread reader = new Thread(() -> pump(p, log, ready), "taskflux-redis-log-" + port);
    reader.setDaemon(true);
    reader.start();
    try {
      ready.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      p.destroyForcibly();
      RedisProcesses.forget(p);
      throw new IOException(
          "redis-server (" + binary.path() + ") did not start on port " + port + ": " + tail(log),
          e.getCause() != null ? e.getCause() : e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new IOException("interrupted while starting redis-server", e);
    }
  }

  /** Copies the server's output to redis.log and completes {@code ready} on its ready line. */
  private static void pump(Process p, Path log, CompletableFuture<Void> ready) {
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        Files.writeString(log, line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        if (line.contains("Ready to accept connections")) {
          ready.complete(null);
        }
      }
    } catch (IOException e) {
      ready.completeExceptionally(e);
    }
    ready.completeExceptionally(new IOException("redis-server exited before it was ready"));
  }

  private Path writeConfig() throws IOException {
    List<String> lines = new ArrayList<>();
    lines.add("bind 127.0.0.1");
    lines.add("dir " + dir);
    lines.add("save \"\"");
    lines.add("daemonize no");
    lines.add("logfile \"\"");
    lines.add("appendonly " + (options.appendOnly() ? "yes" : "no"));
    lines.add("appendfsync " + options.appendFsync());
    if (options.tls()) {
      lines.add("port 0");
      lines.add("tls-port " + port);
      lines.add("tls-cert-file " + tls.serverCert());
      lines.add("tls-key-file " + tls.serverKey());
      lines.add("tls-ca-cert-file " + tls.caCert());
      lines.add("tls-auth-clients no");
    } else {
      lines.add("port " + port);
    }
    if (options.password() != null) {
      lines.add("requirepass " + options.password());
    }
    for (String rule : options.aclRules()) {
      lines.add("user " + rule);
    }
    if (options.cluster()) {
      lines.add("cluster-enabled yes");
      lines.add("cluster-config-file nodes.conf");
      lines.add("cluster-node-timeout 5000");
    }
    Path conf = dir.resolve("redis.conf");
    Files.write(conf, lines, StandardCharsets.UTF_8);
    return conf;
  }

  private void signal(String sig) {
    if (!isRunning()) {
      throw new IllegalStateException("server on port " + port + " is not running");
    }
    try {
      Process k = new ProcessBuilder("kill", "-" + sig, Long.toString(process.pid())).start();
      if (k.waitFor() != 0) {
        throw new IllegalStateException("kill -" + sig + " failed for pid " + process.pid());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static void awaitExit(Process p) {
    try {
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("redis-server pid " + p.pid() + " did not exit");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 10), lines.size()));
    } catch (IOException e) {
      return "(no log)";
    }
  }

  /** A free loopback port; for cluster nodes the bus port (port + 10000) is free too. */
  static int freePort(boolean withBusPort) {
    java.net.InetAddress loopback = java.net.InetAddress.getLoopbackAddress();
    if (!withBusPort) {
      try (ServerSocket s = new ServerSocket(0, 1, loopback)) {
        return s.getLocalPort();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    java.util.Random random = new java.util.Random();
    for (int attempt = 0; attempt < 200; attempt++) {
      // Below the usual ephemeral range, so that port + 10000 is a valid port too.
      int p = 20_000 + random.nextInt(10_000);
      try (ServerSocket s = new ServerSocket(p, 1, loopback);
          ServerSocket bus = new ServerSocket(p + 10_000, 1, loopback)) {
        return p;
      } catch (IOException taken) {
        // try another
      }
    }
    throw new IllegalStateException("no free port pair found");
  }
}
