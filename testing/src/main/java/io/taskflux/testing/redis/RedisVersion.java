package io.taskflux.testing.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The version of a {@code redis-server} executable, read from {@code redis-server --version}
 * without starting a server, so a test can be skipped before a configuration the binary would
 * refuse (an ACL rule naming a 7.0 command) is ever written.
 */
public record RedisVersion(int major, int minor, int patch) implements Comparable<RedisVersion> {

  private static final Pattern VERSION = Pattern.compile("\\bv=(\\d+)\\.(\\d+)\\.(\\d+)");

  /** Whether this is {@code major.minor} or later. */
  public boolean atLeast(int major, int minor) {
    return compareTo(new RedisVersion(major, minor, 0)) >= 0;
  }

  @Override
  public int compareTo(RedisVersion o) {
    if (major != o.major) {
      return Integer.compare(major, o.major);
    }
    if (minor != o.minor) {
      return Integer.compare(minor, o.minor);
    }
    return Integer.compare(patch, o.patch);
  }

  @Override
  public String toString() {
    return major + "." + minor + "." + patch;
  }

  /**
   * Parses the output of {@code redis-server --version} ({@code "Redis server v=7.0.15 sha=..."}).
   *
   * @throws IllegalArgumentException when the text has no {@code v=X.Y.Z}
   */
  public static RedisVersion parse(String versionOutput) {
    Matcher m = VERSION.matcher(versionOutput);
    if (!m.find()) {
      throw new IllegalArgumentException("no redis-server version in: " + versionOutput.strip());
    }
    return new RedisVersion(
        Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
  }

  /** Runs {@code executable --version} (blocking, a few milliseconds) and parses its output. */
  static RedisVersion of(Path executable) {
    try {
      Process p =
          new ProcessBuilder(executable.toString(), "--version").redirectErrorStream(true).start();
      String out;
      try (InputStream in = p.getInputStream()) {
        out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(executable + " --version did not exit");
      }
      return parse(out);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + executable + " --version", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading the redis-server version", e);
    }
  }
}
