package io.taskflux.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskflux.CapacityExceededException;
import io.taskflux.spi.Backend;
import io.taskflux.spi.EnqueueRequest;
import io.taskflux.task.Message;
import io.taskflux.task.TaskStatus;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import tools.jackson.databind.JsonNode;

/**
 * {@link TaskEngine#submitAll} on a backend: handle order, chunking into {@link Backend#enqueueAll}
 * calls, a full backend and an unencodable input in the middle of a chunk. Every backend extends it
 * (in-memory in the engine, Redis in its module).
 */
public abstract class SubmitAllContract {

  /** A generous bound for things that must happen "at once". */
  protected static final Duration WAIT = Duration.ofSeconds(30);

  private final List<Integer> batches = Collections.synchronizedList(new ArrayList<>());
  private final List<Backend> opened = new ArrayList<>();
  private final List<TaskEngine> engines = new ArrayList<>();
  private TaskDefinition<Integer, Integer> square;
  private TaskEngine engine;

  /** A fresh backend; {@code capacity} live messages at most per queue when {@code > 0}. */
  protected abstract Backend createBackend(int capacity);

  @BeforeEach
  void setUp() {
    String queue = "q" + UUID.randomUUID().toString().substring(0, 8);
    square = TaskDefinition.of("square", Integer.class, Integer.class).queue(queue);
    engine = engineOn(0);
  }

  @AfterEach
  void tearDown() {
    for (TaskEngine e : engines) {
      e.closeAsync().block(WAIT);
    }
    for (Backend b : opened) {
      b.closeAsync().block(WAIT);
    }
  }

