package io.taskflux.testing.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;

/**
 * Finds the {@code redis-server} executable for the harness.
 *
 * <p>Order: the system property {@code taskflux.redis.server} (a path); the first {@code
 * redis-server} on {@code PATH}; the binary shipped in the {@code
 * com.github.codemonstur:embedded-redis} artifact, copied to a temporary file and made executable.
 * Setting {@code taskflux.redis.embedded=true} skips the {@code PATH} look-up.
 */
public final class RedisBinary {

  /** Where a binary came from; tests print it so a run shows which one it used. */
  public enum Source {
    PROPERTY,
    PATH,
    EMBEDDED
  }

  /** A located executable and where it came from. */
  public record Located(Path path, Source source) {}

  private static volatile Located embedded;

  private RedisBinary() {}

  /** The binary to use, as the class comment orders it. */
  public static Located locate() {
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

  private static String embeddedResourceName() {
    String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
    boolean arm = arch.contains("aarch64") || arch.contains("arm");
    if (os.contains("linux")) {
      return arm ? "redis-server-6.2.7-linux-arm64" : "redis-server-6.2.6-v5-linux-amd64";
    }
    if (os.contains("mac")) {
      return arm ? "redis-server-6.2.6-v5-darwin-arm64" : "redis-server-6.2.6-v5-darwin-amd64";
    }
    throw new IllegalStateException("no embedded redis-server for " + os + "/" + arch);
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
