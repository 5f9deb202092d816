package io.taskflux.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskflux.serde.Serializer;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * No Java serialization anywhere: the compiled classes of the engine, the Redis backend, the
 * examples and the CLI (as they are on this module's class path, jars or class folders) never name
 * {@code ObjectInputStream} or {@code ObjectOutputStream}; and the serializers never honour a type
 * name found in a payload (Jackson's default typing is off).
 */
class NoJavaSerializationTest {

  private static final List<String> FORBIDDEN =
      List.of("java/io/ObjectInputStream", "java/io/ObjectOutputStream");

  /** The shipped modules, by a word of their class-path entry's name. */
  private static final Map<String, String> MODULES =
      Map.of(
          "engine", "taskflux-engine|/engine/target/classes",
          "redis-backend", "taskflux-redis|/redis-backend/target/classes",
          "examples", "taskflux-examples|/examples/target/classes",
          "cli", "/cli/target/classes");

  /** Uses Java serialization on purpose: the scanner must find it. */
  static final class UsesJavaSerialization {
    static byte[] write(Object o) throws IOException {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (ObjectOutputStream s = new ObjectOutputStream(out)) {
        s.writeObject(o);
      }
      return out.toByteArray();
    }
  }

  @Test
  void noShippedClassUsesJavaSerialization() throws IOException {
    Map<String, Integer> scanned = new TreeMap<>();
    List<String> offenders = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      String module = moduleOf(entry.replace('\\', '/'));
      if (module == null) {
        continue;
      }
      for (Map.Entry<String, byte[]> c : classes(Path.of(entry)).entrySet()) {
        scanned.merge(module, 1, Integer::sum);
        if (usesJavaSerialization(c.getValue())) {
          offenders.add(module + ": " + c.getKey());
        }
      }
    }
    assertEquals(MODULES.keySet(), scanned.keySet(), "every module was found: " + scanned);
    scanned.forEach((m, n) -> assertTrue(n >= 10, m + " has only " + n + " classes scanned"));
    assertEquals(List.of(), offenders, "classes naming Java serialization");
  }

  @Test
  void theScannerFindsJavaSerialization() throws IOException {
    String name = UsesJavaSerialization.class.getName().replace('.', '/') + ".class";
    try (InputStream in = getClass().getClassLoader().getResourceAsStream(name)) {
      assertTrue(usesJavaSerialization(in.readAllBytes()));
    }
    assertTrue(UsesJavaSerialization.write("x").length > 0);
    try (InputStream in =
        getClass().getClassLoader().getResourceAsStream("io/taskflux/cli/CliTest.class")) {
      assertTrue(!usesJavaSerialization(in.readAllBytes()));
    }
  }

  @Test
  void serializersNeverHonourATypeNameInAPayload() {
    JsonNodeFactory nodes = JsonNodeFactory.instance;
    JsonNode property = nodes.objectNode().put("@class", "java.lang.ProcessBuilder").put("x", 1);
    JsonNode wrapper =
        nodes.arrayNode().add("java.util.HashMap").add(nodes.objectNode().put("x", 1));
    for (Serializer s : List.of(Serializer.json(), Serializer.binary())) {
      Object p = s.fromTree(property, Object.class, "m-1");
      Object w = s.fromTree(wrapper, Object.class, "m-2");
      assertEquals(LinkedHashMap.class, p.getClass(), s + " made " + p.getClass());
      assertEquals(ArrayList.class, w.getClass(), s + " made " + w.getClass());
      assertEquals("java.util.HashMap", ((List<?>) w).get(0));
    }
  }

  private static String moduleOf(String entry) {
    if (entry.contains("/test-classes") || entry.contains("taskflux-testing")) {
      return null;
    }
    for (Map.Entry<String, String> m : MODULES.entrySet()) {
      for (String word : m.getValue().split("\\|")) {
        if (entry.contains(word)) {
          return m.getKey();
        }
      }
    }
    return null;
  }

  /** The {@code io/taskflux} classes of a jar or class folder, by name. */
  private static Map<String, byte[]> classes(Path entry) throws IOException {
    Map<String, byte[]> out = new TreeMap<>();
    if (Files.isDirectory(entry)) {
      try (Stream<Path> files = Files.walk(entry)) {
        files
            .filter(f -> f.toString().endsWith(".class"))
            .filter(
                f -> entry.relativize(f).toString().replace('\\', '/').startsWith("io/taskflux/"))
            .forEach(
                f -> {
                  try {
                    out.put(entry.relativize(f).toString(), Files.readAllBytes(f));
                  } catch (IOException e) {
                    throw new UncheckedIOException(e);
                  }
                });
      }
    } else if (entry.toString().endsWith(".jar") && Files.isRegularFile(entry)) {
      try (JarFile jar = new JarFile(entry.toFile())) {
        for (JarEntry e : java.util.Collections.list(jar.entries())) {
          if (e.getName().startsWith("io/taskflux/") && e.getName().endsWith(".class")) {
            try (InputStream in = jar.getInputStream(e)) {
              out.put(e.getName(), in.readAllBytes());
            }
          }
        }
      }
    }
    return out;
  }

  /**
   * Whether a class file names a forbidden class: every class a class file refers to is a UTF-8
   * constant of its constant pool, and these names are plain ASCII.
   */
  static boolean usesJavaSerialization(byte[] classFile) {
    String text = new String(classFile, StandardCharsets.ISO_8859_1);
    return FORBIDDEN.stream().anyMatch(text::contains);
  }
}
