package io.taskflux.result;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskflux.NotFoundException;
import io.taskflux.broker.InMemoryServiceTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * BEHAVIOUR.md §2 (AgentScope's AsyncResultPool) with DESIGN decisions 1 and 5. The contract tests
 * run against both the local pool and the backend pool; the bounds tests only against the local.
 */
class AsyncResultPoolTest extends InMemoryServiceTest {

  private AsyncResultPool pool(String type) {
    return AsyncResultPool.pools(
        type,
        AsyncResultPoolOptions.defaults()
            .withClock(time.clock())
            .withBackend(backend)
            .withName("t"));
  }

  private AsyncResultPool local(int maxLen, Duration maxExpire) {
    return AsyncResultPool.pools(
        "local",
        AsyncResultPoolOptions.defaults()
            .withClock(time.clock())
            .withMaxLen(maxLen)
            .withMaxExpire(maxExpire));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String string(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  @ParameterizedTest
  @ValueSource(strings = {"local", "backend"})
  void prepareHandsOutKeysFromOne(String type) {
    AsyncResultPool pool = pool(type);
    StepVerifier.create(Flux.concat(pool.prepare(), pool.prepare(), pool.prepare()))
        .expectNext(1L, 2L, 3L)
        .verifyComplete();
  }

  @ParameterizedTest
  @ValueSource(strings = {"local", "backend"})
  void aValueIsReadByEveryReaderAndNotConsumed(String type) {
    AsyncResultPool pool = pool(type);
    long key = pool.prepare().block(SOON);
    pool.set(key, bytes("v")).block(SOON);
    for (int i = 0; i < 3; i++) {
      StepVerifier.create(pool.get(key, Duration.ZERO).map(AsyncResultPoolTest::string))
          .expectNext("v")
          .verifyComplete();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"local", "backend"})
  void aReaderWaitsForTheSet(String type) {
    AsyncResultPool pool = pool(type);
    long key = pool.prepare().block(SOON);
    StepVerifier.create(pool.get(key, Duration.ofSeconds(5)).map(AsyncResultPoolTest::string))
        .then(() -> advance(Duration.ofSeconds(2)))
        .expectNoEvent(Duration.ofMillis(20))
        .then(() -> pool.set(key, bytes("late")).block(SOON))
        .expectNext("late")
        .verifyComplete();
  }

  @ParameterizedTest
  @ValueSource(strings = {"local", "backend"})
  void aSlowValueTimesOut(String type) {
    AsyncResultPool pool = pool(type);
    long key = pool.prepare().block(SOON);
    StepVerifier.create(pool.get(key, Duration.ofSeconds(5)))
        .then(() -> advance(Duration.ofSeconds(5)))
        .expectErrorSatisfies(
            e -> {
              assertTrue(e instanceof TimeoutException, e.toString());
              assertTrue(
                  e.getMessage().startsWith("Waiting timeout for async result of task[" + key),
                  e.getMessage());
            })
        .verify(SOON);
  }

  @ParameterizedTest
  @ValueSource(strings = {"local", "backend"})
  void aKeyNeverPreparedTimesOutTooAndZeroIsNotFoundAtOnce(String type) {
    AsyncResultPool pool = pool(type);
    // Decision 1: the seed's LocalPool returned None at once here; both pools now time out.
    StepVerifier.create(pool.get(42, Duration.ofSeconds(3)))
        .then(() -> advance(Duration.ofSeconds(3)))
        .expectError(TimeoutException.class)
        .verify(SOON);
    StepVerifier.create(pool.get(42, Duration.ZERO))
        .expectError(NotFoundException.class)
        .verify(SOON);
    long key = pool.prepare().block(SOON);
    StepVerifier.create(pool.get(key, Duration.ZERO))
        .expectError(NotFoundException.class)
        .verify(SOON);
  }

  @ParameterizedTest
  @ValueSource(strings = {"local", "backend"})
  void aKeyIsSetOnceAndKeepsTheFirstValue(String type) {
    AsyncResultPool pool = pool(type);
    long key = pool.prepare().block(SOON);
    pool.set(key, bytes("first")).block(SOON);
    StepVerifier.create(pool.set(key, bytes("second")))
        .expectError(ResultAlreadyExistsException.class)
        .verify(SOON);
    StepVerifier.create(pool.get(key, Duration.ZERO).map(AsyncResultPoolTest::string))
        .expectNext("first")
        .verifyComplete();
  }

  @ParameterizedTest
  @ValueSource(strings = {"local", "backend"})
  void readersGetTheirOwnCopy(String type) {
    AsyncResultPool pool = pool(type);
    long key = pool.prepare().block(SOON);
    byte[] value = bytes("abc");
    pool.set(key, value).block(SOON);
    value[0] = 'X';
    byte[] read = pool.get(key, Duration.ZERO).block(SOON);
    read[1] = 'Y';
    assertArrayEquals(bytes("abc"), pool.get(key, Duration.ZERO).block(SOON));
  }

  @ParameterizedTest
  @ValueSource(strings = {"local", "backend"})
  void tenConcurrentTriplesEachGetTheirOwnValue(String type) {
    // The upstream test: 10 prepare/get/set triples, each set 2 s later; all collected by 2.5 s.
    AsyncResultPool pool = pool(type);
    List<Mono<String>> gets = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      long key = pool.prepare().block(SOON);
      gets.add(pool.get(key, Duration.ofSeconds(5)).map(AsyncResultPoolTest::string));
      String value = "value-" + key;
      io.taskflux.time.Timers.after(time.clock(), Duration.ofSeconds(2))
          .flatMap(t -> pool.set(key, bytes(value)))
          .subscribe();
    }
    StepVerifier.create(Flux.mergeSequential(gets).collectList())
        .then(() -> advance(Duration.ofMillis(1999)))
        .expectNoEvent(Duration.ofMillis(20))
        .then(() -> advance(Duration.ofMillis(1)))
        .assertNext(
            values ->
                assertEquals(
                    List.of(
                        "value-1",
                        "value-2",
                        "value-3",
                        "value-4",
                        "value-5",
                        "value-6",
                        "value-7",
                        "value-8",
                        "value-9",
                        "value-10"),
                    values))
        .verifyComplete();
  }

  @Test
  void localSetOnAKeyNeverPreparedIsNotFound() {
    AsyncResultPool pool = local(4, Duration.ofMinutes(1));
    StepVerifier.create(pool.set(7, bytes("x"))).expectError(NotFoundException.class).verify(SOON);
  }

  @Test
  void localAddingANewKeyToAFullPoolEvictsTheOldest() {
    AsyncResultPool pool = local(2, Duration.ofHours(1));
    long k1 = pool.prepare().block(SOON);
    long k2 = pool.prepare().block(SOON);
    pool.set(k1, bytes("one")).block(SOON);
    long k3 = pool.prepare().block(SOON);
    StepVerifier.create(pool.get(k1, Duration.ZERO))
        .expectError(NotFoundException.class)
        .verify(SOON);
    StepVerifier.create(pool.set(k1, bytes("again")))
        .expectError(NotFoundException.class)
        .verify(SOON);
    // Decision 5: setting existing keys of a full pool evicts nothing (the seed evicted k2 here).
    pool.set(k2, bytes("two")).block(SOON);
    pool.set(k3, bytes("three")).block(SOON);
    StepVerifier.create(pool.get(k2, Duration.ZERO).map(AsyncResultPoolTest::string))
        .expectNext("two")
        .verifyComplete();
    StepVerifier.create(pool.get(k3, Duration.ZERO).map(AsyncResultPoolTest::string))
        .expectNext("three")
        .verifyComplete();
  }

  @Test
  void localExpiredEntriesAreDroppedBeforeALiveOneIsEvicted() {
    AsyncResultPool pool = local(2, Duration.ofSeconds(10));
    long oldest = pool.prepare().block(SOON);
    advance(Duration.ofSeconds(1));
    long expiring = pool.prepare().block(SOON);
    advance(Duration.ofSeconds(8));
    pool.set(oldest, bytes("kept")).block(SOON); // its age restarts at 9 s
    advance(Duration.ofSeconds(2)); // 11 s: "expiring" is expired, "oldest" is 2 s old
    pool.prepare().block(SOON);
    StepVerifier.create(pool.get(oldest, Duration.ZERO).map(AsyncResultPoolTest::string))
        .expectNext("kept")
        .verifyComplete();
    StepVerifier.create(pool.get(expiring, Duration.ZERO))
        .expectError(NotFoundException.class)
        .verify(SOON);
  }

  @Test
  void localEntriesExpireAndASetRestartsTheAge() {
    AsyncResultPool pool = local(8, Duration.ofSeconds(10));
    long placeholder = pool.prepare().block(SOON);
    long valued = pool.prepare().block(SOON);
    advance(Duration.ofSeconds(9));
    pool.set(valued, bytes("v")).block(SOON);
    advance(Duration.ofSeconds(1));
    StepVerifier.create(pool.set(placeholder, bytes("too late")))
        .expectError(NotFoundException.class)
        .verify(SOON);
    advance(Duration.ofSeconds(8));
    StepVerifier.create(pool.get(valued, Duration.ZERO)).expectNextCount(1).verifyComplete();
    advance(Duration.ofSeconds(1));
    StepVerifier.create(pool.get(valued, Duration.ZERO))
        .expectError(NotFoundException.class)
        .verify(SOON);
  }

  @Test
  void localWaitersOfAnEvictedKeyTimeOut() {
    AsyncResultPool pool = local(1, Duration.ofHours(1));
    long k1 = pool.prepare().block(SOON);
    StepVerifier.create(pool.get(k1, Duration.ofSeconds(2)))
        .then(() -> pool.prepare().block(SOON))
        .then(() -> advance(Duration.ofSeconds(2)))
        .expectError(TimeoutException.class)
        .verify(SOON);
  }

  @Test
  void getWithoutTimeoutWaitsForEver() {
    AsyncResultPool pool = local(8, Duration.ofDays(400));
    long key = pool.prepare().block(SOON);
    StepVerifier.create(pool.get(key).map(AsyncResultPoolTest::string))
        .then(() -> advance(Duration.ofDays(365)))
        .expectNoEvent(Duration.ofMillis(20))
        .then(() -> pool.set(key, bytes("v")).block(SOON))
        .expectNext("v")
        .verifyComplete();
  }

  @Test
  void thePoolsFactory() {
    assertTrue(AsyncResultPool.local().toString().startsWith("LocalAsyncResultPool[maxLen=8192"));
    assertTrue(pool("backend").toString().startsWith("BackendAsyncResultPool["));
    IllegalArgumentException unknown =
        assertThrows(
            IllegalArgumentException.class,
            () -> AsyncResultPool.pools("redis", AsyncResultPoolOptions.defaults()));
    assertTrue(unknown.getMessage().contains("known: [local, backend"), unknown.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> AsyncResultPool.pools("backend", AsyncResultPoolOptions.defaults()));
    assertThrows(
        IllegalArgumentException.class, () -> AsyncResultPoolOptions.defaults().withMaxLen(0));
    assertThrows(
        IllegalArgumentException.class,
        () -> AsyncResultPoolOptions.defaults().withMaxExpire(Duration.ofSeconds(-1)));
  }

  @Test
  void backendPoolsOfTheSameNameShareKeysAndValues() {
    AsyncResultPool a = pool("backend");
    AsyncResultPool b = pool("backend");
    long key = a.prepare().block(SOON);
    assertEquals(key + 1, b.prepare().block(SOON));
    StepVerifier.create(b.get(key, Duration.ofSeconds(1)).map(AsyncResultPoolTest::string))
        .then(() -> a.set(key, bytes("shared")).block(SOON))
        .expectNext("shared")
        .verifyComplete();
  }
}
