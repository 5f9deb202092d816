package io.taskflux.testing.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds the {@code redis-server} executable for the harness.
 *
 * <p>Order: the system property {@code taskflux.redis.server} (a path); the first {@code
 * redis-server} on {@code PATH}; the binary shipped in the {@code org.signal:embedded-redis}
 * artifact (a static Redis 7.0.15 for Linux and macOS on amd64 and arm64, TLS built in), copied to
 * a temporary {@code taskflux-redis-bin-*} directory and made executable. Setting {@code
 * taskflux.redis.embedded=true} skips the {@code PATH} look-up.
 *
 * <p>The servers the harness starts from any of them run in their own {@code taskflux-redis-*} data
 * directory and are stopped by {@link RedisServer#close()} or, at the latest, by the JVM shutdown
 * hook of {@link RedisProcesses}.
 */
public final class RedisBinary {

  /** Where a binary came from; tests print it so a run shows which one it used. */
  public enum Source {
    PROPERTY,
    PATH,
    EMBEDDED
  }

  /** A located executable and where it came from. */
  public record Located(Path path, Source source) {

    /** The executable's version, from {@code redis-server --version} (run once per path). */
    public RedisVersion version() {
      return VERSIONS.computeIfAbsent(path, RedisVersion::of);
    }

    @Override
    public String toString() {
      return path + " (" + source + ")";
    }
  }

  private static final Map<Path, RedisVersion> VERSIONS = new ConcurrentHashMap<>();

  private static volatile Located embedded;

  private static volatile boolean announced;

  /** The version of the binaries in the embedded-redis artifact the build depends on. */
  static final String EMBEDDED_VERSION = "7.0.15";

  private RedisBinary() {}

  /**
   * The binary to use, as the class comment orders it. The first call in a JVM prints it, with its
   * version, to standard output ({@code taskflux-testing: redis-server ...}), so a build log shows
   * which server the tests ran against.
   */
  public static Located locate() {
    Located located = find();
    if (!announced) {
      announce(located);
    }
    return located;
  }

  private static synchronized void announce(Located located) {
    if (!announced) {
      announced = true;
      System.out.println(
          "taskflux-testing: redis-server " + located.version() + " from " + located);
    }
  }

  private static Located find() {
    String explicit = System.getProperty("taskflux.redis.server");
    if (explicit != null && !explicit.isBlank()) {
      return new Located(Path.of(explicit), Source.PROPERTY);
    }
    if (!Boolean.getBoolean("taskflux.redis.embedded")) {
      Path onPath = findOnPath("redis-server");
      if (onPath != null) {
        return new Located(onPath, Source.PATH);
      }
    }
    return embedded();
  }

  /** The binary shipped in the embedded-redis artifact, whatever is on {@code PATH}. */
  public static synchronized Located embedded() {
    if (embedded == null) {
      String resource = embeddedResourceName();
      try (InputStream in = RedisBinary.class.getClassLoader().getResourceAsStream(resource)) {
        if (in == null) {
          throw new IllegalStateException(
              "no redis-server on PATH and the embedded-redis artifact has no " + resource);
        }
        Path dir = Files.createTempDirectory("taskflux-redis-bin-");
        Path target = dir.resolve("redis-server");
        Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
        target.toFile().deleteOnExit();
        dir.toFile().deleteOnExit();
        embedded = new Located(target, Source.EMBEDDED);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot extract the embedded redis-server", e);
      }
    }
    return embedded;
  }

  /** The resource in the embedded-redis jar for this OS and architecture. */
  static String embeddedResourceName() {
    String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
    String cpu;
    if (arch.equals("amd64") || arch.equals("x86_64")) {
      cpu = "amd64";
    } else if (arch.equals("aarch64") || arch.equals("arm64")) {
      cpu = "arm64";
    } else if (os.contains("linux") && arch.matches("x86|i[3-6]86")) {
      cpu = "386";
    } else {
      cpu = null;
    }
    String system = os.contains("linux") ? "linux" : os.contains("mac") ? "darwin" : null;
    if (cpu == null || system == null || (cpu.equals("386") && !system.equals("linux"))) {
      throw new IllegalStateException(
          "no embedded redis-server for "
              + os
              + "/"
              + arch
              + ": put redis-server 7.0+ on PATH or set -Dtaskflux.redis.server=/path/to/it");
    }
    return "redis-server-" + EMBEDDED_VERSION + "-" + system + "-" + cpu;
  }

  private static Path findOnPath(String name) {
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    for (String dir : path.split(java.io.File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, name);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }
}
