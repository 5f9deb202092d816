package io.taskflux.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.test.StepVerifier;

class CloseSignalTest {

  @Test
  void closeCompletesJoinedWaitsAndLaterOnes() {
    CloseSignal signal = new CloseSignal();
    StepVerifier.Step<Void> joined = StepVerifier.create(signal.asMono());
    joined.then(signal::close).expectComplete().verify(Duration.ofSeconds(5));
    StepVerifier.create(signal.asMono()).expectComplete().verify(Duration.ofSeconds(5));
    assertEquals(0, signal.size());
  }

  @Test
  void aCancelledWaitLeavesTheSet() {
    CloseSignal signal = new CloseSignal();
    Disposable a = signal.asMono().subscribe();
    Disposable b = signal.asMono().subscribe();
    assertEquals(2, signal.size());
    a.dispose();
    assertEquals(1, signal.size());
    b.dispose();
    assertEquals(0, signal.size());
  }

  @Test
  void anActionRunsOnCloseOrAtOnceAfterItUnlessDisposed() {
    CloseSignal signal = new CloseSignal();
    AtomicInteger runs = new AtomicInteger();
    Disposable kept = signal.onClose(runs::incrementAndGet);
    Disposable left = signal.onClose(() -> runs.addAndGet(100));
    assertEquals(2, signal.size());
    left.dispose();
    assertEquals(1, signal.size());
    signal.close();
    assertEquals(1, runs.get());
    signal.onClose(runs::incrementAndGet);
    assertEquals(2, runs.get(), "joined after close: told at once");
    kept.dispose();
  }
}
