package io.taskflux.executor;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The validated tasks of one executor, each with its run and outcome. The outcome is volatile and
 * written once, so the queries here are safe from any thread; {@link Slot#run} is touched only on
 * the executor's queue.
 */
final class TaskSlots {

  static final class Slot {
    final ExecutorTask task;
    TaskRun run; // executor queue only
    volatile Outcome outcome;

    Slot(ExecutorTask task) {
      this.task = task;
    }

    boolean failed() {
      Outcome current = outcome;
      return current != null && current.failed();
    }

    boolean alive() {
      return outcome == null && run != null;
    }
  }

  private final List<ExecutorTask> tasks;
  private final List<Slot> slots;
  private final Map<String, Slot> byId;

  /**
   * Checks every task: non-null, a non-blank id used once, and the type {@code mode} runs.
   *
   * @throws NullPointerException naming {@code tasks[i]} or its id
   * @throws IllegalArgumentException naming the task's index and id
   */
  TaskSlots(ExecutorMode mode, List<? extends ExecutorTask> tasks) {
    Objects.requireNonNull(tasks, "tasks");
    List<ExecutorTask> taskList = new ArrayList<>(tasks.size());
    List<Slot> slotList = new ArrayList<>(tasks.size());
    Map<String, Slot> slotsById = new HashMap<>();
    for (int i = 0; i < tasks.size(); i++) {
      String name = "tasks[" + i + "]";
      ExecutorTask task = Objects.requireNonNull(tasks.get(i), name);
      String id = Objects.requireNonNull(task.id(), name + ".id()");
      if (id.isBlank()) {
        throw new IllegalArgumentException(name + ".id() must not be blank");
      }
      if (!mode.taskType().isInstance(task)) {
        throw new IllegalArgumentException(
            String.format(
                "%s (%s) cannot run in mode %s: it is not an instance of %s",
                name, id, mode, mode.taskType().getSimpleName()));
      }
      Slot slot = new Slot(task);
      if (slotsById.putIfAbsent(id, slot) != null) {
        throw new IllegalArgumentException(name + ": duplicate task id " + id);
      }
      taskList.add(task);
      slotList.add(slot);
    }
    this.tasks = List.copyOf(taskList);
    this.slots = List.copyOf(slotList);
    this.byId = Map.copyOf(slotsById);
  }

  List<ExecutorTask> tasks() {
    return tasks;
  }

  List<Slot> all() {
    return slots;
  }

  int size() {
    return slots.size();
  }

  List<ExecutorTask> failed(boolean failed) {
    List<ExecutorTask> result = new ArrayList<>();
    for (Slot slot : slots) {
      if (slot.failed() == failed) {
        result.add(slot.task);
      }
    }
    return List.copyOf(result);
  }

  Optional<Throwable> failure(String taskId) {
    Objects.requireNonNull(taskId, "taskId");
    Slot slot = byId.get(taskId);
    if (slot == null) {
      throw new IllegalArgumentException("taskId: no task with id " + taskId);
    }
    return slot.failed() ? Optional.of(slot.outcome.error()) : Optional.empty();
  }

  /** The started tasks that have not ended yet (executor queue only). */
  List<Slot> alive() {
    List<Slot> alive = new ArrayList<>();
    for (Slot slot : slots) {
      if (slot.alive()) {
        alive.add(slot);
      }
    }
    return alive;
  }

  static List<String> ids(List<Slot> slots) {
    return slots.stream().map(slot -> slot.task.id()).toList();
  }
}