  /** An engine on a fresh backend whose {@code enqueueAll} calls are recorded by size. */
  private TaskEngine engineOn(int capacity) {
    Backend real = createBackend(capacity);
    opened.add(real);
    InvocationHandler h =
        (proxy, method, args) -> {
          if (method.getName().equals("enqueueAll")) {
            batches.add(((List<?>) args[0]).size());
          }
          try {
            return method.invoke(real, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        };
    Backend counted =
        (Backend)
            Proxy.newProxyInstance(
                Backend.class.getClassLoader(), new Class<?>[] {Backend.class}, h);
    TaskEngine e = TaskEngine.builder().backend(counted).build();
    e.register(square, n -> Mono.just(n * n));
    engines.add(e);
    return e;
  }

  private static List<Integer> inputs(TaskHandle<?>... handles) {
    return inputs(Arrays.asList(handles));
  }

  private static List<Integer> inputs(List<? extends TaskHandle<?>> handles) {
    List<Integer> out = new ArrayList<>();
    for (TaskHandle<?> h : handles) {
      JsonNode args = h.message().orElseThrow().arguments();
      out.add(args.isNull() ? null : args.asInt());
    }
    return out;
  }

  /** A value the JSON serializer cannot encode (it refers to itself). */
  public static final class SelfReference {
    /** The cycle. */
    public SelfReference getSelf() {
      return this;
    }
  }

  @Test
  void handlesComeInInputOrderOneBackendCallPerChunkAndEveryTaskRuns() {
    List<Integer> in = IntStream.range(0, 2_345).boxed().toList();
    List<TaskHandle<Integer>> handles = engine.submitAll(square, in).collectList().block(WAIT);
    assertEquals(in, inputs(handles));
    assertEquals(List.of(1_000, 1_000, 345), batches);
    assertEquals(in.size(), handles.stream().map(TaskHandle::id).distinct().count());
    assertEquals(TaskStatus.SUBMITTED, handles.get(2_000).status().block(WAIT).status(), "stored");
    engine.workers(WorkerOptions.queues(square.queue()).concurrency(16)).start();
    List<Integer> results =
        Flux.fromIterable(handles).concatMap(h -> h.result(WAIT)).collectList().block(WAIT);
    assertEquals(in.stream().map(n -> n * n).toList(), results);
  }

  @Test
  void aPublisherIsCutIntoChunksOfTheGivenSize() {
    Flux<Integer> in = Flux.range(0, 7);
    SubmitOptions o = SubmitOptions.defaults().priority(4);
    List<TaskHandle<Integer>> handles =
        engine.submitAll(square, in, o, 3).collectList().block(WAIT);
    assertEquals(List.of(0, 1, 2, 3, 4, 5, 6), inputs(handles));
    assertEquals(List.of(3, 3, 1), batches);
    handles.forEach(h -> assertEquals(4, h.message().orElseThrow().priority()));
    StepVerifier.create(engine.submitAll(square, Flux.empty(), o)).verifyComplete();
    StepVerifier.create(engine.submitAll(square, List.of())).verifyComplete();
    assertEquals(3, batches.size(), "nothing to store, no backend call");
  }

  @Test
  void aFullBackendEndsTheFluxAfterTheTasksStoredBeforeItInTheSameChunk() {
    TaskEngine small = engineOn(5);
    List<TaskHandle<Integer>> got = new ArrayList<>();
    StepVerifier.create(small.submitAll(square, List.of(10, 11, 12, 13, 14, 15, 16, 17)))
        .recordWith(() -> got)
        .expectNextCount(5)
        .expectError(CapacityExceededException.class)
        .verify(WAIT);
    assertEquals(List.of(10, 11, 12, 13, 14), inputs(got));
    assertEquals(List.of(8), batches, "one chunk, one call");
    assertEquals(5, small.backend().stats(square.queue()).block(WAIT).live());
  }

  @Test
  void anInputThatCannotBeEncodedEndsTheFluxAfterTheTasksBeforeIt() {
    TaskDefinition<Object, Object> any =
        TaskDefinition.of("any", Object.class, Object.class).queue(square.queue());
    List<Object> in = new ArrayList<>(List.of(1, 2));
    in.add(new SelfReference()); // a cycle: the serializer refuses it
    in.add(4);
    List<TaskHandle<Object>> got = new ArrayList<>();
    StepVerifier.create(engine.submitAll(any, in))
        .recordWith(() -> got)
        .expectNextCount(2)
        .expectError(IllegalArgumentException.class)
        .verify(WAIT);
    assertEquals(List.of(1, 2), inputs(got));
    assertEquals(List.of(2), batches, "only the tasks before it were sent");
    assertEquals(2, engine.backend().stats(square.queue()).block(WAIT).live());
  }

  @Test
  void nullInputsAreJsonNullDeferredStoresNothingAndAnIdIsRefused() {
    List<Integer> withNull = Arrays.asList(1, null, 3);
    List<TaskHandle<Integer>> handles =
        engine.submitAll(square, withNull).collectList().block(WAIT);
    assertEquals(withNull, inputs(handles));
    List<TaskHandle<Integer>> deferred =
        engine
            .submitAll(square, List.of(7, 8), SubmitOptions.defaults().deferred(true))
            .collectList()
            .block(WAIT);
    assertEquals(List.of(7, 8), inputs(deferred));
    assertEquals(List.of(3), batches, "deferred tasks are not stored");
    assertEquals(3, engine.backend().stats(square.queue()).block(WAIT).live());
    Message built = deferred.get(0).message().orElseThrow();
    assertTrue(engine.backend().enqueueAll(List.of(EnqueueRequest.of(built))).blockLast(WAIT));
    assertThrows(
        IllegalArgumentException.class,
        () -> engine.submitAll(square, List.of(1), SubmitOptions.defaults().id("fixed")));
    assertThrows(
        IllegalArgumentException.class,
        () -> engine.submitAll(square, Flux.just(1), SubmitOptions.defaults(), 0));
    assertEquals(
        List.of(1),
        inputs(
            engine.submitAll(square, Flux.just(1), SubmitOptions.defaults(), 1).blockFirst(WAIT)));
  }
}
