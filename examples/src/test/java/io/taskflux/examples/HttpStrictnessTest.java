package io.taskflux.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.taskflux.NonRetryableException;
import io.taskflux.engine.TaskEngine;
import io.taskflux.engine.WorkerOptions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the HTTP example refuses, and how: each case's status and JSON body. Over loopback with a
 * real HTTP client, on the in-memory engine; BlockHound is on (taskflux-testing).
 */
class HttpStrictnessTest {

  static final Duration WAIT = Duration.ofSeconds(10);
  static final JsonMapper JSON = JsonMapper.builder().build();

  TaskEngine engine;
  HttpTaskService service;
  HttpClient client;
  final List<String> serverLog = new CopyOnWriteArrayList<>();

  record Answer(int status, String allow, String text, JsonNode body) {}

  @BeforeEach
  void start() {
    engine = TaskEngine.inMemory();
    engine.register(HttpTaskService.ADD, p -> Mono.just(p.a() + p.b()));
    engine.register(
        HttpTaskService.NAP, ms -> Mono.delay(Duration.ofMillis(ms)).thenReturn("slept " + ms));
    engine.register(
        HttpTaskService.FAIL, why -> Mono.error(new NonRetryableException("failed: " + why)));
    engine.workers(WorkerOptions.defaults().concurrency(8)).start();
    service =
        HttpTaskService.start(
            engine,
            List.of(HttpTaskService.ADD, HttpTaskService.NAP, HttpTaskService.FAIL),
            "127.0.0.1",
            0,
            serverLog::add);
    client = HttpClient.create().baseUrl("http://127.0.0.1:" + service.port());
  }

  @AfterEach
  void stop() {
    service.close();
    engine.closeAsync().block(WAIT);
  }

  private Answer send(HttpMethod method, String path, String body) {
    return client
        .request(method)
        .uri(path)
        .send(
            body == null
                ? ByteBufFlux.fromString(Mono.empty())
                : ByteBufFlux.fromString(Mono.just(body)))
        .responseSingle(
            (res, content) ->
                content
                    .asString()
                    .defaultIfEmpty("")
                    .map(
                        s ->
                            new Answer(
                                res.status().code(),
                                res.responseHeaders().get(HttpHeaderNames.ALLOW),
                                s,
                                s.isEmpty() ? null : JSON.readTree(s))))
        .block(WAIT);
  }

  private Answer post(String path, String body) {
    return send(HttpMethod.POST, path, body);
  }

  private Answer get(String path) {
    return send(HttpMethod.GET, path, null);
  }

  /** Asserts the status, the error code, and (when not null) the named field or parameter. */
  private static JsonNode assertError(Answer a, int status, String code, String key, String name) {
    assertEquals(status, a.status(), a.text());
    assertTrue(a.body() != null && a.body().isObject(), "a JSON object: " + a.text());
    assertEquals(code, a.body().path("error").asString(), a.text());
    assertFalse(a.body().path("message").asString().isEmpty(), a.text());
    if (key != null) {
      assertEquals(name, a.body().path(key).asString(), a.text());
    }
    return a.body();
  }

  @Test
  void anEmptyOrNullBodyIs400() {
    assertError(post("/tasks/add", null), 400, "missing_body", null, null);
    assertError(post("/tasks/add", ""), 400, "missing_body", null, null);
    JsonNode nul = assertError(post("/tasks/add", "null"), 400, "missing_body", null, null);
    assertTrue(nul.path("message").asString().contains("Pair"), nul.toString());
  }

  @Test
  void unknownMissingAndNullFieldsAre400NamingTheField() {
    assertError(post("/tasks/add", "{\"x\":\"y\"}"), 400, "invalid_input", "field", "x");
    assertError(
        post("/tasks/add", "{\"a\":1,\"b\":2,\"c\":3}"), 400, "invalid_input", "field", "c");
    assertError(post("/tasks/add", "{\"a\":1}"), 400, "invalid_input", "field", "b");
    assertError(post("/tasks/add", "{\"a\":1,\"b\":null}"), 400, "invalid_input", "field", "b");
    assertError(post("/tasks/add", "{\"a\":\"2\",\"b\":1}"), 400, "invalid_input", "field", "a");
    assertError(post("/tasks/add", "{\"a\":1.5,\"b\":1}"), 400, "invalid_input", "field", "a");
    assertEquals(202, post("/tasks/add", "{\"a\":2,\"b\":3}").status());
  }

