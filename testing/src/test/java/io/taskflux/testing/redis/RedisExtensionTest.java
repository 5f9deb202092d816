package io.taskflux.testing.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/** An instance-field extension gives each test method a server of its own. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisExtensionTest {

  @RegisterExtension final RedisExtension redis = RedisExtension.withServer();

  @Test
  @Order(1)
  void firstMethodWrites() throws IOException {
    try (Resp r = redis.server().connect()) {
      assertEquals("OK", r.callString("SET", "left-behind", "1"));
    }
  }

  @Test
  @Order(2)
  void secondMethodStartsEmpty() throws IOException {
    try (Resp r = redis.server().connect()) {
      assertNull(r.call("GET", "left-behind"));
      assertEquals(redis.server().uri(), redis.uri());
    }
  }
}
