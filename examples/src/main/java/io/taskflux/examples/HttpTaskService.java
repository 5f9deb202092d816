package io.taskflux.examples;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.taskflux.NonRetryableException;
import io.taskflux.UndecodablePayloadException;
import io.taskflux.engine.SubmitOptions;
import io.taskflux.engine.TaskDefinition;
import io.taskflux.engine.TaskEngine;
import io.taskflux.engine.TaskFailedException;
import io.taskflux.engine.TaskHandle;
import io.taskflux.engine.WorkerOptions;
import io.taskflux.spi.QueueStats;
import io.taskflux.task.ExceptionDetails;
import io.taskflux.task.MessageRef;
import io.taskflux.task.StatusUpdate;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.TimeoutException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.NullNode;

/**
 * The engine inside an HTTP service on reactor-netty, as a WebFlux service would hold it. No
 * handler blocks: every step is a {@code Mono}/{@code Flux} on the event loop.
 *
 * <ul>
 *   <li>{@code POST /tasks/{name}?priority=0&delay=2s} with a JSON body (the task's input): 202
 *       with the id and links; 400 for bad JSON or input of the wrong shape, 404 for an unknown
 *       task, 413 for a body over {@value #MAX_BODY_BYTES} bytes;
 *   <li>{@code GET /tasks/{id}}: the status as JSON, 404 if unknown;
 *   <li>{@code GET /tasks/{id}/result?timeout=2s}: 200 with the result; 202 with the current status
 *       when it is not ready within the timeout; 500 with the remote error's details when the task
 *       failed, 410 when it was revoked;
 *   <li>{@code GET /tasks/{id}/events}: server-sent events, one per status, ending after the
 *       terminal one;
 *   <li>{@code GET /queues}: per queue, how many messages are ready, delayed, in flight and dead.
 * </ul>
 *
 * <p>Run: {@code java -cp examples/target/taskflux-demo.jar io.taskflux.examples.HttpTaskService
 * [port]}, then for example {@code curl -d '{"a":2,"b":3}' localhost:8080/tasks/add}.
 */
public final class HttpTaskService implements AutoCloseable {

  /** The largest request body accepted. */
  public static final int MAX_BODY_BYTES = 64 * 1024;

  /** The longest {@code timeout} a result request may ask for. */
  static final Duration MAX_RESULT_TIMEOUT = Duration.ofMinutes(5);

  static final Duration DEFAULT_RESULT_TIMEOUT = Duration.ofSeconds(2);

  private static final JsonMapper JSON =
      JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

  private final TaskEngine engine;
  private final Map<String, TaskDefinition<?, ?>> tasks = new LinkedHashMap<>();
  private final List<String> queues;
  private final DisposableServer server;

  private HttpTaskService(
      TaskEngine engine, List<TaskDefinition<?, ?>> exposed, String host, int port) {
    this.engine = Objects.requireNonNull(engine, "engine");
    exposed.forEach(d -> tasks.put(d.name(), d));
    this.queues = List.copyOf(new TreeSet<>(tasks.values().stream().map(d -> d.queue()).toList()));
    this.server =
        HttpServer.create()
            .host(host)
            .port(port)
            .route(
                routes ->
                    routes
                        .post("/tasks/{name}", (req, res) -> safe(res, submit(req, res)))
                        .get("/tasks/{id}", (req, res) -> safe(res, status(req, res)))
                        .get("/tasks/{id}/result", (req, res) -> safe(res, result(req, res)))
                        .get("/tasks/{id}/events", (req, res) -> safe(res, events(req, res)))
                        .get("/queues", (req, res) -> safe(res, queues(res))))
            .bindNow();
  }

  /**
   * Starts the service on {@code host:port} (port 0: a free one) over an engine whose tasks are
   * registered (workers are the caller's business). Blocks until the port is bound.
   *
   * @param exposed the tasks clients may submit and follow, by name
   */
  public static HttpTaskService start(
      TaskEngine engine, List<TaskDefinition<?, ?>> exposed, String host, int port) {
    if (exposed.isEmpty()) {
      throw new IllegalArgumentException("exposed must name at least one task");
    }
    return new HttpTaskService(engine, exposed, host, port);
  }

  /** The bound port. */
  public int port() {
    return server.port();
  }

