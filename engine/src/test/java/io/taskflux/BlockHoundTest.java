package io.taskflux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import reactor.blockhound.BlockingOperationError;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/** Shows BlockHound is installed in this module's test JVM. */
class BlockHoundTest {

  @Test
  void aBlockingCallOnAParallelThreadFails() {
    Mono<Integer> blocking =
        Mono.fromCallable(
                () -> {
                  Thread.sleep(1);
                  return 1;
                })
            .subscribeOn(Schedulers.parallel());
    StepVerifier.create(blocking)
        .expectErrorSatisfies(
            e -> {
              assertTrue(e instanceof BlockingOperationError, e.toString());
              assertTrue(e.getMessage().contains("Thread.sleep"), e.getMessage());
            })
        .verify();
  }

  @Test
  void theSameCallOnABoundedElasticThreadIsAllowed() {
    Mono<Integer> blocking =
        Mono.fromCallable(
                () -> {
                  Thread.sleep(1);
                  return 1;
                })
            .subscribeOn(Schedulers.boundedElastic());
    StepVerifier.create(blocking).expectNext(1).verifyComplete();
  }

  @Test
  void theVersionComesFromTheBuild() {
    assertEquals(false, Taskflux.version().contains("${"), Taskflux.version());
    assertTrue(Taskflux.version().matches("\\d+\\.\\d+\\.\\d+.*"), Taskflux.version());
  }
}
