package io.taskflux.cli;

import io.taskflux.task.Message;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import tools.jackson.databind.JsonNode;

/**
 * How a child of {@code worker process-pool} tells its supervisor what it runs: one line per
 * attempt start and end on the child's standard output, {@value #PREFIX} followed by a JSON object:
 *
 * <pre>
 * &#64;taskflux-pool {"event":"start","seq":7,"task":"slow","id":"math/abc","timeoutMs":1000}
 * &#64;taskflux-pool {"event":"end","seq":7}
 * </pre>
 *
 * {@code seq} numbers the attempts of one child; {@code timeoutMs} is the message's timeout. The
 * supervisor keeps the started-but-not-ended attempts of each child: their count is the child's
 * load (busy when it reaches the child's thread count) and {@code start + timeout + --kill-after}
 * is the deadline past which it kills the child. "end" is written when the work has really stopped:
 * when a blocking function's thread returns (so a task that ignores its interrupt stays running
 * here), when a reactive task's {@code Mono} terminates or is cancelled. Other lines of the child's
 * output are not part of the channel; the supervisor forwards them.
 */
final class PoolChannel {

  /** The prefix of a channel line. */
  static final String PREFIX = "@taskflux-pool ";

  private PoolChannel() {}

  /** An attempt a child started, as the supervisor reads it. */
  record Event(boolean start, long seq, String task, String id, Duration timeout) {}

  /** The event on {@code line}, or null when the line is not a channel line (or is malformed). */
  static Event parse(String line) {
    if (!line.startsWith(PREFIX)) {
      return null;
    }
    try {
      JsonNode n = Cli.JSON.readTree(line.substring(PREFIX.length()));
      boolean start = "start".equals(n.path("event").asString(""));
      long seq = n.path("seq").asLong(-1);
      if (seq < 0 || (!start && !"end".equals(n.path("event").asString("")))) {
        return null;
      }
      return new Event(
          start,
          seq,
          n.path("task").asString(""),
          n.path("id").asString(""),
          Duration.ofMillis(n.path("timeoutMs").asLong(0)));
    } catch (RuntimeException e) {
      return null;
    }
  }

  /**
   * The child's side. {@link #started} and {@link #ended} are called by task wrappers on any thread
   * (Reactor non-blocking ones included), so they only queue the line; one daemon thread of its own
   * writes the lines, in order.
   */
  static final class Reporter implements TaskRegistry.AttemptListener {
    private final PrintWriter out;
    private final ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();
    private final AtomicLong seq = new AtomicLong();
    private final Thread writer;
    private volatile boolean closed;

    Reporter(PrintWriter out) {
      this.out = out;
      this.writer = new Thread(this::write, "taskflux-pool-channel");
      writer.setDaemon(true);
      writer.start();
    }

    @Override
    public long started(Message message) {
      long s = seq.incrementAndGet();
      Map<String, Object> m = Cli.ordered();
      m.put("event", "start");
      m.put("seq", s);
      m.put("task", message.task());
      m.put("id", message.ref().toString());
      m.put("timeoutMs", message.timeout().toMillis());
      offer(PREFIX + Cli.json(m));
      return s;
    }

    @Override
    public void ended(long attempt) {
      offer(PREFIX + "{\"event\":\"end\",\"seq\":" + attempt + "}");
    }

    private void offer(String line) {
      lines.add(line);
      LockSupport.unpark(writer);
    }

    private void write() {
      while (true) {
        boolean wrote = false;
        for (String l = lines.poll(); l != null; l = lines.poll()) {
          out.println(l);
          wrote = true;
        }
        if (wrote) {
          out.flush();
        }
        if (closed && lines.isEmpty()) {
          return;
        }
        LockSupport.parkNanos(this, 100_000_000L);
      }
    }

    /** Writes what is queued, then stops the writer (waits at most a second). */
    void close() throws InterruptedException {
      closed = true;
      LockSupport.unpark(writer);
      writer.join(1000);
    }
  }
}