  /** Stops the server (blocking, at most a few seconds); the engine is the caller's to close. */
  @Override
  public void close() {
    server.disposeNow(Duration.ofSeconds(5));
  }

  // ---------------------------------------------------------------- the demo main

  /** A pair of numbers, the input of {@code add}. */
  public record Pair(int a, int b) {}

  static final TaskDefinition<Pair, Integer> ADD =
      TaskDefinition.of("add", Pair.class, Integer.class);

  static final TaskDefinition<Long, String> NAP =
      TaskDefinition.of("nap", Long.class, String.class);

  static final TaskDefinition<String, String> FAIL =
      TaskDefinition.of("fail", String.class, String.class).maxRetries(0);

  /** Serves {@code add}, {@code nap} and {@code fail} on an in-memory engine until killed. */
  public static void main(String[] args) {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 8080;
    TaskEngine engine = TaskEngine.inMemory();
    engine.register(ADD, p -> Mono.just(p.a() + p.b()));
    engine.register(NAP, ms -> Mono.delay(Duration.ofMillis(ms)).thenReturn("slept " + ms + " ms"));
    engine.register(FAIL, why -> Mono.error(new NonRetryableException(why)));
    engine.workers(WorkerOptions.defaults().concurrency(64)).start();
    HttpTaskService service = start(engine, List.of(ADD, NAP, FAIL), "0.0.0.0", port);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  service.close();
                  engine.close();
                }));
    System.out.println("taskflux HTTP service on http://localhost:" + service.port());
    service.server.onDispose().block();
  }

  // ---------------------------------------------------------------- handlers

  private Mono<Void> submit(HttpServerRequest req, HttpServerResponse res) {
    String name = req.param("name");
    TaskDefinition<?, ?> def = tasks.get(name);
    if (def == null) {
      return Mono.error(
          new HttpError(
              HttpResponseStatus.NOT_FOUND,
              "unknown_task",
              "no task named '" + name + "'; known: " + tasks.keySet()));
    }
    QueryStringDecoder query = new QueryStringDecoder(req.uri());
    SubmitOptions options;
    try {
      options = SubmitOptions.defaults();
      String priority = first(query, "priority");
      if (priority != null) {
        options = options.priority(Integer.parseInt(priority));
      }
      String delay = first(query, "delay");
      if (delay != null) {
        options = options.delay(Durations.parse(delay));
      }
    } catch (IllegalArgumentException e) {
      return Mono.error(
          new HttpError(HttpResponseStatus.BAD_REQUEST, "bad_option", e.getMessage()));
    }
    SubmitOptions submitOptions = options;
    return body(req)
        .map(bytes -> parse(bytes, def))
        .flatMap(input -> engine.submit(name, input, submitOptions))
        .flatMap(
            h -> {
              Map<String, Object> body = new LinkedHashMap<>();
              body.put("id", h.id());
              body.put("task", name);
              body.put("queue", h.ref().queue());
              body.put("status", "SUBMITTED");
              body.put("links", links(h.id()));
              res.header(HttpHeaderNames.LOCATION, "/tasks/" + h.id());
              return json(res, HttpResponseStatus.ACCEPTED, body);
            });
  }

  private Mono<Void> status(HttpServerRequest req, HttpServerResponse res) {
    return locate(req.param("id"))
        .flatMap(loc -> json(res, HttpResponseStatus.OK, statusJson(loc.ref(), loc.status())));
  }

  private Mono<Void> result(HttpServerRequest req, HttpServerResponse res) {
    Duration timeout;
    try {
      String t = first(new QueryStringDecoder(req.uri()), "timeout");
      timeout = t == null ? DEFAULT_RESULT_TIMEOUT : Durations.parse(t);
      if (timeout.compareTo(MAX_RESULT_TIMEOUT) > 0) {
        throw new IllegalArgumentException("timeout must be at most " + MAX_RESULT_TIMEOUT);
      }
    } catch (IllegalArgumentException e) {
      return Mono.error(
          new HttpError(HttpResponseStatus.BAD_REQUEST, "bad_timeout", e.getMessage()));
    }
    return locate(req.param("id"))
        .flatMap(
            loc -> {
              TaskHandle<JsonNode> h = handle(loc.ref());
              return h.result(timeout)
                  .map(v -> (JsonNode) v)
                  .defaultIfEmpty(NullNode.getInstance())
                  .flatMap(
                      v -> {
                        Map<String, Object> body = new LinkedHashMap<>();
                        body.put("id", loc.ref().id());
                        body.put("status", "SUCCEEDED");
                        body.put("result", v);
                        return json(res, HttpResponseStatus.OK, body);
                      })
                  .onErrorResume(
                      TimeoutException.class,
                      e ->
                          h.status()
                              .defaultIfEmpty(loc.status())
                              .flatMap(
                                  s -> {
                                    Map<String, Object> body = statusJson(loc.ref(), s);
                                    body.put(
                                        "message", "no result within " + Durations.format(timeout));
                                    body.put("links", links(loc.ref().id()));
                                    return json(res, HttpResponseStatus.ACCEPTED, body);
                                  }))
                  .onErrorResume(
                      TaskFailedException.class,
                      e -> {
                        Map<String, Object> body = new LinkedHashMap<>();
                        body.put("id", loc.ref().id());
                        body.put("status", "FAILED");
                        body.put("error", e.isRevoked() ? "task_revoked" : "task_failed");
                        body.put("details", details(e.details(), true));
                        return json(
                            res,
                            e.isRevoked()
                                ? HttpResponseStatus.GONE
                                : HttpResponseStatus.INTERNAL_SERVER_ERROR,
                            body);
                      });
            });
  }

  private Mono<Void> events(HttpServerRequest req, HttpServerResponse res) {
    return locate(req.param("id"))
        .flatMap(
            loc -> {
              Flux<String> events =
                  handle(loc.ref())
                      .statusUpdates()
                      .index()
                      .map(
                          e ->
                              "id: "
                                  + e.getT1()
                                  + "\nevent: status\ndata: "
                                  + write(statusJson(loc.ref(), e.getT2()))
                                  + "\n\n");
              return res.status(HttpResponseStatus.OK)
                  .header(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8")
                  .header(HttpHeaderNames.CACHE_CONTROL, "no-cache")
                  .sendString(events)
                  .then();
            });
  }

  private Mono<Void> queues(HttpServerResponse res) {
    return engine
        .backend()
        .queues()
        .concatWith(Flux.fromIterable(queues))
        .collect(TreeSet<String>::new, TreeSet::add)
        .flatMapMany(Flux::fromIterable)
        .concatMap(q -> engine.backend().stats(q))
        .map(HttpTaskService::statsJson)
        .collectList()
        .flatMap(list -> json(res, HttpResponseStatus.OK, Map.of("queues", list)));
  }

  // ---------------------------------------------------------------- helpers

  /** Where a task is: its ref and current status. */
  private record Located(MessageRef ref, StatusUpdate status) {}

  /**
   * Finds the queue of a task id among the exposed tasks' queues (an id alone does not name its
   * queue), with its current status; fails with a 404 when no queue knows it.
   */
  private Mono<Located> locate(String id) {
    List<MessageRef> refs = new ArrayList<>();
    try {
      queues.forEach(q -> refs.add(MessageRef.of(q, id)));
    } catch (IllegalArgumentException e) {
      return Mono.error(new HttpError(HttpResponseStatus.BAD_REQUEST, "bad_id", e.getMessage()));
    }
    return Flux.fromIterable(refs)
        .flatMap(ref -> engine.backend().getStatus(ref).map(s -> new Located(ref, s)))
        .next()
        .switchIfEmpty(
            Mono.error(
                new HttpError(
                    HttpResponseStatus.NOT_FOUND, "unknown_id", "no task with id " + id)));
  }

  private TaskHandle<JsonNode> handle(MessageRef ref) {
    return engine.handle(TaskDefinition.of("any", JsonNode.class, JsonNode.class), ref);
  }

  /** The body, failing with a 413 as soon as it grows past the limit. */
  private static Mono<byte[]> body(HttpServerRequest req) {
    String length = req.requestHeaders().get(HttpHeaderNames.CONTENT_LENGTH);
    if (length != null && parseLong(length) > MAX_BODY_BYTES) {
      return Mono.error(tooLarge());
    }
    return req.receive()
        .asByteArray()
        .reduceWith(
            ByteArrayOutputStream::new,
            (buf, chunk) -> {
              if (buf.size() + chunk.length > MAX_BODY_BYTES) {
                throw tooLarge();
              }
              buf.write(chunk, 0, chunk.length);
              return buf;
            })
        .map(ByteArrayOutputStream::toByteArray)
        .defaultIfEmpty(new byte[0]);
  }

  /** The body as the task's input JSON: an empty body is {@code null}. */
  private JsonNode parse(byte[] bytes, TaskDefinition<?, ?> def) {
    JsonNode input;
    try {
      input = bytes.length == 0 ? NullNode.getInstance() : JSON.readTree(bytes);
      if (input == null || input.isMissingNode()) {
        // Bytes that hold no JSON value at all (a lone byte-order mark): not an empty body.
        throw new HttpError(
            HttpResponseStatus.BAD_REQUEST, "bad_json", "the body is not JSON: no value in it");
      }
    } catch (JacksonException e) {
      throw new HttpError(
          HttpResponseStatus.BAD_REQUEST,
          "bad_json",
          "the body is not JSON: " + e.getOriginalMessage());
    }
    try {
      engine.serializer().fromTree(input, def.inputType(), "request");
    } catch (UndecodablePayloadException e) {
      throw new HttpError(
          HttpResponseStatus.BAD_REQUEST,
          "invalid_input",
          "the body is not a valid "
              + def.inputType().getSimpleName()
              + " for task '"
              + def.name()
              + "': "
              + e.getMessage());
    }
    return input;
  }

  private static long parseLong(String s) {
    try {
      return Long.parseLong(s.trim());
    } catch (NumberFormatException e) {
      return Long.MAX_VALUE;
    }
  }

  private static HttpError tooLarge() {
    return new HttpError(
        HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
        "body_too_large",
        "the body must be at most " + MAX_BODY_BYTES + " bytes");
  }

  private static String first(QueryStringDecoder query, String name) {
    List<String> values = query.parameters().get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  private static Map<String, Object> links(String id) {
    Map<String, Object> links = new LinkedHashMap<>();
    links.put("self", "/tasks/" + id);
    links.put("result", "/tasks/" + id + "/result");
    links.put("events", "/tasks/" + id + "/events");
    return links;
  }

  static Map<String, Object> statusJson(MessageRef ref, StatusUpdate s) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("id", ref.id());
    body.put("queue", ref.queue());
    body.put("status", s.status().name());
    body.put("at", s.at().toString());
    if (s.error() != null) {
      body.put("error", details(s.error(), false));
    }
    return body;
  }

  private static Map<String, Object> details(ExceptionDetails d, boolean withStack) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", d.type());
    body.put("message", d.message());
    if (withStack) {
      body.put("stack", d.stack());
    }
    return body;
  }

  private static Map<String, Object> statsJson(QueueStats s) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("queue", s.queue());
    body.put("ready", s.ready());
    body.put("delayed", s.delayed());
    body.put("inFlight", s.leased());
    body.put("deadLetters", s.deadLetters());
    return body;
  }

  private static String write(Object body) {
    return JSON.writeValueAsString(body);
  }

  private static Mono<Void> json(HttpServerResponse res, HttpResponseStatus status, Object body) {
    return res.status(status)
        .header(HttpHeaderNames.CONTENT_TYPE, "application/json")
        .sendString(Mono.fromSupplier(() -> write(body)))
        .then();
  }

  /** Turns every error of a handler into a JSON answer (once nothing was sent yet). */
  private static Mono<Void> safe(HttpServerResponse res, Mono<Void> handler) {
    return Mono.defer(() -> handler)
        .onErrorResume(
            e -> {
              if (res.hasSentHeaders()) {
                return Mono.error(e);
              }
              HttpError h =
                  e instanceof HttpError he
                      ? he
                      : new HttpError(
                          HttpResponseStatus.INTERNAL_SERVER_ERROR,
                          "internal",
                          e.getClass().getName() + ": " + e.getMessage());
              Map<String, Object> body = new LinkedHashMap<>();
              body.put("error", h.code);
              body.put("message", h.getMessage());
              return json(res, h.status, body);
            });
  }

  /** An error answer: the HTTP status, a stable code and a message for people. */
  private static final class HttpError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    final transient HttpResponseStatus status;
    final String code;

    HttpError(HttpResponseStatus status, String code, String message) {
      super(message, null, false, false);
      this.status = status;
      this.code = code;
    }
  }
}
