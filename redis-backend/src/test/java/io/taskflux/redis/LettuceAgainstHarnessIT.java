package io.taskflux.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.taskflux.testing.redis.RedisExtension;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** Lettuce's reactive API talks to the harness's real server and cluster. */
class LettuceAgainstHarnessIT {

  @RegisterExtension static final RedisExtension redis = RedisExtension.withServer();
  @RegisterExtension static final RedisExtension cluster = RedisExtension.withCluster(3);

  @Test
  void reactiveRoundTripOnASingleServer() {
    RedisClient client = RedisClient.create(redis.uri());
    try (StatefulRedisConnection<String, String> conn = client.connect()) {
      Mono<String> roundTrip =
          conn.reactive().set("greeting", "hello").then(conn.reactive().get("greeting"));
      StepVerifier.create(roundTrip).expectNext("hello").verifyComplete();
    } finally {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
  }

  @Test
  void reactiveRoundTripOnTheCluster() {
    List<RedisURI> seeds = cluster.seedUris().stream().map(RedisURI::create).toList();
    RedisClusterClient client = RedisClusterClient.create(seeds);
    try (StatefulRedisClusterConnection<String, String> conn = client.connect()) {
      Mono<Long> written =
          Mono.when(
                  conn.reactive().set("a", "1"),
                  conn.reactive().set("b", "2"),
                  conn.reactive().set("c", "3"))
              .then(conn.reactive().dbsize());
      StepVerifier.create(written).expectNext(3L).verifyComplete();
    } finally {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
  }
}
