package io.taskflux.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskflux.BackendUnavailableException;
import io.taskflux.spi.Delivery;
import io.taskflux.spi.EnqueueRequest;
import io.taskflux.spi.QueueStats;
import io.taskflux.task.ExceptionDetails;
import io.taskflux.task.Message;
import io.taskflux.task.TaskStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.test.StepVerifier;

/** BEHAVIOUR.md §1.8 (Consumer), with demand (DESIGN decision 3) and no polling. */
class ConsumerTest extends InMemoryServiceTest {

  private void enqueue(Message m) {
    assertTrue(backend.enqueue(EnqueueRequest.of(m)).block(SOON));
  }

  private Message enqueue(String queue, String task, String id, int priority) {
    Message m = message(queue, task).id(id).priority(priority).build();
    enqueue(m);
    return m;
  }

  private static String id(Delivery d) {
    return d.message().id();
  }

  private QueueStats stats(String queue) {
    return backend.stats(queue).block(SOON);
  }

  @Test
  void queuesAreDrainedInSubsetOrder() {
    enqueue("a", "work", "a1", 0);
    enqueue("b", "work", "b1", 5);
    enqueue("a", "work", "a2", 0);
    Consumer consumer = Consumer.create(backend, ConsumerOptions.queues("b", "a"));
    StepVerifier.create(consumer.stream().map(ConsumerTest::id))
        .expectNext("b1", "a1", "a2")
        .thenCancel()
        .verify(SOON);
  }

  @Test
  void lowerPriorityFirstThenFifo() {
    enqueue("q", "work", "p5", 5);
    enqueue("q", "work", "p0-first", 0);
    enqueue("q", "work", "p1", 1);
    enqueue("q", "work", "p0-second", 0);
    Consumer consumer = Consumer.create(backend, ConsumerOptions.queues("q"));
    StepVerifier.create(consumer.stream().map(ConsumerTest::id))
        .expectNext("p0-first", "p0-second", "p1", "p5")
        .thenCancel()
        .verify(SOON);
  }

  @Test
  @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aTaskSubsetOrdersTasksAndIgnoresTheOthers() {
    enqueue("q", "t1", "one", 0);
    enqueue("q", "t3", "three", 0);
    enqueue("q", "t2", "two", 0);
    enqueue("r", "t1", "r-one", 0);
    Map<String, List<String>> subset = new LinkedHashMap<>();
    subset.put("q", List.of("t2", "t1"));
    subset.put("r", List.of("t1"));
    Consumer consumer = Consumer.create(backend, ConsumerOptions.subset(subset));
    StepVerifier.create(consumer.stream().map(ConsumerTest::id))
        .expectNext("two", "one", "r-one")
        .expectNoEvent(Duration.ofMillis(20))
        .thenCancel()
        .verify(SOON);
    assertEquals(1, stats("q").ready(), "t3 was never claimed");
  }

  @Test
  @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void unselectedReadyWorkMakesTheConsumerWaitOnATimerInsteadOfSpinning() {
    enqueue("q", "other", "not-mine", 0);
    Consumer consumer =
        Consumer.create(backend, ConsumerOptions.subset(Map.of("q", List.of("mine"))));
    StepVerifier.create(consumer.stream().map(ConsumerTest::id))
        .expectSubscription()
        .then(() -> assertEquals(0, backend.waiterCount(), "parked on a timer, not awaitWork"))
        .then(() -> enqueue("q", "mine", "mine-1", 0))
        .expectNoEvent(Duration.ofMillis(20))
        .then(() -> advance(Duration.ofMillis(10)))
        .expectNext("mine-1")
        // the fallback restarts from its shortest timer after a claim
        .then(() -> enqueue("q", "mine", "mine-2", 0))
        .then(() -> advance(Duration.ofMillis(10)))
        .expectNext("mine-2")
        .thenCancel()
        .verify(SOON);
    assertEquals(1, stats("q").ready(), "the other task's message is left alone");
  }

