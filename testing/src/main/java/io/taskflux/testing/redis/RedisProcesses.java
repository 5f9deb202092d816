package io.taskflux.testing.redis;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every {@code redis-server} process the harness started and has not yet stopped. A JVM shutdown
 * hook kills whatever is left, so a failing or interrupted test run leaves no server behind.
 */
public final class RedisProcesses {

  private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(new Thread(RedisProcesses::killAll, "taskflux-redis-reaper"));
  }

  private RedisProcesses() {}

  static void register(Process process) {
    LIVE.add(process);
  }

  static void forget(Process process) {
    LIVE.remove(process);
  }

  /** How many started processes are still alive (a test of the harness reads it). */
  public static long liveCount() {
    return LIVE.stream().filter(Process::isAlive).count();
  }

  static void killAll() {
    for (Process p : LIVE) {
      p.destroyForcibly();
    }
    LIVE.clear();
  }
}
