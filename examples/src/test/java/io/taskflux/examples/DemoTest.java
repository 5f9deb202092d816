package io.taskflux.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskflux.Taskflux;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DemoTest {

  @Test
  void demoPrintsTheEngineVersion() {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    Demo.run(new PrintStream(buf, true, StandardCharsets.UTF_8));
    String out = buf.toString(StandardCharsets.UTF_8);
    assertTrue(out.contains("taskflux " + Taskflux.version()), out);
  }
}
