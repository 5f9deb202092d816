package io.taskflux.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.taskflux.NonRetryableException;
import io.taskflux.engine.TaskDefinition;
import io.taskflux.engine.TaskEngine;
import io.taskflux.engine.WorkerOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The HTTP example over loopback with a real HTTP client; BlockHound is on (taskflux-testing). */
class HttpTaskServiceTest {

  static final Duration WAIT = Duration.ofSeconds(10);
  static final JsonMapper JSON = JsonMapper.builder().build();

  /** Waits for the test to open its gate: lets a test watch a task while it runs. */
  static final TaskDefinition<String, String> GATED =
      TaskDefinition.of("gated", String.class, String.class);

  final Sinks.One<String> gate = Sinks.one();
  TaskEngine engine;
  HttpTaskService service;
  HttpClient client;

  record Answer(int status, JsonNode body) {}

  @BeforeEach
  void start() {
    engine = TaskEngine.inMemory();
    engine.register(HttpTaskService.ADD, p -> Mono.just(p.a() + p.b()));
    engine.register(
        HttpTaskService.NAP, ms -> Mono.delay(Duration.ofMillis(ms)).thenReturn("slept " + ms));
    engine.register(
        HttpTaskService.FAIL, why -> Mono.error(new NonRetryableException("failed: " + why)));
    engine.register(GATED, s -> gate.asMono().map(g -> s + " " + g));
    engine.workers(WorkerOptions.defaults().concurrency(8)).start();
    service =
        HttpTaskService.start(
            engine,
            List.of(HttpTaskService.ADD, HttpTaskService.NAP, HttpTaskService.FAIL, GATED),
            "127.0.0.1",
            0);
    client = HttpClient.create().baseUrl("http://127.0.0.1:" + service.port());
  }

  @AfterEach
  void stop() {
    gate.tryEmitValue("stop");
    service.close();
    engine.closeAsync().block(WAIT);
  }

  private Answer post(String path, String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    return client
        .headers(h -> h.set(HttpHeaderNames.CONTENT_TYPE, "application/json"))
        .post()
        .uri(path)
        .send(ByteBufFlux.fromString(Mono.just(body)))
        .responseSingle(
            (res, content) ->
                content.asString().defaultIfEmpty("").map(s -> answer(res.status().code(), s)))
        .block(WAIT);
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
    return new Answer(status, body.isEmpty() ? null : JSON.readTree(body));
  }

  @Test
  void submitThenStatusThenResult() {
    Answer submitted = post("/tasks/add", "{\"a\":2,\"b\":3}");
    assertEquals(202, submitted.status(), String.valueOf(submitted.body()));
    String id = submitted.body().get("id").asString();
    assertEquals(
        "/tasks/" + id + "/result", submitted.body().get("links").get("result").asString());

    Answer result = get("/tasks/" + id + "/result?timeout=5s");
    assertEquals(200, result.status(), String.valueOf(result.body()));
    assertEquals(5, result.body().get("result").asInt());

    Answer status = get("/tasks/" + id);
    assertEquals(200, status.status());
    assertEquals("SUCCEEDED", status.body().get("status").asString());
    assertEquals("default", status.body().get("queue").asString());
  }

  @Test
  void aResultNotReadyWithinTheTimeoutIs202WithTheCurrentStatus() {
    String id = post("/tasks/gated", "\"hello\"").body().get("id").asString();
    Answer early = get("/tasks/" + id + "/result?timeout=100ms");
    assertEquals(202, early.status(), String.valueOf(early.body()));
    String status = early.body().get("status").asString();
    assertTrue(status.equals("RUNNING") || status.equals("SUBMITTED"), status);
    assertEquals("no result within 100ms", early.body().get("message").asString());

    gate.tryEmitValue("world");
    Answer done = get("/tasks/" + id + "/result?timeout=5s");
    assertEquals(200, done.status());
    assertEquals("hello world", done.body().get("result").asString());
  }

  @Test
  void aFailedTaskIs500WithTheRemoteErrorSummary() {
    String id = post("/tasks/fail", "\"on purpose\"").body().get("id").asString();
    Answer failed = get("/tasks/" + id + "/result?timeout=5s");
    assertEquals(500, failed.status(), String.valueOf(failed.body()));
    assertEquals("task_failed", failed.body().get("error").asString());
    JsonNode details = failed.body().get("details");
    assertEquals(NonRetryableException.class.getName(), details.get("type").asString());
    assertEquals("failed: on purpose", details.get("message").asString());
    assertTrue(!details.has("stack"), "no stack trace for the client: " + details);
    assertTrue(failed.body().get("errorId").asString().length() == 8, failed.body().toString());
  }

