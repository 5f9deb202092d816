package io.taskflux.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * taskflux-bom has no parent (so that importing it does not import the build's test tools), so it
 * repeats the versions of the libraries the build tests with: they must stay equal to the parent's.
 */
class BomVersionsTest {

  static String property(String pom, String name) {
    Matcher m = Pattern.compile("<" + Pattern.quote(name) + ">([^<]+)</").matcher(pom);
    assertTrue(m.find(), "no <" + name + ">");
    return m.group(1).strip();
  }

  @Test
  void theBomNamesTheVersionsTheBuildTestsWith() throws Exception {
    String parent = Files.readString(Path.of("..", "pom.xml"));
    String bom = Files.readString(Path.of("..", "bom", "pom.xml"));
    for (String name :
        List.of(
            "reactor-bom.version",
            "jackson-bom.version",
            "netty-bom.version",
            "lettuce.version",
            "cron-utils.version",
            "slf4j.version",
            "version")) {
      assertEquals(property(parent, name), property(bom, name), name);
    }
  }
}
