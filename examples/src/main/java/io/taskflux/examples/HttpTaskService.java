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
import io.taskflux.serde.StrictInput;
import io.taskflux.spi.QueueStats;
import io.taskflux.task.ExceptionDetails;
import io.taskflux.task.MessageRef;
import io.taskflux.task.StatusUpdate;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.NullNode;

/**
 * The engine inside an HTTP service on reactor-netty, as a WebFlux service would hold it. No
 * handler blocks: every step is a {@code Mono}/{@code Flux} on the event loop.
 *
 * <ul>
 *   <li>{@code POST /tasks/{name}?priority=0&delay=2s} with a JSON body (the task's input): 202
 *       with the id and links; 400 for bad JSON, an empty or {@code null} body, or input that does
 *       not fit the task's input type exactly (an unknown field, a missing or null one, a value of
 *       the wrong kind: the answer names the {@code field}), 400 naming the {@code parameter} for a
 *       bad {@code priority} or {@code delay}, 404 for an unknown task, 413 for a body over {@value
 *       #MAX_BODY_BYTES} bytes;
 *   <li>{@code GET /tasks/{id}}: the status as JSON, 404 if unknown;
 *   <li>{@code GET /tasks/{id}/result?timeout=2s}: 200 with the result; 202 with the current status
 *       when it is not ready within the timeout; 500 with the remote error's type and message (no
 *       stack trace: the server logs it under the {@code errorId} the answer carries) when the task
 *       failed, 410 when it was revoked;
 *   <li>{@code DELETE /tasks/{id}} or {@code POST /tasks/{id}/revoke}: revokes the task (a waiting
 *       one never runs, a running one is cancelled): 200 with the outcome, 409 if it already
 *       finished, 404 if unknown;
 *   <li>{@code GET /tasks/{id}/events}: server-sent events, one per status, ending after the
 *       terminal one;
 *   <li>{@code GET /queues}: per queue, how many messages are ready, delayed, in flight and dead.
 * </ul>
 *
 * <p>Every error is JSON ({@code {"error": code, "message": ...}}): 404 for an unknown path, 405
 * with an {@code Allow} header for a method a path does not take, 500 {@code internal} with an
 * {@code errorId} (the stack trace goes to the server's log under that id, never to the client).
 *
 * <p>Run: {@code java -cp examples/target/taskflux-demo.jar io.taskflux.examples.HttpTaskService
 * [port [host]]}, then for example {@code curl -d '{"a":2,"b":3}' localhost:8080/tasks/add}. It
 * binds the loopback interface unless a host is given ({@code 0.0.0.0} for every interface).
 */
public final class HttpTaskService implements AutoCloseable {

  /** The largest request body accepted. */
  public static final int MAX_BODY_BYTES = 64 * 1024;

  /** The longest {@code timeout} a result request may ask for. */
  static final Duration MAX_RESULT_TIMEOUT = Duration.ofMinutes(5);

  static final Duration DEFAULT_RESULT_TIMEOUT = Duration.ofSeconds(2);

  private static final JsonMapper JSON =
      JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

  private static final System.Logger LOG = System.getLogger(HttpTaskService.class.getName());

  /** Where the stack traces kept from clients go: a line with the error id, then the trace. */
  private static final Consumer<String> SERVER_LOG =
      line -> LOG.log(System.Logger.Level.WARNING, line);

  private final TaskEngine engine;
  private final Map<String, TaskDefinition<?, ?>> tasks = new LinkedHashMap<>();
  private final List<String> queues;
  private final DisposableServer server;
  private final Consumer<String> errorLog;

