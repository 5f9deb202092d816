package io.taskflux.benchmarks;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.IntegerOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What {@link MemoryBounds} asks of Redis: a private server, INFO fields, memory of keys. */
final class RedisProbe {

  private RedisProbe() {}

  /**
   * Up to {@code max} keys matching {@code pattern} (found with SCAN: the key layout may change).
   */
  static List<String> someKeys(RedisCommands<String, String> admin, String pattern, int max) {
    List<String> out = new ArrayList<>();
    ScanCursor cursor = ScanCursor.INITIAL;
    do {
      KeyScanCursor<String> page =
          admin.scan(cursor, ScanArgs.Builder.matches(pattern).limit(10_000));
      for (String k : page.getKeys()) {
        if (out.size() < max) {
          out.add(k);
        }
      }
      cursor = page;
    } while (out.size() < max && !cursor.isFinished());
    return out;
  }

  /** The mean {@code MEMORY USAGE} (an estimate by Redis) of up to 100 keys matching. */
  static Long memoryUsageOfOne(RedisCommands<String, String> admin, String pattern) {
    List<String> keys = someKeys(admin, pattern, 100);
    if (keys.isEmpty()) {
      return null;
    }
    long sum = 0;
    for (String k : keys) {
      sum += admin.memoryUsage(k);
    }
    return Math.round(sum / (double) keys.size());
  }

  /** {@code MEMORY USAGE key SAMPLES 0}: every member of an aggregate counted, not 5 sampled. */
  static long memoryUsageOfAll(RedisCommands<String, String> admin, String key) {
    return admin.dispatch(
        CommandType.MEMORY,
        new IntegerOutput<>(StringCodec.UTF8),
        new CommandArgs<>(StringCodec.UTF8).add("USAGE").addKey(key).add("SAMPLES").add(0));
  }

  static long usedMemory(RedisCommands<String, String> admin) {
    return Long.parseLong(info(admin, "memory").get("used_memory"));
  }

  static Map<String, String> info(RedisCommands<String, String> admin, String section) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String line : admin.info(section).split("\r?\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && !line.startsWith("#")) {
        out.put(line.substring(0, colon), line.substring(colon + 1).trim());
      }
    }
    return out;
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  static Process startRedis(int port) throws IOException {
    return new ProcessBuilder(
            "redis-server",
            "--port",
            Integer.toString(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no")
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
  }

  static RedisCommands<String, String> connect(RedisClient client) throws InterruptedException {
    for (int i = 0; ; i++) {
      try {
        RedisCommands<String, String> admin = client.connect().sync();
        admin.ping();
        return admin;
      } catch (RuntimeException e) {
        if (i > 100) {
          throw e;
        }
        Thread.sleep(50);
      }
    }
  }
}
