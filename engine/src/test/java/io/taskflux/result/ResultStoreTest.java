package io.taskflux.result;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskflux.NotFoundException;
import io.taskflux.broker.InMemoryServiceTest;
import io.taskflux.spi.StoredResult;
import io.taskflux.task.Message;
import io.taskflux.task.MessageRef;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.NullNode;

/** BEHAVIOUR.md §1.11 (ResultStore), with DESIGN decision 1 for waits. */
class ResultStoreTest extends InMemoryServiceTest {

  private ResultStore store;
  private Message msg;

  @BeforeEach
  void setUp() {
    store = ResultStore.create(backend);
    msg = message("q");
  }

  private static JsonNode text(String s) {
    return JSON.stringNode(s);
  }

  @Test
  void setWithNxRefusesASecondResultAndKeepsTheFirst() {
    store.set(msg, text("first")).block(SOON);
    StepVerifier.create(store.set(msg, text("second")))
        .expectErrorSatisfies(
            e -> {
              assertTrue(e instanceof ResultAlreadyExistsException, e.toString());
              assertEquals(msg.ref().toString(), ((ResultAlreadyExistsException) e).key());
            })
        .verify(SOON);
    StepVerifier.create(store.get(msg.ref(), GetOptions.lookOnce().withKeep(true)))
        .expectNextMatches(r -> r.value().equals(text("first")))
        .verifyComplete();
  }

  @Test
  void setWithoutNxReplaces() {
    store.set(msg, text("first")).block(SOON);
    store.set(msg, text("second"), false).block(SOON);
    StepVerifier.create(store.get(msg.ref(), Duration.ZERO))
        .expectNext(text("second"))
        .verifyComplete();
  }

  @Test
  void aNullResultIsStoredAsJsonNull() {
    store.set(msg, null).block(SOON);
    StepVerifier.create(store.get(msg.ref(), Duration.ZERO))
        .expectNext(NullNode.getInstance())
        .verifyComplete();
  }

  @Test
  void getWithZeroOnAMissingResultIsNotFoundAtOnce() {
    StepVerifier.create(store.get(msg.ref(), Duration.ZERO))
        .expectError(NotFoundException.class)
        .verify(SOON);
  }

  @Test
  void getWithATimeoutFailsWithTimeoutExceptionWhenNothingArrives() {
    StepVerifier.create(store.get(msg.ref(), Duration.ofSeconds(2)))
        .then(() -> advance(Duration.ofMillis(1999)))
        .expectNoEvent(Duration.ofMillis(20))
        .then(() -> advance(Duration.ofMillis(1)))
        .expectErrorSatisfies(
            e -> {
              assertTrue(e instanceof TimeoutException, e.toString());
              assertTrue(e.getMessage().startsWith("Timeout waiting on result for"));
            })
        .verify(SOON);
  }

  @Test
  void getWakesOnTheWriteWithinTheTimeout() {
    StepVerifier.create(store.get(msg.ref(), Duration.ofSeconds(2)))
        .then(() -> advance(Duration.ofSeconds(1)))
        .then(() -> store.set(msg, text("v")).block(SOON))
        .expectNext(text("v"))
        .verifyComplete();
  }

  @Test
  void getWithoutTimeoutWaitsForEver() {
    StepVerifier.create(store.get(msg.ref()))
        .then(() -> advance(Duration.ofDays(30)))
        .expectNoEvent(Duration.ofMillis(20))
        .then(() -> store.set(msg, text("late")).block(SOON))
        .expectNext(text("late"))
        .verifyComplete();
  }

  @Test
  void aReadDeletesTheResultByDefault() {
    store.set(msg, text("v")).block(SOON);
    StepVerifier.create(store.get(msg.ref(), Duration.ZERO)).expectNext(text("v")).verifyComplete();
    StepVerifier.create(store.exists(msg.ref())).expectNext(false).verifyComplete();
    StepVerifier.create(store.get(msg.ref(), Duration.ZERO))
        .expectError(NotFoundException.class)
        .verify(SOON);
  }

  @Test
  void keepKeepsTheResult() {
    store.set(msg, text("v")).block(SOON);
    GetOptions keep = GetOptions.lookOnce().withKeep(true);
    StepVerifier.create(store.get(msg.ref(), keep)).expectNextCount(1).verifyComplete();
    StepVerifier.create(store.get(msg.ref(), keep)).expectNextCount(1).verifyComplete();
    StepVerifier.create(store.exists(msg.ref())).expectNext(true).verifyComplete();
  }

