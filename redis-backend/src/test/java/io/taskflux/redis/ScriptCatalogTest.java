package io.taskflux.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.cluster.SlotHash;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every Lua file is registered in {@link LuaScript}, documents its KEYS, ARGV, returns and errors,
 * declares the key count its call sites pass, and every key of a queue hashes to one cluster slot.
 */
class ScriptCatalogTest {

  private static final Pattern DECLARED_KEYS = Pattern.compile("(?m)^-- KEYS: (\\d+)");

  private static Path luaDir() throws URISyntaxException {
    return Path.of(LuaScript.class.getResource(LuaScript.DIR).toURI());
  }

  @Test
  void everyScriptFileIsRegisteredAndEveryRegisteredScriptHasAFile() throws Exception {
    Set<String> files;
    try (Stream<Path> s = Files.list(luaDir())) {
      files =
          s.map(p -> p.getFileName().toString())
              .filter(n -> n.endsWith(".lua"))
              .collect(Collectors.toCollection(TreeSet::new));
    }
    Set<String> registered =
        Arrays.stream(LuaScript.values())
            .map(LuaScript::fileName)
            .collect(Collectors.toCollection(TreeSet::new));
    assertEquals(files, registered);
  }

  @Test
  void everyHeaderDocumentsItsInterfaceAndDeclaresTheKeyCountOfItsCallSites() throws IOException {
    for (LuaScript script : LuaScript.values()) {
      String text = LuaScript.read(LuaScript.DIR + script.fileName());
      String name = script.fileName();
      assertTrue(text.startsWith("-- " + name + ": "), name + " opens with its purpose");
      for (String part : List.of("ARGV[1]", "-- Returns:", "-- Errors:")) {
        assertTrue(text.contains(part), name + " documents " + part);
      }
      Matcher m = DECLARED_KEYS.matcher(text);
      assertTrue(m.find(), name + " declares its key count");
      assertEquals(script.keyCount(), Integer.parseInt(m.group(1)), name + " key count");
      assertTrue(!script.source().contains("@include"), name + " has its includes expanded");
    }
  }

  @Test
  void theCallSitesPassTheDeclaredNumberOfKeys() {
    Keys keys = new Keys("ns");
    for (LuaScript script : LuaScript.values()) {
      String[] passed =
          script == LuaScript.ACQUIRE_LOCK || script == LuaScript.RELEASE_LOCK
              ? new String[] {keys.lock("l")}
              : keys.queueKeys("q");
      assertEquals(script.keyCount(), passed.length, script.fileName());
    }
  }

  @Test
  void everyKeyOfAQueueHashesToOneClusterSlot() {
    Keys keys = new Keys("shop");
    for (String queue : List.of("payments", "a}b{c", "émails", "x:y")) {
      int slot = SlotHash.getSlot(keys.queuePrefix(queue));
      List<String> all =
          Stream.concat(
                  Arrays.stream(keys.queueKeys(queue)),
                  Stream.of(
                      keys.message(queue, "id-1"),
                      keys.status(queue, "id-1"),
                      keys.result(queue, "id}{-2"),
                      keys.revocation(queue, "id-3"),
                      keys.wake(queue)))
              .toList();
      for (String key : all) {
        assertEquals(slot, SlotHash.getSlot(key), key + " is in the slot of " + queue);
      }
    }
    // Different queues may share a slot, but their key names never collide.
    assertTrue(!keys.queuePrefix("a}b").equals(keys.queuePrefix("a")));
  }
}
