package io.taskflux.engine;

import io.taskflux.MessageAlreadyExistsException;
import io.taskflux.spi.Backend;
import io.taskflux.spi.EnqueueRequest;
import io.taskflux.spi.Retention;
import io.taskflux.task.Message;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;
import reactor.core.publisher.Flux;
import tools.jackson.databind.JsonNode;

/**
 * The chunked submission behind {@link TaskEngine#submitAll}: encodes a chunk of inputs, builds its
 * messages, stores them with one {@link Backend#enqueueAll} call, and emits a handle per stored
 * task in input order, stopping at the first failure as a loop of single submits would.
 */
final class BulkSubmit<I, O> {

  private static final System.Logger LOG = System.getLogger("io.taskflux.engine");

  private final Backend backend;
  private final Retention retention;
  private final TaskDefinition<I, O> definition;
  private final SubmitOptions options;
  private final Function<Object, JsonNode> encode;
  private final BiFunction<JsonNode, SubmitOptions, Message> build;
  private final Function<Message, TaskHandle<O>> handleOf;

  BulkSubmit(
      Backend backend,
      Retention retention,
      TaskDefinition<I, O> definition,
      SubmitOptions options,
      Function<Object, JsonNode> encode,
      BiFunction<JsonNode, SubmitOptions, Message> build,
      Function<Message, TaskHandle<O>> handleOf) {
    this.backend = backend;
    this.retention = retention;
    this.definition = definition;
    this.options = options;
    this.encode = encode;
    this.build = build;
    this.handleOf = handleOf;
  }

  /** The inputs of an {@code Iterable} in chunks (nulls kept), read as chunks are requested. */
  static <T> Flux<List<T>> chunks(Iterable<? extends T> inputs, int size) {
    return Flux.defer(
        () -> {
          Iterator<? extends T> it = inputs.iterator();
          return Flux.generate(
              sink -> {
                List<T> chunk = new ArrayList<>(Math.min(size, 1024));
                while (chunk.size() < size && it.hasNext()) {
                  chunk.add(it.next());
                }
                if (chunk.isEmpty()) {
                  sink.complete();
                } else {
                  sink.next(chunk);
                }
              });
        });
  }

  /** Submits every chunk, one after another. */
  Flux<TaskHandle<O>> submit(Flux<? extends List<? extends I>> chunks) {
    return chunks.concatMap(this::submitChunk, 0);
  }

  private Flux<TaskHandle<O>> submitChunk(List<? extends I> inputs) {
    return Flux.defer(
        () -> {
          List<Message> messages = new ArrayList<>(inputs.size());
          RuntimeException encodingError = null;
          for (I input : inputs) {
            try {
              messages.add(build.apply(encode.apply(input), options));
            } catch (RuntimeException e) {
              encodingError = e; // the tasks before it are still submitted, as by single submits
              break;
            }
          }
          Flux<TaskHandle<O>> stored = store(messages);
          return encodingError == null ? stored : stored.concatWith(Flux.error(encodingError));
        });
  }

  private Flux<TaskHandle<O>> store(List<Message> messages) {
    if (messages.isEmpty()) {
      return Flux.empty();
    }
    if (options.deferred()) {
      return Flux.fromIterable(messages).map(handleOf);
    }
    List<EnqueueRequest> requests = new ArrayList<>(messages.size());
    for (Message m : messages) {
      requests.add(new EnqueueRequest(m, retention));
    }
    int[] next = {0};
    return backend
        .enqueueAll(requests)
        .handle(
            (storedOne, sink) -> {
              Message m = messages.get(next[0]++);
              if (!storedOne) {
                sink.error(new MessageAlreadyExistsException(m.id()));
                return;
              }
              try {
                definition.hooks().onSubmit(m);
              } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "hook onSubmit of " + m.ref() + " threw; ignored", e);
              }
              sink.next(handleOf.apply(m));
            });
  }
}
