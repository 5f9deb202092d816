package io.taskflux.trigger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskflux.engine.TaskDefinition;
import io.taskflux.engine.TaskEngine;
import io.taskflux.engine.TaskHandle;
import io.taskflux.spi.MessageState;
import io.taskflux.spi.StoredMessage;
import io.taskflux.task.Message;
import io.taskflux.task.TaskStatus;
import io.taskflux.time.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/** BEHAVIOUR.md 1.5 "TriggerTask", on virtual time: no test here waits for real time. */
class TriggerTaskTest {

  static final Duration WAIT = Duration.ofSeconds(10);
  static final Instant START = Instant.parse("2026-01-01T00:00:35Z");
  static final TaskDefinition<Void, String> TICK =
      TaskDefinition.of("tick", Void.class, String.class);

  final ManualClock clock = ManualClock.startingAt(START);
  final TaskEngine engine = TaskEngine.builder().clock(clock.clock()).build();
  final List<TaskHandle<String>> submitted = new CopyOnWriteArrayList<>();

  @AfterEach
  void close() {
    engine.closeAsync().block(WAIT);
  }

  private TriggerTask<String> recorded(TriggerTask<String> t) {
    t.submissions().subscribe(submitted::add);
    return t;
  }

  private Message stored(String id) {
    StoredMessage m =
        engine.backend().find(io.taskflux.task.MessageRef.of("default", id)).block(WAIT);
    return m == null ? null : m.message();
  }

  @Test
  void aCronTriggerSubmitsOneMessagePerTickWithDeterministicIdsAndTheFirstAsProgenitor() {
    TriggerTask<String> t = recorded(TriggerTask.create(engine, TICK, Trigger.cron("* * * * *")));
    t.start();
    assertTrue(t.isScheduled());
    assertEquals(0, submitted.size());
    clock.advance(Duration.ofSeconds(25)); // 00:01:00
    clock.advance(Duration.ofMinutes(2)); // 00:02:00, 00:03:00
    assertEquals(3, submitted.size());
    Instant first = Instant.parse("2026-01-01T00:01:00Z");
    assertEquals(t.tickId(first), submitted.get(0).id());
    assertEquals("tick@" + first.toEpochMilli(), submitted.get(0).id());
    assertNull(stored(submitted.get(0).id()).progenitorId());
    for (TaskHandle<String> later : submitted.subList(1, 3)) {
      assertEquals(submitted.get(0).id(), stored(later.id()).progenitorId());
      assertEquals(TaskStatus.SUBMITTED, later.status().block(WAIT).status());
    }
  }

  @Test
  void twoSchedulerInstancesNeverSubmitATickTwice() {
    TriggerTask<String> a =
        recorded(TriggerTask.create(engine, TICK, Trigger.interval(Duration.ofSeconds(10))));
    TriggerTask<String> b =
        recorded(TriggerTask.create(engine, TICK, Trigger.interval(Duration.ofSeconds(10))));
    a.start();
    b.start();
    clock.advance(Duration.ofSeconds(60));
    // Ticks at :40, :50, 1:00, 1:10, 1:20, 1:30 — each once, whichever instance got it.
    assertEquals(6, submitted.size());
    assertEquals(6, submitted.stream().map(TaskHandle::id).distinct().count());
    assertEquals(6L, engine.backend().stats("default").block(WAIT).ready());
  }

  @Test
  void aTickAlreadyRunOrFinishedIsNotSubmittedAgainByALateInstance() {
    TriggerTask<String> a =
        recorded(TriggerTask.create(engine, TICK, Trigger.interval(Duration.ofSeconds(10))));
    a.start();
    clock.advance(Duration.ofSeconds(5)); // now :40, its tick fired
    assertEquals(1, submitted.size());
    engine.backend().remove(submitted.get(0).ref()).block(WAIT); // "it ran and finished"
    a.shutdown();
    TriggerTask<String> late =
        recorded(
            TriggerTask.create(engine, TICK, Trigger.at(Instant.parse("2026-01-01T00:00:40Z"))));
    // A date equal to now fires at once; its tick id is the interval's :40 tick, already claimed.
    late.start();
    assertEquals(1, submitted.size());
  }

  @Test
  void pauseSkipsTicksResumeContinuesClearAndShutdownStop() {
    TriggerTask<String> t =
        recorded(TriggerTask.create(engine, TICK, Trigger.interval(Duration.ofSeconds(10))));
    t.start();
    clock.advance(Duration.ofSeconds(10));
    assertEquals(1, submitted.size());
    t.pause();
    assertTrue(t.isPaused());
    clock.advance(Duration.ofSeconds(30));
    assertEquals(1, submitted.size());
    t.resume();
    clock.advance(Duration.ofSeconds(10));
    assertEquals(2, submitted.size());
    t.clear();
    assertFalse(t.isScheduled());
    clock.advance(Duration.ofSeconds(30));
    assertEquals(2, submitted.size());
    assertThrows(TriggerException.class, t::clear);
    t.start();
    assertThrows(TriggerException.class, t::start);
    clock.advance(Duration.ofSeconds(10));
    assertEquals(3, submitted.size());
    t.shutdown();
    clock.advance(Duration.ofSeconds(30));
    assertEquals(3, submitted.size());
    assertThrows(TriggerException.class, t::start);
  }

  @Test
  void aDateTriggerFiresOnce() {
    TriggerTask<String> t =
        recorded(TriggerTask.create(engine, TICK, Trigger.at(START.plus(Duration.ofMinutes(5)))));
    t.start();
    clock.advance(Duration.ofHours(1));
    assertEquals(1, submitted.size());
    assertEquals(
        MessageState.READY, engine.backend().find(submitted.get(0).ref()).block(WAIT).state());
  }

  @Test
  void aTriggerFunctionWithParametersIsAClearError() {
    TaskDefinition<Integer, String> withInput =
        TaskDefinition.of("with-input", Integer.class, String.class);
    TriggerException e =
        assertThrows(
            TriggerException.class,
            () -> TriggerTask.create(engine, withInput, Trigger.cron("* * * * *")));
    assertTrue(e.getMessage().contains("takes no parameters"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Trigger.cron("not cron"));
    assertThrows(IllegalArgumentException.class, () -> Trigger.interval(Duration.ZERO));
  }

  @Test
  void triggeredMessagesRunOnAWorker() {
    engine.register(TICK, ignored -> Mono.just("ran"));
    TriggerTask<String> t =
        recorded(TriggerTask.create(engine, TICK, Trigger.interval(Duration.ofSeconds(10))));
    t.start();
    clock.advance(Duration.ofSeconds(10));
    engine.workers(io.taskflux.engine.WorkerOptions.defaults()).start();
    assertEquals("ran", submitted.get(0).result().block(WAIT));
  }
}