  @Test
  void serverSentEventsArriveOneByOneAndEndAtTheTerminalStatus() {
    String id = post("/tasks/gated", "\"sse\"").body().get("id").asString();
    Flux<String> statuses =
        client
            .get()
            .uri("/tasks/" + id + "/events")
            .response(
                (res, content) -> {
                  assertEquals(
                      "text/event-stream; charset=utf-8",
                      res.responseHeaders().get(HttpHeaderNames.CONTENT_TYPE));
                  return content.asString();
                })
            .concatMapIterable(new SseSplitter())
            .map(data -> JSON.readTree(data).get("status").asString());
    // The gate opens only once the client has received RUNNING: SUCCEEDED can only follow if
    // the events are streamed as they happen, not collected and sent at the end.
    List<String> seen =
        statuses
            .doOnNext(
                s -> {
                  if (s.equals("RUNNING")) {
                    gate.tryEmitValue("go");
                  }
                })
            .collectList()
            .block(WAIT);
    assertTrue(
        seen.equals(List.of("SUBMITTED", "RUNNING", "SUCCEEDED"))
            || seen.equals(List.of("RUNNING", "SUCCEEDED")),
        "statuses in order, ending at the terminal one: " + seen);
  }

  @Test
  void unknownTaskBadJsonWrongInputAndOversizedBodiesAreClear4xx() {
    Answer unknown = post("/tasks/nope", "{}");
    assertEquals(404, unknown.status());
    assertEquals("unknown_task", unknown.body().get("error").asString());
    assertTrue(unknown.body().get("message").asString().contains("add"), "lists the known tasks");

    Answer badJson = post("/tasks/add", "{\"a\":2,");
    assertEquals(400, badJson.status());
    assertEquals("bad_json", badJson.body().get("error").asString());

    Answer trailing = post("/tasks/add", "{\"a\":2} x");
    assertEquals(400, trailing.status());
    assertEquals("bad_json", trailing.body().get("error").asString());

    Answer wrongShape = post("/tasks/nap", "{\"a\":2}");
    assertEquals(400, wrongShape.status());
    assertEquals("invalid_input", wrongShape.body().get("error").asString());

    Answer tooBig = post("/tasks/add", "\"" + "x".repeat(HttpTaskService.MAX_BODY_BYTES) + "\"");
    assertEquals(413, tooBig.status());
    assertEquals("body_too_large", tooBig.body().get("error").asString());

    Answer badOption = post("/tasks/add?priority=-1", "{\"a\":1,\"b\":1}");
    assertEquals(400, badOption.status());
    assertEquals("bad_option", badOption.body().get("error").asString());

    Answer unknownId = get("/tasks/no-such-id");
    assertEquals(404, unknownId.status());
    assertEquals("unknown_id", unknownId.body().get("error").asString());
    assertEquals(404, get("/tasks/no-such-id/result").status());
    assertEquals(404, get("/tasks/no-such-id/events").status());

    Answer badTimeout = get("/tasks/no-such-id/result?timeout=soon");
    assertEquals(400, badTimeout.status());
    assertEquals("bad_timeout", badTimeout.body().get("error").asString());
  }

  @Test
  void queuesListDepthsInFlightAndDeadLetters() {
    String gated = post("/tasks/gated", "\"q\"").body().get("id").asString();
    String failed = post("/tasks/fail", "\"q\"").body().get("id").asString();
    assertEquals(500, get("/tasks/" + failed + "/result?timeout=5s").status());
    // Wait until the gated task runs (its events reach RUNNING) without sleeping.
    client
        .get()
        .uri("/tasks/" + gated + "/events")
        .responseContent()
        .asString()
        .concatMapIterable(new SseSplitter())
        .filter(d -> d.contains("RUNNING"))
        .next()
        .block(WAIT);
    Answer queues = get("/queues");
    assertEquals(200, queues.status());
    List<String> names = new ArrayList<>();
    JsonNode def = null;
    for (JsonNode q : queues.body().get("queues")) {
      names.add(q.get("queue").asString());
      if (q.get("queue").asString().equals("default")) {
        def = q;
      }
    }
    assertEquals(List.of("default"), names);
    assertEquals(1, def.get("inFlight").asLong());
    assertEquals(1, def.get("deadLetters").asLong());
    assertEquals(0, def.get("ready").asLong());
    gate.tryEmitValue("done");
  }

  /** Splits a stream of text chunks into the data lines of server-sent events. */
  static final class SseSplitter implements java.util.function.Function<String, List<String>> {
    private final StringBuilder pending = new StringBuilder();

    @Override
    public List<String> apply(String chunk) {
      pending.append(chunk);
      List<String> data = new ArrayList<>();
      int end;
      while ((end = pending.indexOf("\n\n")) >= 0) {
        for (String line : pending.substring(0, end).split("\n")) {
          if (line.startsWith("data: ")) {
            data.add(line.substring("data: ".length()));
          }
        }
        pending.delete(0, end + 2);
      }
      return data;
    }
  }
}
