package io.taskflux.worker;

import io.taskflux.engine.TaskHooks;
import io.taskflux.task.ExceptionDetails;
import io.taskflux.task.Message;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** Hooks that record every call as "hook:id" (and throw afterwards when asked to). */
final class RecordingHooks<I, O> implements TaskHooks<I, O> {

  final List<String> calls = new CopyOnWriteArrayList<>();
  final List<ExceptionDetails> errors = new CopyOnWriteArrayList<>();
  private final Map<String, CompletableFuture<String>> terminal = new ConcurrentHashMap<>();
  private final boolean throwing;

  RecordingHooks(boolean throwing) {
    this.throwing = throwing;
  }

  private void record(String hook, Message m) {
    calls.add(hook + ":" + m.id());
    if (hook.equals("onSuccess") || hook.equals("onFailure") || hook.equals("onRevocation")) {
      terminalOf(m.id()).complete(hook);
    }
    if (throwing) {
      throw new IllegalStateException("hook " + hook + " throws on purpose");
    }
  }

  @Override
  public void onSubmit(Message message) {
    record("onSubmit", message);
  }

  @Override
  public void onSuccess(Message message, O result) {
    record("onSuccess", message);
  }

  @Override
  public void onRetry(Message message, ExceptionDetails error) {
    errors.add(error);
    record("onRetry", message);
  }

  @Override
  public void onFailure(Message message, ExceptionDetails error) {
    errors.add(error);
    record("onFailure", message);
  }

  @Override
  public void onRevocation(Message message) {
    record("onRevocation", message);
  }

  private CompletableFuture<String> terminalOf(String id) {
    return terminal.computeIfAbsent(id, k -> new CompletableFuture<>());
  }

  /**
   * Waits (on the test thread) until a terminal hook ran for {@code id} and returns its name; hooks
   * run just after the outcome is stored, so a test that saw the status waits for them here.
   */
  String awaitTerminal(String id, Duration timeout) {
    try {
      return terminalOf(id).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new AssertionError("no terminal hook for " + id + " within " + timeout, e);
    }
  }

  /** The hook names called for {@code id}, in order. */
  List<String> of(String id) {
    return calls.stream()
        .filter(c -> c.endsWith(":" + id))
        .map(c -> c.substring(0, c.indexOf(':')))
        .toList();
  }
}