  @Test
  void aBadQueryParameterIs400NamingTheParameter() {
    String ok = "{\"a\":1,\"b\":1}";
    JsonNode priority =
        assertError(
            post("/tasks/add?priority=high", ok), 400, "bad_option", "parameter", "priority");
    assertTrue(priority.path("message").asString().contains("'high'"), priority.toString());
    assertFalse(priority.toString().contains("For input string"), priority.toString());
    assertError(post("/tasks/add?delay=soon", ok), 400, "bad_option", "parameter", "delay");
  }

  @Test
  void unknownPathsAre404AndWrongMethods405WithAllowInJson() {
    assertError(get("/nope"), 404, "not_found", null, null);
    assertError(post("/", "{}"), 404, "not_found", null, null);
    assertError(get("/tasks/a/b/c"), 404, "not_found", null, null);

    Answer put = send(HttpMethod.PUT, "/tasks/add", "{}");
    assertError(put, 405, "method_not_allowed", null, null);
    assertEquals("GET, POST, DELETE", put.allow());
    Answer postQueues = post("/queues", "{}");
    assertError(postQueues, 405, "method_not_allowed", null, null);
    assertEquals("GET", postQueues.allow());
    Answer getRevoke = get("/tasks/x/revoke");
    assertError(getRevoke, 405, "method_not_allowed", null, null);
    assertEquals("POST", getRevoke.allow());
  }

  @Test
  void aFailedTaskShowsItsErrorSummaryAndAnErrorIdButNoStackTrace() {
    String id = post("/tasks/fail", "\"on purpose\"").body().get("id").asString();
    Answer failed = get("/tasks/" + id + "/result?timeout=5s");
    JsonNode body = assertError(failed, 500, "task_failed", null, null);
    assertEquals(
        NonRetryableException.class.getName(), body.path("details").path("type").asString());
    assertEquals("failed: on purpose", body.path("details").path("message").asString());
    assertFalse(body.path("details").has("stack"), failed.text());
    assertFalse(failed.text().contains("\tat "), failed.text());
    String errorId = body.path("errorId").asString();
    assertTrue(errorId.matches("[0-9a-f]{8}"), failed.text());
    assertTrue(
        serverLog.stream()
            .anyMatch(l -> l.startsWith("error " + errorId + ":") && l.contains("\tat ")),
        "the server logs the stack trace under the error id: " + serverLog);
    Answer status = get("/tasks/" + id);
    assertEquals(200, status.status());
    assertFalse(status.text().contains("\tat "), status.text());
  }

  @Test
  void revokeByDeleteOrPost() {
    String waiting = post("/tasks/nap?delay=1h", "5").body().get("id").asString();
    Answer revoked = send(HttpMethod.DELETE, "/tasks/" + waiting, null);
    assertEquals(200, revoked.status(), revoked.text());
    assertEquals("REVOKED", revoked.body().path("revoke").asString());
    assertEquals(waiting, revoked.body().path("id").asString());
    assertEquals(410, get("/tasks/" + waiting + "/result?timeout=5s").status());

    String other = post("/tasks/nap?delay=1h", "5").body().get("id").asString();
    Answer byPost = post("/tasks/" + other + "/revoke", null);
    assertEquals(200, byPost.status(), byPost.text());
    assertEquals("REVOKED", byPost.body().path("revoke").asString());

    String done = post("/tasks/add", "{\"a\":2,\"b\":3}").body().get("id").asString();
    assertEquals(200, get("/tasks/" + done + "/result?timeout=5s").status());
    assertError(
        send(HttpMethod.DELETE, "/tasks/" + done, null), 409, "already_finished", null, null);
    assertError(send(HttpMethod.DELETE, "/tasks/no-such-id", null), 404, "unknown_id", null, null);
  }
}
