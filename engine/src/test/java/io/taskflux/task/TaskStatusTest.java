package io.taskflux.task;

import static io.taskflux.task.TaskStatus.FAILED;
import static io.taskflux.task.TaskStatus.RETRYING;
import static io.taskflux.task.TaskStatus.RUNNING;
import static io.taskflux.task.TaskStatus.SUBMITTED;
import static io.taskflux.task.TaskStatus.SUCCEEDED;
import static io.taskflux.task.TaskStatus.UNKNOWN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class TaskStatusTest {

  @Test
  void codesAreTheSeeds() {
    assertEquals(
        List.of(0, 1, 2, 3, 4, 5),
        List.of(UNKNOWN, SUBMITTED, RUNNING, RETRYING, FAILED, SUCCEEDED).stream()
            .map(TaskStatus::code)
            .toList());
    assertEquals(RETRYING, TaskStatus.ofCode(3));
    assertThrows(IllegalArgumentException.class, () -> TaskStatus.ofCode(6));
  }

  @Test
  void onlyFailedAndSucceededAreTerminal() {
    assertEquals(
        EnumSet.of(FAILED, SUCCEEDED),
        EnumSet.copyOf(
            List.of(TaskStatus.values()).stream().filter(TaskStatus::isTerminal).toList()));
  }

  @Test
  void theLifecycleIsAllowed() {
    List<TaskStatus> life =
        List.of(SUBMITTED, RUNNING, RETRYING, RUNNING, RETRYING, RUNNING, SUCCEEDED);
    for (int i = 1; i < life.size(); i++) {
      assertTrue(life.get(i - 1).canTransitionTo(life.get(i)), life.get(i - 1) + "→" + life.get(i));
    }
    assertTrue(RUNNING.canTransitionTo(FAILED));
    assertTrue(SUBMITTED.canTransitionTo(FAILED), "revoked before start");
    assertTrue(RETRYING.canTransitionTo(FAILED), "revoked while waiting");
  }

  @Test
  void terminalStatusesGoNowhereAndNothingSkipsRunning() {
    for (TaskStatus next : TaskStatus.values()) {
      assertFalse(SUCCEEDED.canTransitionTo(next));
      assertFalse(FAILED.canTransitionTo(next));
      assertFalse(next.canTransitionTo(next), next + " to itself");
    }
    assertFalse(SUBMITTED.canTransitionTo(SUCCEEDED));
    assertFalse(SUBMITTED.canTransitionTo(RETRYING));
    assertFalse(RETRYING.canTransitionTo(SUCCEEDED));
    assertFalse(RUNNING.canTransitionTo(SUBMITTED));
  }

  @Test
  void unknownMayBecomeAnythingAndAnythingLiveMayBecomeUnknown() {
    assertEquals(EnumSet.complementOf(EnumSet.of(UNKNOWN)), UNKNOWN.allowedNext());
    for (TaskStatus s : List.of(SUBMITTED, RUNNING, RETRYING)) {
      assertTrue(s.canTransitionTo(UNKNOWN), s.toString());
    }
  }
}