  private HttpTaskService(
      TaskEngine engine,
      List<TaskDefinition<?, ?>> exposed,
      String host,
      int port,
      Consumer<String> errorLog) {
    this.engine = Objects.requireNonNull(engine, "engine");
    this.errorLog = Objects.requireNonNull(errorLog, "errorLog");
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
                        .delete("/tasks/{id}", (req, res) -> safe(res, revoke(req, res)))
                        .post("/tasks/{id}/revoke", (req, res) -> safe(res, revoke(req, res)))
                        .get("/tasks/{id}/result", (req, res) -> safe(res, result(req, res)))
                        .get("/tasks/{id}/events", (req, res) -> safe(res, events(req, res)))
                        .get("/queues", (req, res) -> safe(res, queues(res)))
                        // Last: whatever no route above took, answered in JSON like the rest.
                        .route(req -> true, (req, res) -> safe(res, unrouted(req))))
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
    return start(engine, exposed, host, port, SERVER_LOG);
  }

  /** {@link #start(TaskEngine, List, String, int)} logging hidden errors to {@code errorLog}. */
  static HttpTaskService start(
      TaskEngine engine,
      List<TaskDefinition<?, ?>> exposed,
      String host,
      int port,
      Consumer<String> errorLog) {
    if (exposed.isEmpty()) {
      throw new IllegalArgumentException("exposed must name at least one task");
    }
    return new HttpTaskService(engine, exposed, host, port, errorLog);
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

  /**
   * Serves {@code add}, {@code nap} and {@code fail} on an in-memory engine until killed: {@code
   * [port [host]]}, by default 8080 on the loopback interface only.
   */
  public static void main(String[] args) {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 8080;
    String host = args.length > 1 ? args[1] : "127.0.0.1";
    TaskEngine engine = TaskEngine.inMemory();
    engine.register(ADD, p -> Mono.just(p.a() + p.b()));
    engine.register(NAP, ms -> Mono.delay(Duration.ofMillis(ms)).thenReturn("slept " + ms + " ms"));
    engine.register(FAIL, why -> Mono.error(new NonRetryableException(why)));
    engine.workers(WorkerOptions.defaults().concurrency(64)).start();
    HttpTaskService service = start(engine, List.of(ADD, NAP, FAIL), host, port);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  service.close();
                  engine.close();
                }));
    System.out.println(
        "taskflux HTTP service on http://"
            + (host.contains(":") ? "[" + host + "]" : host)
            + ":"
            + service.port()
            + (host.equals("127.0.0.1") ? " (loopback only; pass PORT 0.0.0.0 for all)" : ""));
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
    SubmitOptions options = SubmitOptions.defaults();
    String priority = first(query, "priority");
    if (priority != null) {
      try {
        options = options.priority(Integer.parseInt(priority));
      } catch (IllegalArgumentException e) {
        return Mono.error(
            badOption("priority", "priority must be an integer, got '" + priority + "'"));
      }
    }
    String delay = first(query, "delay");
    if (delay != null) {
      try {
        options = options.delay(Durations.parse(delay));
      } catch (IllegalArgumentException e) {
        return Mono.error(
            badOption(
                "delay",
                "delay must be a duration such as 500ms, 2s or 5m, got '"
                    + delay
                    + "': "
                    + e.getMessage()));
      }
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
                        body.put(
                            "message",
                            e.isRevoked()
                                ? "the task was revoked"
                                : "the task failed: " + e.details().message());
                        body.put("details", details(e.details()));
                        if (!e.isRevoked()) {
                          String errorId = errorId();
                          errorLog.accept(
                              "error "
                                  + errorId
                                  + ": task "
                                  + loc.ref()
                                  + " failed: "
                                  + e.details().type()
                                  + ": "
                                  + e.details().message()
                                  + "\n"
                                  + e.details().stack());
                          body.put("errorId", errorId);
                        }
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

  private Mono<Void> revoke(HttpServerRequest req, HttpServerResponse res) {
    return locate(req.param("id"))
        .flatMap(
            loc ->
                handle(loc.ref())
                    .revoke(false)
                    .flatMap(
                        r -> {
                          Map<String, Object> body = new LinkedHashMap<>();
                          body.put("id", loc.ref().id());
                          body.put("queue", loc.ref().queue());
                          body.put("revoke", r.name());
                          return switch (r) {
                            case REVOKED, REVOKED_RUNNING, SKIPPED_RUNNING ->
                                json(res, HttpResponseStatus.OK, body);
                            case ALREADY_FINISHED -> {
                              body.put("error", "already_finished");
                              body.put("message", "the task had finished; nothing changed");
                              yield json(res, HttpResponseStatus.CONFLICT, body);
                            }
                            case NOT_FOUND ->
                                Mono.error(
                                    new HttpError(
                                        HttpResponseStatus.NOT_FOUND,
                                        "unknown_id",
                                        "no task with id " + loc.ref().id()));
                          };
                        }));
  }

  /** The methods each path takes; a path that matches none is a 404. */
  private static final List<Map.Entry<java.util.regex.Pattern, String>> ALLOWED =
      List.of(
          Map.entry(java.util.regex.Pattern.compile("/tasks/[^/]+"), "GET, POST, DELETE"),
          Map.entry(java.util.regex.Pattern.compile("/tasks/[^/]+/(result|events)"), "GET"),
          Map.entry(java.util.regex.Pattern.compile("/tasks/[^/]+/revoke"), "POST"),
          Map.entry(java.util.regex.Pattern.compile("/queues"), "GET"));

  /** A request no route took: 405 with {@code Allow} for a known path, else 404. */
  private static Mono<Void> unrouted(HttpServerRequest req) {
    String path = new QueryStringDecoder(req.uri()).path();
    for (Map.Entry<java.util.regex.Pattern, String> e : ALLOWED) {
      if (e.getKey().matcher(path).matches()) {
        return Mono.error(
            new HttpError(
                    HttpResponseStatus.METHOD_NOT_ALLOWED,
                    "method_not_allowed",
                    req.method().name()
                        + " is not allowed on "
                        + path
                        + "; allowed: "
                        + e.getValue())
                .header(HttpHeaderNames.ALLOW.toString(), e.getValue()));
      }
    }
    return Mono.error(
        new HttpError(
            HttpResponseStatus.NOT_FOUND,
            "not_found",
            "no such path: "
                + path
                + "; see /tasks/{name} (POST), /tasks/{id} (GET, DELETE), /tasks/{id}/result,"
                + " /tasks/{id}/events, /tasks/{id}/revoke (POST), /queues"));
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

  /**
   * The body as the task's input JSON, checked against its input type; an empty or {@code null}
   * body is refused (every task of this service takes an input).
   */
  private JsonNode parse(byte[] bytes, TaskDefinition<?, ?> def) {
    if (bytes.length == 0) {
      throw missingBody(def, "an empty body");
    }
    JsonNode input;
    try {
      input = JSON.readTree(bytes);
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
    if (input.isNull()) {
      throw missingBody(def, "null");
    }
    try {
      StrictInput.read(input, def.inputType());
    } catch (JacksonException e) {
      String field = field(e);
      HttpError error =
          new HttpError(
              HttpResponseStatus.BAD_REQUEST,
              "invalid_input",
              "the body is not a valid "
                  + def.inputType().getSimpleName()
                  + " for task '"
                  + def.name()
                  + "'"
                  + (field == null ? "" : " (field '" + field + "')")
                  + ": "
                  + e.getOriginalMessage());
      throw field == null ? error : error.with("field", field);
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

  private static HttpError missingBody(TaskDefinition<?, ?> def, String got) {
    return new HttpError(
        HttpResponseStatus.BAD_REQUEST,
        "missing_body",
        "task '"
            + def.name()
            + "' needs a JSON "
            + def.inputType().getSimpleName()
            + " as its body, got "
            + got);
  }

  /** The dotted path of the field a decoding error is about, or null when it names none. */
  private static String field(JacksonException e) {
    if (e instanceof UnrecognizedPropertyException u) {
      return join(u.getPath(), u.getPropertyName());
    }
    if (e instanceof MismatchedInputException m && m.getMessage() != null) {
      java.util.regex.Matcher creator =
          java.util.regex.Pattern.compile("creator property '([^']+)'").matcher(m.getMessage());
      if (creator.find()) {
        String path = join(m.getPath(), null);
        return path.isEmpty() ? creator.group(1) : path;
      }
    }
    String path = join(e.getPath(), null);
    return path.isEmpty() ? null : path;
  }

  private static String join(List<JacksonException.Reference> path, String last) {
    List<String> names = new ArrayList<>();
    for (JacksonException.Reference r : path) {
      names.add(r.getPropertyName() != null ? r.getPropertyName() : "[" + r.getIndex() + "]");
    }
    if (last != null && (names.isEmpty() || !names.get(names.size() - 1).equals(last))) {
      names.add(last);
    }
    return String.join(".", names).replace(".[", "[");
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
      body.put("error", details(s.error()));
    }
    return body;
  }

  /** An error's type and message: never its stack trace, which is the server's business. */
  private static Map<String, Object> details(ExceptionDetails d) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", d.type());
    body.put("message", d.message());
    return body;
  }

  private static String errorId() {
    return UUID.randomUUID().toString().substring(0, 8);
  }

  private static HttpError badOption(String parameter, String message) {
    return new HttpError(HttpResponseStatus.BAD_REQUEST, "bad_option", message)
        .with("parameter", parameter);
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

  /**
   * Turns every error of a handler into a JSON answer (once nothing was sent yet). An unexpected
   * one is logged with its stack trace under an error id; the client gets the id, not the trace.
   */
  private Mono<Void> safe(HttpServerResponse res, Mono<Void> handler) {
    return Mono.defer(() -> handler)
        .onErrorResume(
            e -> {
              if (res.hasSentHeaders()) {
                return Mono.error(e);
              }
              HttpError h;
              if (e instanceof HttpError he) {
                h = he;
              } else {
                String errorId = errorId();
                StringWriter trace = new StringWriter();
                e.printStackTrace(new PrintWriter(trace));
                errorLog.accept("error " + errorId + ": unexpected\n" + trace);
                h =
                    new HttpError(
                            HttpResponseStatus.INTERNAL_SERVER_ERROR,
                            "internal",
                            "internal error; the server's log has the details under this errorId")
                        .with("errorId", errorId);
              }
              Map<String, Object> body = new LinkedHashMap<>();
              body.put("error", h.code);
              body.put("message", h.getMessage());
              body.putAll(h.extra);
              h.headers.forEach(res::header);
              return json(res, h.status, body);
            });
  }

  /** An error answer: the HTTP status, a stable code and a message for people. */
  private static final class HttpError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    final transient HttpResponseStatus status;
    final String code;
    final transient Map<String, Object> extra = new LinkedHashMap<>();
    final transient Map<String, String> headers = new LinkedHashMap<>();

    HttpError(HttpResponseStatus status, String code, String message) {
      super(message, null, false, false);
      this.status = status;
      this.code = code;
    }

    /** Adds a field to the JSON answer (which field or parameter was wrong, an error id). */
    HttpError with(String key, Object value) {
      extra.put(key, value);
      return this;
    }

    HttpError header(String name, String value) {
      headers.put(name, value);
      return this;
    }
  }
}