  @Test
  void queueNamesMatchExactlyNotByPrefix() {
    enqueue("ab", "work", "in-ab", 0);
    Consumer consumer = Consumer.create(backend, ConsumerOptions.queues("a"));
    StepVerifier.create(consumer.stream())
        .expectSubscription()
        .expectNoEvent(Duration.ofMillis(20))
        .thenCancel()
        .verify(SOON);
    assertEquals(1, stats("ab").ready());
  }

  @Test
  void itClaimsOnlyWhatIsRequested() {
    for (int i = 0; i < 5; i++) {
      enqueue("q", "work", "m" + i, 0);
    }
    Consumer consumer = Consumer.create(backend, ConsumerOptions.queues("q"));
    StepVerifier.create(consumer.stream(), 0)
        .expectSubscription()
        .expectNoEvent(Duration.ofMillis(20))
        .then(() -> assertEquals(0, stats("q").leased(), "no demand, no claim"))
        .thenRequest(2)
        .expectNextCount(2)
        .then(() -> assertEquals(2, stats("q").leased()))
        .expectNoEvent(Duration.ofMillis(20))
        .then(() -> assertEquals(2, stats("q").leased()))
        .thenRequest(1)
        .expectNextCount(1)
        .then(() -> assertEquals(3, stats("q").leased()))
        .then(() -> assertEquals(2, stats("q").ready()))
        .thenCancel()
        .verify(SOON);
  }

  @Test
  void largeDemandIsClaimedInBatchesOfMaxBatch() {
    for (int i = 0; i < 10; i++) {
      enqueue("q", "work", "m" + i, 0);
    }
    Consumer consumer = Consumer.create(backend, ConsumerOptions.queues("q").withMaxBatch(3));
    StepVerifier.create(consumer.stream())
        .expectNextCount(10)
        .expectNoEvent(Duration.ofMillis(20))
        .thenCancel()
        .verify(SOON);
    assertEquals(10, stats("q").leased());
  }

  @Test
  void anIdleConsumerWaitsWithoutPollingAndWakesOnEnqueue() {
    Consumer consumer = Consumer.create(backend, ConsumerOptions.queues("q"));
    StepVerifier.create(consumer.stream().map(ConsumerTest::id))
        .expectSubscription()
        .then(() -> assertEquals(1, backend.waiterCount(), "one idle wait registered"))
        .expectNoEvent(Duration.ofMillis(20))
        .then(() -> enqueue("q", "work", "new", 0))
        .expectNext("new")
        .thenCancel()
        .verify(SOON);
  }

  @Test
  void aDelayedMessageIsSkippedUntilDue() {
    enqueue(message("q", "work").id("later").delay(Duration.ofSeconds(10)).build());
    enqueue("q", "work", "now", 0);
    Consumer consumer = Consumer.create(backend, ConsumerOptions.queues("q"));
    StepVerifier.create(consumer.stream().map(ConsumerTest::id))
        .expectNext("now")
        .then(() -> advance(Duration.ofSeconds(9)))
        .expectNoEvent(Duration.ofMillis(20))
        .then(() -> advance(Duration.ofSeconds(1)))
        .expectNext("later")
        .thenCancel()
        .verify(SOON);
  }

  @Test
  void anExpiredLeaseIsTakenBackAndRedeliveredWithOneRetryCounted() {
    enqueue("q", "work", "m", 0);
    ConsumerOptions options = ConsumerOptions.queues("q").withLease(Duration.ofSeconds(10));
    Consumer dying = Consumer.create(backend, options.withOwner("dying"));
    Consumer survivor = Consumer.create(backend, options.withOwner("survivor"));
    // The first worker claims it and never settles (it "died").
    Delivery lost = dying.stream().blockFirst(SOON);
    StepVerifier.create(survivor.stream())
        .expectSubscription()
        .then(() -> advance(Duration.ofSeconds(9)))
        .expectNoEvent(Duration.ofMillis(20))
        .then(() -> advance(Duration.ofSeconds(1)))
        .assertNext(
            d -> {
              assertEquals("m", d.message().id());
              assertEquals(1, d.message().retries());
              assertEquals("survivor", d.lease().owner());
              assertEquals(ExceptionDetails.LEASE_LOST, d.message().exceptionDetails().type());
            })
        .thenCancel()
        .verify(SOON);
    assertEquals("dying", lost.lease().owner());
  }

