package io.taskflux.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.taskflux.task.TaskStatus;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class StructuredConcurrencyTest {

  @Test
  void theFirstFailureCancelsTheGroupAndRevokesEverySibling() {
    // The healthy parts would take a minute; the run ends long before (block(slow) in run()).
    StructuredConcurrency.Outcome o =
        StructuredConcurrency.run(
            Duration.ofMinutes(1), new PrintStream(OutputStream.nullOutputStream()));
    assertEquals("PendingGroupException", o.groupError());
    assertEquals("part 'bad' is unavailable", o.cause());
    assertEquals(
        List.of(TaskStatus.FAILED, TaskStatus.FAILED, TaskStatus.FAILED), o.siblingStatuses());
  }
}
