package io.taskflux.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The catalog of Lua scripts: one per backend operation, each a file in {@code
 * io/taskflux/redis/lua/} whose header documents its KEYS, ARGV, returns and error codes. A line
 * {@code -- @include name} is replaced by {@code includes/name.lua} (itself expanded) when the
 * script is loaded. The SHA-1 of the expanded source is what {@code EVALSHA} calls.
 */
enum LuaScript {
  ENQUEUE("enqueue", Keys.QUEUE_KEY_SUFFIXES.length),
  ENQUEUE_ALL("enqueue_all", Keys.QUEUE_KEY_SUFFIXES.length),
  FIND("find", Keys.QUEUE_KEY_SUFFIXES.length),
  UPDATE("update", Keys.QUEUE_KEY_SUFFIXES.length),
  REMOVE("remove", Keys.QUEUE_KEY_SUFFIXES.length),
  FIND_DEAD_LETTER("find_dead_letter", Keys.QUEUE_KEY_SUFFIXES.length),
  DEAD_LETTER("dead_letter", Keys.QUEUE_KEY_SUFFIXES.length),
  DELETE_DEAD_LETTERS("delete_dead_letters", Keys.QUEUE_KEY_SUFFIXES.length),
  CLAIM("claim", Keys.QUEUE_KEY_SUFFIXES.length),
  AWAIT_WORK("await_work", Keys.QUEUE_KEY_SUFFIXES.length),
  PROMOTE_DUE("promote_due", Keys.QUEUE_KEY_SUFFIXES.length),
  EXTEND_LEASE("extend_lease", Keys.QUEUE_KEY_SUFFIXES.length),
  COMPLETE("complete", Keys.QUEUE_KEY_SUFFIXES.length),
  RETRY("retry", Keys.QUEUE_KEY_SUFFIXES.length),
  FAIL("fail", Keys.QUEUE_KEY_SUFFIXES.length),
  REQUEUE_EXPIRED("requeue_expired", Keys.QUEUE_KEY_SUFFIXES.length),
  REVOKE("revoke", Keys.QUEUE_KEY_SUFFIXES.length),
  SET_STATUS("set_status", Keys.QUEUE_KEY_SUFFIXES.length),
  GET_STATUS("get_status", Keys.QUEUE_KEY_SUFFIXES.length),
  DELETE_STATUS("delete_status", Keys.QUEUE_KEY_SUFFIXES.length),
  MARK_ORPHANS("mark_orphans", Keys.QUEUE_KEY_SUFFIXES.length),
  SET_RESULT("set_result", Keys.QUEUE_KEY_SUFFIXES.length),
  DELETE_RESULT("delete_result", Keys.QUEUE_KEY_SUFFIXES.length),
  STATS("stats", Keys.QUEUE_KEY_SUFFIXES.length),
  LIST("list", Keys.QUEUE_KEY_SUFFIXES.length),
  ACQUIRE_LOCK("acquire_lock", 1),
  RELEASE_LOCK("release_lock", 1);

  static final String DIR = "/io/taskflux/redis/lua/";

  private final String fileName;
  private final int keyCount;
  private final String source;
  private final String sha;

  LuaScript(String name, int keyCount) {
    this.fileName = name + ".lua";
    this.keyCount = keyCount;
    this.source = expand(read(DIR + fileName));
    this.sha = sha1(source);
  }

  /** The file name under {@link #DIR}. */
  String fileName() {
    return fileName;
  }

  /** How many KEYS every call site passes. */
  int keyCount() {
    return keyCount;
  }

  /** The source with its includes expanded. */
  String source() {
    return source;
  }

  /** The SHA-1 that EVALSHA calls. */
  String sha() {
    return sha;
  }

  static String read(String resource) {
    try (InputStream in = LuaScript.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing Lua script resource " + resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String expand(String text) {
    // Not a static field: enum constants are built before the enum's other static fields.
    Matcher m = Pattern.compile("(?m)^-- @include (\\w+)\\s*$").matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(
          out, Matcher.quoteReplacement(expand(read(DIR + "includes/" + m.group(1) + ".lua"))));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static String sha1(String text) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-1");
      return HexFormat.of().formatHex(d.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