  @Test
  void expiredLeasesAreReapedEvenWhileTheQueueIsBusy() {
    enqueue("q", "work", "stuck", 0);
    ConsumerOptions options = ConsumerOptions.queues("q").withLease(Duration.ofSeconds(10));
    Delivery stuck = Consumer.create(backend, options.withOwner("dead")).stream().blockFirst(SOON);
    for (int i = 0; i < 5; i++) {
      enqueue("q", "work", "busy" + i, 0);
    }
    Consumer busy = Consumer.create(backend, options.withOwner("busy"));
    StepVerifier.create(busy.stream().map(ConsumerTest::id), 1)
        .expectNext("busy0")
        .then(() -> advance(Duration.ofSeconds(10)))
        .thenRequest(1)
        .expectNext("busy1")
        .then(
            () -> {
              assertEquals(
                  TaskStatus.RETRYING, backend.getStatus(stuck.lease().ref()).block(SOON).status());
              assertEquals(1, backend.find(stuck.lease().ref()).block(SOON).message().retries());
            })
        .thenCancel()
        .verify(SOON);
  }

  /** Collects ids and requests only when told to. */
  private static final class Collector extends BaseSubscriber<Delivery> {
    final List<String> ids = Collections.synchronizedList(new ArrayList<>());
    final CountDownLatch done;

    Collector(int expected) {
      done = new CountDownLatch(expected);
    }

    @Override
    protected void hookOnSubscribe(Subscription subscription) {
      // no initial demand
    }

    @Override
    protected void hookOnNext(Delivery d) {
      ids.add(d.message().id());
      done.countDown();
    }
  }

  @Test
  void twoConsumersOnTwoThreadsNeverGetTheSameMessage() throws Exception {
    int each = 100;
    for (int i = 0; i < 2 * each; i++) {
      enqueue("q", "work", "m" + i, i % 3);
    }
    Collector first = new Collector(each);
    Collector second = new Collector(each);
    Consumer.create(backend, ConsumerOptions.queues("q").withMaxBatch(3)).stream().subscribe(first);
    Consumer.create(backend, ConsumerOptions.queues("q").withMaxBatch(2)).stream()
        .subscribe(second);
    Thread t1 = new Thread(() -> IntStream.range(0, each).forEach(i -> first.request(1)));
    Thread t2 = new Thread(() -> IntStream.range(0, each).forEach(i -> second.request(1)));
    t1.start();
    t2.start();
    assertTrue(first.done.await(5, TimeUnit.SECONDS), "first got " + first.ids.size());
    assertTrue(second.done.await(5, TimeUnit.SECONDS), "second got " + second.ids.size());
    t1.join();
    t2.join();
    first.dispose();
    second.dispose();
    Set<String> all = new HashSet<>(first.ids);
    all.addAll(second.ids);
    assertEquals(each, first.ids.size());
    assertEquals(each, second.ids.size());
    assertEquals(2 * each, all.size(), "no message delivered twice");
    assertEquals(2 * each, stats("q").leased());
  }

  @Test
  void aBackendErrorEndsTheStream() {
    Consumer consumer = Consumer.create(backend, ConsumerOptions.queues("q"));
    StepVerifier.create(consumer.stream())
        .expectSubscription()
        .then(() -> backend.closeAsync().block(SOON))
        .expectError(BackendUnavailableException.class)
        .verify(SOON);
  }

  @Test
  void optionsAreValidated() {
    assertThrows(IllegalArgumentException.class, () -> ConsumerOptions.queues());
    assertThrows(
        IllegalArgumentException.class, () -> ConsumerOptions.subset(Map.of("q", List.of())));
    assertThrows(IllegalArgumentException.class, () -> ConsumerOptions.queues("q").withMaxBatch(0));
    assertThrows(
        IllegalArgumentException.class, () -> ConsumerOptions.queues("q").withLease(Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> ConsumerOptions.queues("q").withOwner(" "));
    assertEquals(
        List.of("q", "r"),
        ConsumerOptions.subset(
                new LinkedHashMap<>(Map.of("q", List.of("a", "b"))) {
                  {
                    put("r", List.of("c"));
                  }
                })
            .queueNames());
  }
}
