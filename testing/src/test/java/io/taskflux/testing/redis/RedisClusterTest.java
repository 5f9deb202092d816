package io.taskflux.testing.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RedisClusterTest {

  @RegisterExtension static final RedisExtension redis = RedisExtension.withCluster(3);

  @Test
  void hasThreeMastersCoveringEverySlot() throws IOException {
    RedisCluster cluster = redis.cluster();
    assertEquals(3, cluster.seedUris().size());
    try (Resp r = cluster.nodes().get(0).connect()) {
      String info = r.callString("CLUSTER", "INFO");
      assertTrue(info.contains("cluster_state:ok"), info);
      assertTrue(info.contains("cluster_size:3"), info);
      List<?> slots = (List<?>) r.call("CLUSTER", "SLOTS");
      long covered = 0;
      for (Object range : slots) {
        List<?> entry = (List<?>) range;
        covered += (Long) entry.get(1) - (Long) entry.get(0) + 1;
      }
      assertEquals(RedisCluster.SLOTS, covered);
      String nodes = r.callString("CLUSTER", "NODES");
      assertEquals(3, nodes.lines().filter(l -> l.contains("master")).count(), nodes);
    }
  }

  @Test
  void aKeyLivesOnExactlyOneNodeAndTheOthersRedirect() throws IOException {
    int owners = 0;
    int redirects = 0;
    for (RedisServer node : redis.cluster().nodes()) {
      try (Resp r = node.connect()) {
        try {
          r.call("SET", "{taskflux:q}:probe", "1");
          owners++;
        } catch (Resp.RespError e) {
          assertTrue(e.getMessage().startsWith("MOVED"), e.getMessage());
          redirects++;
        }
      }
    }
    assertEquals(1, owners);
    assertEquals(2, redirects);
    assertThrows(IllegalStateException.class, redis::server);
  }
}
