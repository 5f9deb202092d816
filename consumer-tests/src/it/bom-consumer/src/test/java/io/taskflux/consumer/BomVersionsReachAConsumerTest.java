package io.taskflux.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.taskflux.engine.TaskDefinition;
import io.taskflux.engine.TaskEngine;
import io.taskflux.engine.WorkerOptions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/**
 * What a project that imports taskflux-bom and depends on taskflux-redis resolves: the Netty,
 * Jackson, Lettuce and SLF4J versions taskflux was tested with (not the older ones Lettuce's own
 * pom names: Netty 4.2.5, slf4j-api 1.7.36 through redis-authx-core), and no SLF4J warning on the
 * console beside the application's own SLF4J provider.
 */
class BomVersionsReachAConsumerTest {

  @Test
  void theTestedVersionsAreTheOnesOnTheClassPath() {
    String netty =
        io.netty.util.Version.identify().get("netty-common").artifactVersion();
    assertEquals(System.getProperty("expected.netty"), netty, "netty-common");
    assertEquals(
        System.getProperty("expected.jackson"),
        tools.jackson.databind.cfg.PackageVersion.VERSION.toString(),
        "jackson-databind");
    assertEquals(
        System.getProperty("expected.lettuce"),
        jarVersion(io.lettuce.core.RedisClient.class, "lettuce-core"),
        "lettuce-core");
    assertEquals(
        System.getProperty("expected.slf4j"),
        jarVersion(org.slf4j.LoggerFactory.class, "slf4j-api"),
        "slf4j-api");
  }

  @Test
  void usingTheEngineWritesNoSlf4jWarning() {
    PrintStream err = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      TaskDefinition<Integer, Integer> twice =
          TaskDefinition.of("twice", Integer.class, Integer.class);
      try (TaskEngine engine = TaskEngine.inMemory()) {
        engine.register(twice, n -> Mono.just(2 * n));
        engine.workers(WorkerOptions.defaults()).start();
        Integer r =
            engine
                .submit(twice, 21)
                .flatMap(h -> h.result(Duration.ofSeconds(30)))
                .block(Duration.ofSeconds(30));
        assertEquals(42, r);
      }
      // The Redis client's classes set up their logging too.
      io.lettuce.core.RedisURI.create("redis://localhost:6379");
      org.slf4j.LoggerFactory.getLogger(BomVersionsReachAConsumerTest.class).debug("loaded");
    } finally {
      System.setErr(err);
    }
    String text = captured.toString(StandardCharsets.UTF_8);
    assertFalse(text.contains("SLF4J"), "SLF4J wrote to the console:\n" + text);
  }

  /** The version in the file name of the jar that {@code type} was loaded from. */
  private static String jarVersion(Class<?> type, String artifact) {
    String path = type.getProtectionDomain().getCodeSource().getLocation().getPath();
    String file = path.substring(path.lastIndexOf('/') + 1);
    return file.substring(artifact.length() + 1, file.length() - ".jar".length());
  }
}
