package io.taskflux.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskflux.engine.TaskEngine;
import io.taskflux.engine.WorkerOptions;
import io.taskflux.worker.Worker;
import java.io.PrintWriter;
import java.io.Writer;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The supervisor channel: what a supervised child writes for each attempt, and its parsing. */
class PoolChannelTest {

  @Test
  void onlyWellFormedChannelLinesParse() {
    assertNull(PoolChannel.parse("worker x started"));
    assertNull(PoolChannel.parse(PoolChannel.PREFIX + "{not json"));
    assertNull(PoolChannel.parse(PoolChannel.PREFIX + "{\"event\":\"other\",\"seq\":1}"));
    assertNull(PoolChannel.parse(PoolChannel.PREFIX + "{\"event\":\"end\"}"));
    PoolChannel.Event start =
        PoolChannel.parse(
            PoolChannel.PREFIX
                + "{\"event\":\"start\",\"seq\":7,\"task\":\"slow\",\"id\":\"math/a\","
                + "\"timeoutMs\":1500}");
    assertEquals(new PoolChannel.Event(true, 7, "slow", "math/a", Duration.ofMillis(1500)), start);
    assertEquals(
        new PoolChannel.Event(false, 7, "", "", Duration.ZERO),
        PoolChannel.parse(PoolChannel.PREFIX + "{\"event\":\"end\",\"seq\":7}"));
  }

  @Test
  void aSupervisedChildReportsTheStartAndEndOfEveryAttempt() throws Exception {
    ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();
    CountDownLatch four = new CountDownLatch(4);
    StringBuilder partial = new StringBuilder();
    Writer sink =
        new Writer() {
          @Override
          public synchronized void write(char[] buf, int off, int len) {
            for (int i = off; i < off + len; i++) {
              if (buf[i] == '\n') {
                lines.add(partial.toString().strip());
                partial.setLength(0);
                four.countDown();
              } else {
                partial.append(buf[i]);
              }
            }
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    TaskRegistry registry = new TaskRegistry();
    new FakeTasks.Math().register(registry);
    TaskEngine engine = TaskEngine.inMemory();
    PoolChannel.Reporter reporter = new PoolChannel.Reporter(new PrintWriter(sink));
    try {
      registry.applyTo(engine, reporter);
      Worker worker = engine.workers(WorkerOptions.queues("math").concurrency(2)).start();
      assertEquals(
          9,
          engine
              .submit(FakeTasks.SQUARE, 3)
              .flatMap(h -> h.result())
              .block(Duration.ofSeconds(10)));
      assertEquals(
          "slept",
          engine
              .submit(FakeTasks.SLOW, 10L)
              .flatMap(h -> h.result())
              .block(Duration.ofSeconds(10)));
      assertTrue(four.await(10, TimeUnit.SECONDS), "4 channel lines: " + lines);
      worker.stop().block(Duration.ofSeconds(10));
    } finally {
      reporter.close();
      engine.closeAsync().block(Duration.ofSeconds(10));
    }
    List<PoolChannel.Event> events = lines.stream().map(PoolChannel::parse).toList();
    assertTrue(events.stream().allMatch(e -> e != null), "all channel lines: " + lines);
    List<PoolChannel.Event> starts = events.stream().filter(PoolChannel.Event::start).toList();
    assertEquals(
        Set.of("square", "slow"),
        starts.stream().map(PoolChannel.Event::task).collect(Collectors.toSet()));
    assertTrue(starts.stream().allMatch(e -> e.id().startsWith("math/")), starts.toString());
    assertTrue(
        starts.stream().allMatch(e -> e.timeout().equals(Duration.ofHours(1))), starts.toString());
    assertEquals(
        starts.stream().map(PoolChannel.Event::seq).collect(Collectors.toSet()),
        events.stream()
            .filter(e -> !e.start())
            .map(PoolChannel.Event::seq)
            .collect(Collectors.toSet()));
  }
}
