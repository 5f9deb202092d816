package io.taskflux.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskflux.BackendUnavailableException;
import io.taskflux.caller.Caller;
import io.taskflux.caller.CallerOptions;
import io.taskflux.memory.InMemoryBackend;
import io.taskflux.memory.InMemoryOptions;
import io.taskflux.spi.Backend;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/** Closing (AutoCloseable), backend ownership and the one namespace, on the in-memory backend. */
class EngineLifecycleTest {

  static final Duration WAIT = Duration.ofSeconds(10);
  static final TaskDefinition<Integer, Integer> ECHO =
      TaskDefinition.of("echo", Integer.class, Integer.class);

  private static void assertClosed(Backend backend) {
    StepVerifier.create(backend.stats("default"))
        .expectError(BackendUnavailableException.class)
        .verify(WAIT);
  }

  private static long ready(Backend backend) {
    return backend.stats("default").block(WAIT).ready();
  }

  @Test
  void tryWithResourcesClosesTheEngineAndTheBackendItCreated() {
    Backend created;
    try (TaskEngine engine = TaskEngine.inMemory()) {
      created = engine.backend();
      engine.register(ECHO, Mono::just);
      engine.workers(WorkerOptions.defaults()).start();
      assertEquals(3, engine.submit(ECHO, 3).flatMap(h -> h.result(WAIT)).block(WAIT));
    }
    assertClosed(created);
  }

  @Test
  void anOwnedBackendClosesWithTheEngineABorrowedOneStaysUsable() {
    InMemoryBackend borrowed = InMemoryBackend.create();
    InMemoryBackend owned = InMemoryBackend.create();
    try (TaskEngine a = TaskEngine.builder().backend(borrowed).build();
        TaskEngine b = TaskEngine.builder().ownedBackend(owned).build()) {
      a.submit(ECHO, 1).block(WAIT);
      b.submit(ECHO, 2).block(WAIT);
    }
    assertEquals(1, ready(borrowed)); // still open, its message still there
    assertClosed(owned);
    try (Backend b = borrowed) {
      assertEquals(1, ready(b));
    }
    assertClosed(borrowed); // a backend is AutoCloseable too
  }

  @Test
  void closeOnANonBlockingThreadFailsClearlyAndClosesNothing() {
    TaskEngine engine = TaskEngine.inMemory();
    Throwable error =
        Mono.fromRunnable(engine::close)
            .subscribeOn(Schedulers.parallel())
            .then(Mono.<Throwable>empty())
            .onErrorResume(Mono::just)
            .block(WAIT);
    IllegalStateException e = assertInstanceOf(IllegalStateException.class, error);
    assertTrue(e.getMessage().contains("closeAsync()"), e.getMessage());
    assertEquals(
        1,
        engine.submit(ECHO, 1).then(Mono.fromCallable(() -> ready(engine.backend()))).block(WAIT));
    engine.close();
    engine.close(); // idempotent
    assertClosed(engine.backend());
  }

  @Test
  void closeAsyncDoesNothingUntilSubscribed() {
    TaskEngine engine = TaskEngine.inMemory();
    Mono<Void> closing = engine.closeAsync();
    assertEquals(0, ready(engine.backend()));
    closing.block(WAIT);
    assertClosed(engine.backend());
  }

  @Test
  void aCallerIsAutoCloseable() {
    Caller stopped;
    try (Caller caller = Caller.create(CallerOptions.named("lifecycle"))) {
      stopped = caller;
      assertEquals(42, caller.toThread(() -> 42).asMono().block(WAIT));
    }
    assertTrue(stopped.isStopped());
    Caller other = Caller.create(CallerOptions.named("lifecycle-async"));
    other.toThread(() -> 1).asMono().block(WAIT);
    other.closeAsync().block(WAIT); // completes once its worker thread has returned
    assertTrue(other.isStopped());
  }

  @Test
  void theEnginesNamespaceIsItsBackendsAndANamespaceSetOnTheEngineIsolates() {
    InMemoryBackend shared = InMemoryBackend.create();
    try (TaskEngine plain = TaskEngine.builder().backend(shared).build();
        TaskEngine a = TaskEngine.builder().backend(shared).namespace("a").build();
        TaskEngine alsoA = TaskEngine.builder().backend(shared).namespace("a").build();
        TaskEngine b = TaskEngine.builder().backend(shared).namespace("b").build()) {
      assertEquals("taskflux", plain.namespace());
      assertSame(shared, plain.backend());
      assertEquals("a", a.namespace());
      assertEquals("a", a.backend().namespace());
      a.submit(ECHO, 1).block(WAIT);
      assertEquals(1, ready(alsoA.backend())); // one namespace, one store
      assertEquals(0, ready(b.backend()));
      assertEquals(0, ready(plain.backend()));
    }
    // Views close with the backend they came from.
    Backend view = shared.withNamespace("a");
    shared.close();
    assertClosed(view);
  }

  @Test
  void aBackendsOwnNamespaceIsTheDefault() {
    InMemoryBackend shop = InMemoryBackend.create(InMemoryOptions.defaults().withNamespace("shop"));
    try (TaskEngine engine = TaskEngine.builder().ownedBackend(shop).build()) {
      assertEquals("shop", engine.namespace());
      assertSame(shop, engine.backend());
      assertSame(shop, shop.withNamespace("shop"));
    }
    assertClosed(shop);
    assertThrows(IllegalArgumentException.class, () -> TaskEngine.builder().namespace(" "));
  }
}
