package io.taskflux.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.taskflux.NonRetryableException;
import io.taskflux.engine.TaskEngine;
import io.taskflux.engine.WorkerOptions;
import io.taskflux.redis.RedisBackend;
import io.taskflux.testing.redis.RedisExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Hostile requests to the HTTP example over loopback with a real HTTP client, on a Redis-backed
 * engine. Each gets a clear 4xx (never a 500) or is accepted with its unknown parts ignored, and a
 * healthy request afterwards still completes. Bad JSON, trailing tokens, a wrong input shape,
 * oversized bodies, unknown tasks and a negative priority are {@link HttpTaskServiceTest}'s.
 */
class HttpHostileInputIT {

  @RegisterExtension static final RedisExtension redis = RedisExtension.withServer();

  static final Duration WAIT = Duration.ofSeconds(20);
  static final JsonMapper JSON = JsonMapper.builder().build();
  private static final AtomicInteger NAMESPACES = new AtomicInteger();

  /** A class a payload may name; its constructor counts every instance. */
  public static final class Gadget {
    static final AtomicInteger CONSTRUCTED = new AtomicInteger();

    public int a;

    public Gadget() {
      CONSTRUCTED.incrementAndGet();
    }
  }

  record Answer(int status, JsonNode body) {}

  TaskEngine engine;
  RedisBackend backend;
  Disposable workers;
  HttpTaskService service;
  HttpClient client;

  @BeforeEach
  void start() {
    backend =
        RedisBackend.builder()
            .uri(redis.uri())
            .namespace("http" + NAMESPACES.incrementAndGet())
            .build();
    engine = TaskEngine.builder().backend(backend).build();
    engine.register(HttpTaskService.ADD, p -> Mono.just(p.a() + p.b()));
    engine.register(
        HttpTaskService.FAIL, why -> Mono.error(new NonRetryableException("failed: " + why)));
    workers = engine.workers(WorkerOptions.defaults().concurrency(4)).start();
    service =
        HttpTaskService.start(
            engine, List.of(HttpTaskService.ADD, HttpTaskService.FAIL), "127.0.0.1", 0);
    client = HttpClient.create().baseUrl("http://127.0.0.1:" + service.port());
  }

  @AfterEach
  void stop() {
    service.close();
    workers.dispose();
    engine.closeAsync().block(WAIT);
    backend.closeAsync().block(WAIT);
  }

  private Answer post(String path, byte[] body) {
    return client
        .headers(h -> h.set(HttpHeaderNames.CONTENT_TYPE, "application/json"))
        .post()
        .uri(path)
        .send(Mono.just(Unpooled.wrappedBuffer(body)))
        .responseSingle(
            (res, content) ->
                content.asString().defaultIfEmpty("").map(s -> answer(res.status().code(), s)))
        .block(WAIT);
  }

  private Answer post(String path, String body) {
    return post(path, body.getBytes(StandardCharsets.UTF_8));
  }

  private Answer get(String path) {
    return client
        .get()
        .uri(path)
        .responseSingle(
            (res, content) ->
                content.asString().defaultIfEmpty("").map(s -> answer(res.status().code(), s)))
        .block(WAIT);
  }

  private static Answer answer(int status, String body) {
    JsonNode tree;
    try {
      tree = body.isEmpty() ? null : JSON.readTree(body);
    } catch (RuntimeException e) {
      tree = JSON.getNodeFactory().stringNode(body);
    }
    return new Answer(status, tree);
  }

  /** Submits {@code add} and returns its result (the request after every hostile one). */
  private int add(String path, String body) {
    Answer submitted = post(path, body);
    assertEquals(202, submitted.status(), String.valueOf(submitted.body()));
    String id = submitted.body().get("id").asString();
    Answer result = get("/tasks/" + id + "/result?timeout=10s");
    assertEquals(200, result.status(), String.valueOf(result.body()));
    return result.body().get("result").asInt();
  }

  private static void assertError(Answer a, int status, String code) {
    assertEquals(status, a.status(), String.valueOf(a.body()));
    assertEquals(code, a.body().get("error").asString(), String.valueOf(a.body()));
  }

