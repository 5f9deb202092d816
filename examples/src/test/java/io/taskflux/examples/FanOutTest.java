package io.taskflux.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FanOutTest {

  @Test
  void everyResultArrivesOnceInCompletionOrderThenInSubmissionOrderWithBoundedDemand() {
    int count = 5_000;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    FanOut.Summary s = FanOut.run(count, new PrintStream(buf, true, StandardCharsets.UTF_8));
    long expectedSum = 0;
    for (long n = 0; n < count; n++) {
      expectedSum += n * n;
    }
    assertEquals(count, s.count());
    assertEquals(expectedSum, s.sumInCompletionOrder());
    assertEquals(0, s.failures());
    assertTrue(s.inOrder(), "the second pass is in submission order");
    assertTrue(
        s.maxOutstanding() <= FanOut.DEMAND,
        "the consumer never has more than its demand outstanding: " + s.maxOutstanding());
    assertTrue(buf.toString(StandardCharsets.UTF_8).contains("submitted " + count + " tasks"));
  }
}
