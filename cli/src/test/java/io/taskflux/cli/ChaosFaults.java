package io.taskflux.cli;

import io.taskflux.testing.redis.RedisServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The faults of {@link ChaosIT}, injected from a thread of their own until stopped: a random worker
 * SIGKILLed (and restarted) every 3 to 6 s, and at fixed fractions of the submission period Redis
 * SIGKILLed and restarted (20 % and 70 %) and SIGSTOPped for longer than the client's 10 s command
 * timeout (45 %). Each Redis fault is recorded as a window of time that ends a few seconds after
 * Redis is back, the time the leases it broke need to expire and be reclaimed.
 */
final class ChaosFaults {

  /** How long Redis stays stopped: past the backend's 10 s command timeout. */
  static final long PAUSE_MS = 12_000;

  /** How long after Redis is back a lease it broke may still be taken back. */
  static final long AFTERMATH_MICROS = TimeUnit.SECONDS.toMicros(5);

  private final RedisServer redis;
  private final ChaosWorkers workers;
  private final long periodMs;
  private final long seed = System.nanoTime();
  private final Random random = new Random(seed);
  private final List<ChaosLedger.Window> windows = new ArrayList<>();
  private final CountDownLatch redisDone = new CountDownLatch(3);
  private volatile boolean stopped;
  private volatile Throwable failure;
  private int redisKills;
  private int pauses;
  private Thread thread;

  ChaosFaults(RedisServer redis, ChaosWorkers workers, int seconds) {
    this.redis = redis;
    this.workers = workers;
    this.periodMs = TimeUnit.SECONDS.toMillis(seconds);
  }

  void start() {
    System.out.println("chaos faults: random seed " + seed);
    thread = new Thread(this::run, "chaos-faults");
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    long t0 = System.currentTimeMillis();
    long[] redisAt = {t0 + periodMs / 5, t0 + periodMs * 45 / 100, t0 + periodMs * 70 / 100};
    int nextRedis = 0;
    long nextKill = t0 + 3_000 + random.nextInt(3_000);
    try {
      while (!stopped) {
        long now = System.currentTimeMillis();
        if (nextRedis < redisAt.length && now >= redisAt[nextRedis]) {
          long from = ChaosIT.micros();
          if (nextRedis == 1) {
            log("Redis SIGSTOP for " + PAUSE_MS + " ms");
            redis.pause();
            Thread.sleep(PAUSE_MS);
            redis.resume();
            pauses++;
          } else {
            log("Redis SIGKILL");
            redis.kill();
            Thread.sleep(1_000);
            redis.restart();
            redisKills++;
          }
          log("Redis back");
          synchronized (windows) {
            windows.add(new ChaosLedger.Window(from, ChaosIT.micros() + AFTERMATH_MICROS));
          }
          nextRedis++;
          redisDone.countDown();
          if (nextRedis < redisAt.length) {
            // Leave Redis up a while between two faults, however short the period.
            redisAt[nextRedis] = Math.max(redisAt[nextRedis], System.currentTimeMillis() + 8_000);
          }
        } else if (now >= nextKill) {
          int slot = random.nextInt(workers.size());
          long pid = workers.killAndRestart(slot);
          log("worker " + slot + " (pid " + pid + ") SIGKILLed and restarted");
          nextKill = System.currentTimeMillis() + 3_000 + random.nextInt(3_000);
        } else {
          Thread.sleep(100);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Throwable e) {
      failure = e;
      e.printStackTrace();
    } finally {
      while (redisDone.getCount() > 0 && failure != null) {
        redisDone.countDown();
      }
    }
  }

  private static void log(String what) {
    System.out.printf("chaos %tT.%<tL %s%n", System.currentTimeMillis(), what);
  }

  /** Waits until the three Redis faults have happened (or the fault thread failed). */
  void awaitRedisFaults() throws InterruptedException {
    if (!redisDone.await(5, TimeUnit.MINUTES) || failure != null) {
      throw new AssertionError("the Redis faults did not all happen", failure);
    }
  }

  void stop() throws InterruptedException {
    stopped = true;
    if (thread != null) {
      thread.join(30_000);
    }
  }

  int redisKills() {
    return redisKills;
  }

  int pauses() {
    return pauses;
  }

  List<ChaosLedger.Window> redisWindows() {
    synchronized (windows) {
      return List.copyOf(windows);
    }
  }
}