  @Test
  void aBodyNamingAJavaClassInstantiatesNothing() {
    String gadget = Gadget.class.getName();
    assertError(
        post("/tasks/add", "{\"@class\":\"" + gadget + "\",\"a\":1,\"b\":2}"),
        400,
        "invalid_input");
    assertError(post("/tasks/add", "[\"" + gadget + "\",{\"a\":1,\"b\":2}]"), 400, "invalid_input");
    assertError(
        post("/tasks/add", "[\"java.lang.ProcessBuilder\",[\"touch\",\"/tmp/x\"]]"),
        400,
        "invalid_input");
    assertEquals(0, Gadget.CONSTRUCTED.get());
    assertEquals(5, add("/tasks/add", "{\"a\":2,\"b\":3}"));
  }

  @Test
  void unknownFieldsAreRefusedByName() {
    Answer a = post("/tasks/add", "{\"a\":1,\"b\":2,\"c\":99,\"nested\":{\"x\":[1,2]}}");
    assertError(a, 400, "invalid_input");
    assertEquals("c", a.body().get("field").asString(), String.valueOf(a.body()));
    assertEquals(3, add("/tasks/add", "{\"a\":1,\"b\":2}"));
  }

  @Test
  void nonUtf8BodiesAreBadJson() {
    byte[] body = {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, '"', '}'};
    assertError(post("/tasks/add", body), 400, "bad_json");
    assertError(post("/tasks/add", new byte[] {(byte) 0xFF, (byte) 0xFE, 0, 0}), 400, "bad_json");
    assertEquals(5, add("/tasks/add", "{\"a\":2,\"b\":3}"));
  }

  @Test
  void deeplyNestedOrHugeNumbersAreRefused() {
    String deep = "[".repeat(20_000) + "]".repeat(20_000);
    assertError(post("/tasks/add", deep), 400, "bad_json");
    assertError(post("/tasks/add", "{\"a\":" + "9".repeat(5_000) + ",\"b\":1}"), 400, "bad_json");
    assertError(post("/tasks/add", "{\"a\":1e999999,\"b\":1}"), 400, "invalid_input");
    assertError(post("/tasks/add", "{\"a\":\"two\",\"b\":1}"), 400, "invalid_input");
    assertError(post("/tasks/add", "\"" + "x".repeat(100) + "\""), 400, "invalid_input");
    assertEquals(5, add("/tasks/add", "{\"a\":2,\"b\":3}"));
  }

  @Test
  void prioritiesAndDelaysOutOfRangeAreBadOptions() {
    String ok = "{\"a\":1,\"b\":1}";
    assertError(post("/tasks/add?priority=2147483648", ok), 400, "bad_option");
    assertError(post("/tasks/add?priority=abc", ok), 400, "bad_option");
    assertError(post("/tasks/add?delay=-5s", ok), 400, "bad_option");
    assertError(post("/tasks/add?delay=PT-5S", ok), 400, "bad_option");
    assertError(post("/tasks/add?delay=9999999999999999d", ok), 400, "bad_option");
    assertError(post("/tasks/add?delay=soon", ok), 400, "bad_option");
    assertEquals(2, add("/tasks/add?priority=2147483647", ok));
    // Huge but representable: accepted, and capped at 100 years (Message.MAX_DURATION).
    for (String delay : List.of("36500d", "99999999999999d")) {
      Answer later = post("/tasks/add?delay=" + delay, ok);
      assertEquals(202, later.status(), String.valueOf(later.body()));
      assertEquals(
          "SUBMITTED",
          get("/tasks/" + later.body().get("id").asString()).body().get("status").asString());
    }
    assertError(get("/tasks/x/result?timeout=99999999999999d"), 400, "bad_timeout");
    assertEquals(5, add("/tasks/add", "{\"a\":2,\"b\":3}"));
  }

  @Test
  void hostileIdsAreNotFound() {
    for (String id :
        List.of("..%2F..%2Fetc%2Fpasswd", "%7Bhttp1%3Adefault%7D%3Am%3Ax", "*", "%00", "x%0Ay")) {
      Answer a = get("/tasks/" + id);
      assertTrue(a.status() == 404 || a.status() == 400, id + " -> " + a);
      assertTrue(a.body().has("error"), id + " -> " + a);
      assertTrue(get("/tasks/" + id + "/result?timeout=0s").status() >= 400, id);
    }
    assertEquals(5, add("/tasks/add", "{\"a\":2,\"b\":3}"));
  }
}