  @Test
  void theMetadataFormCarriesRefAndTimestamp() {
    advance(Duration.ofSeconds(3));
    store.set(msg, text("v")).block(SOON);
    StepVerifier.create(store.get(msg.ref(), GetOptions.lookOnce()))
        .expectNext(new StoredResult(msg.ref(), text("v"), START.plusSeconds(3)))
        .verifyComplete();
  }

  @Test
  void theResultLivesForTheMessagesResultTtlOrTheDefault() {
    Message shortLived = message("q", "work").resultTtl(Duration.ofMinutes(1)).build();
    store.set(shortLived, text("a")).block(SOON);
    store.set(msg, text("b")).block(SOON);
    advance(Duration.ofMinutes(1));
    StepVerifier.create(store.exists(shortLived.ref())).expectNext(false).verifyComplete();
    advance(ResultStore.DEFAULT_TTL.minusMinutes(2));
    StepVerifier.create(store.exists(msg.ref())).expectNext(true).verifyComplete();
    advance(Duration.ofMinutes(1));
    StepVerifier.create(store.exists(msg.ref())).expectNext(false).verifyComplete();
  }

  private Message chain() {
    Message grandchild = message("q3", "c2").build();
    Message child = message("q2", "c1").callback(grandchild).build();
    return message("q", "root").callback(child).build();
  }

  @Test
  void descendantsAreTheCallbackChainInWriteOrder() {
    Message root = chain();
    Message child = root.callback();
    Message grandchild = child.callback();
    store.set(grandchild, text("g")).block(SOON);
    advance(Duration.ofMillis(5));
    store.set(root, text("r")).block(SOON);
    advance(Duration.ofMillis(5));
    StepVerifier.create(store.existsWithDescendants(root)).expectNext(false).verifyComplete();
    store.set(child, text("c")).block(SOON);
    StepVerifier.create(store.existsWithDescendants(root)).expectNext(true).verifyComplete();

    StepVerifier.create(store.getDescendants(root, GetOptions.lookOnce().withKeep(true)))
        .assertNext(
            list ->
                assertEquals(
                    List.of(text("g"), text("r"), text("c")),
                    list.stream().map(StoredResult::value).toList()))
        .verifyComplete();
    StepVerifier.create(store.getDescendants(root, GetOptions.lookOnce()))
        .expectNextCount(1)
        .verifyComplete();
    StepVerifier.create(store.exists(child.ref())).expectNext(false).verifyComplete();
  }

  @Test
  void descendantsWaitForEveryOne() {
    Message root = chain();
    store.set(root, text("r")).block(SOON);
    store.set(root.callback(), text("c")).block(SOON);
    StepVerifier.create(store.getDescendants(root, GetOptions.lookOnce()))
        .expectError(NotFoundException.class)
        .verify(SOON);
    StepVerifier.create(store.getDescendants(root, GetOptions.waiting(Duration.ofSeconds(1))))
        .then(() -> store.set(root.callback().callback(), text("g")).block(SOON))
        .assertNext(list -> assertEquals(3, list.size()))
        .verifyComplete();
    StepVerifier.create(store.getDescendants(root, GetOptions.waiting(Duration.ofSeconds(1))))
        .then(() -> advance(Duration.ofSeconds(1)))
        .expectError(TimeoutException.class)
        .verify(SOON);
  }

  @Test
  void deleteCountsAndChecksMissing() {
    Message root = chain();
    store.set(root, text("r")).block(SOON);
    store.set(root.callback(), text("c")).block(SOON);
    StepVerifier.create(store.deleteWithDescendants(root, false)).expectNext(2L).verifyComplete();
    StepVerifier.create(store.deleteWithDescendants(root, true)).expectNext(0L).verifyComplete();
    StepVerifier.create(store.deleteWithDescendants(root, false))
        .expectError(NotFoundException.class)
        .verify(SOON);
    store.set(msg, text("x")).block(SOON);
    StepVerifier.create(store.delete(msg.ref())).expectNext(true).verifyComplete();
    StepVerifier.create(store.delete(msg.ref())).expectNext(false).verifyComplete();
  }

  @Test
  void invalidArgumentsFailAtOnce() {
    MessageRef ref = msg.ref();
    assertThrows(IllegalArgumentException.class, () -> store.get(ref, Duration.ofMillis(-1)));
    assertThrows(
        IllegalArgumentException.class, () -> store.set(ref, text("x"), Duration.ZERO, true));
    assertThrows(NullPointerException.class, () -> store.get(null, GetOptions.defaults()));
  }
}
