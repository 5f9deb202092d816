package io.taskflux.task;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.taskflux.internal.Ids;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

class IdsTest {

  @Test
  void randomIdsAreVersion4UuidsAndUnique() {
    UUID u = UUID.fromString(Ids.randomUuid());
    assertEquals(4, u.version());
    assertEquals(2, u.variant());
    HashSet<String> seen = new HashSet<>();
    for (int i = 0; i < 100_000; i++) {
      seen.add(Ids.randomUuid());
    }
    assertEquals(100_000, seen.size());
  }

  @Test
  void messagesGetIdsOnNonBlockingThreadsWithoutBlocking() {
    // BlockHound fails this if building or copying a message touches SecureRandom.
    List<String> ids =
        Flux.range(0, 100)
            .parallel()
            .runOn(Schedulers.parallel())
            .map(i -> Message.builder().task("t").createdAt(Instant.EPOCH).build())
            .map(m -> m.withNewId().toBuilder().retries(1).build().id())
            .sequential()
            .collectList()
            .block();
    assertEquals(100, new HashSet<>(ids).size());
  }
}
