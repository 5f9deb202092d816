package io.taskflux.executor;

import java.util.Objects;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;

/** The tasks built by the {@code of} factories of {@link AsyncTask} and {@link ThreadTask}. */
final class SimpleTasks {

  private SimpleTasks() {}

  static String checkId(String id) {
    Objects.requireNonNull(id, "id");
    if (id.isBlank()) {
      throw new IllegalArgumentException("id must not be blank");
    }
    return id;
  }

  record Async(String id, Supplier<? extends Mono<Void>> body, Runnable onStop)
      implements AsyncTask {
    Async {
      checkId(id);
      Objects.requireNonNull(body, "body");
      Objects.requireNonNull(onStop, "onStop");
    }

    @Override
    public Mono<Void> runAsync() {
      return body.get();
    }

    @Override
    public void stop() {
      onStop.run();
    }
  }

  record Threaded(String id, ThreadTask.Body body, Runnable onStop) implements ThreadTask {
    Threaded {
      checkId(id);
      Objects.requireNonNull(body, "body");
      Objects.requireNonNull(onStop, "onStop");
    }

    @Override
    public void runInThread() throws Exception {
      body.run();
    }

    @Override
    public void stop() {
      onStop.run();
    }
  }
}
