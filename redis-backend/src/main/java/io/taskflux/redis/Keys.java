package io.taskflux.redis;

import java.util.Objects;

/**
 * Builds every Redis key and channel name of one namespace; nothing else in the module spells a
 * key. All keys of a queue share the hash tag {@code {ns:queue}}, so every queue script runs on
 * Redis Cluster; global things (locks, counters) get a tag of their own, and the queue registry
 * lives under {@code {ns}}.
 *
 * <p>Names are escaped ({@code %}, <code>{</code> and <code>}</code> become {@code %25}, {@code
 * %7B}, {@code %7D}) so that no queue name can end a hash tag early or collide with another queue's
 * keys; in the namespace, {@code :} becomes {@code %3A} as well, so that a namespace's keys are
 * exactly those matching <code>{ns:*</code> and <code>{ns}:*</code> (the ACL rule of a user
 * confined to one namespace).
 */
final class Keys {

  /** The suffixes of the seven keys every queue script takes, in KEYS order. */
  static final String[] QUEUE_KEY_SUFFIXES = {
    "ready", "delayed", "leased", "dead", "seq", "wake", "outbox"
  };

  private final String ns;

  Keys(String namespace) {
    // A ':' in the namespace is escaped too, so the namespace ends at the first ':' of a tag:
    // namespace "a" with queue "b:c" and namespace "a:b" with queue "c" get different keys, and
    // an ACL key pattern "~{a:*" grants namespace "a" only, never "a:b".
    this.ns = escape(Objects.requireNonNull(namespace, "namespace")).replace(":", "%3A");
  }

  static String escape(String name) {
    return name.replace("%", "%25").replace("{", "%7B").replace("}", "%7D");
  }

  /** {@code {ns:queue}:}, the prefix of every key and channel of a queue. */
  String queuePrefix(String queue) {
    return "{" + ns + ":" + escape(queue) + "}:";
  }

  /** The seven keys of a queue, in the order every queue script declares them. */
  String[] queueKeys(String queue) {
    String p = queuePrefix(queue);
    String[] keys = new String[QUEUE_KEY_SUFFIXES.length];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = p + QUEUE_KEY_SUFFIXES[i];
    }
    return keys;
  }

  /** The list idle workers block on (BLPOP) until work may be claimable. */
  String wake(String queue) {
    return queuePrefix(queue) + "wake";
  }

  /** The live message hash of a message. */
  String message(String queue, String id) {
    return queuePrefix(queue) + "m:" + id;
  }

  /** The status string of a message. */
  String status(String queue, String id) {
    return queuePrefix(queue) + "s:" + id;
  }

  /** The glob matching every status key of a queue (for the integrity scan). */
  String statusPattern(String queue) {
    return globEscape(queuePrefix(queue) + "s:") + "*";
  }

  /** The prefix of status keys, to cut ids out of scanned names. */
  String statusPrefix(String queue) {
    return queuePrefix(queue) + "s:";
  }

  /** The result string of a message. */
  String result(String queue, String id) {
    return queuePrefix(queue) + "r:" + id;
  }

  /** The revocation mark of a message. */
  String revocation(String queue, String id) {
    return queuePrefix(queue) + "rv:" + id;
  }

  /**
   * The status-watch marker of a queue: present (with a TTL its watchers refresh) while somebody
   * watches the queue's statuses; scripts publish statuses on the status channel only then.
   */
  String statusWatchMarker(String queue) {
    return queuePrefix(queue) + "w";
  }

  /** Channel of status writes of a queue. */
  String statusChannel(String queue) {
    return queuePrefix(queue) + "st";
  }

  /** Channel of result writes of a queue. */
  String resultChannel(String queue) {
    return queuePrefix(queue) + "rs";
  }

  /** Channel of revocations of a queue. */
  String revocationChannel(String queue) {
    return queuePrefix(queue) + "rv";
  }

  /** A named lock, under its own hash tag. */
  String lock(String name) {
    return "{" + ns + ":lock:" + escape(name) + "}";
  }

  /**
   * Channel on which a lock's releases are published (payload: the name). It shares the lock's hash
   * tag: a script may only publish (SPUBLISH) to a channel of the slot it runs in.
   */
  String lockChannel(String name) {
    return lock(name) + ":released";
  }

  /** A named counter, under its own hash tag. */
  String counter(String name) {
    return "{" + ns + ":ctr:" + escape(name) + "}";
  }

  /** The set of queue names that ever received a message. */
  String queueRegistry() {
    return "{" + ns + "}:queues";
  }

  private static String globEscape(String s) {
    StringBuilder b = new StringBuilder(s.length() + 8);
    for (char c : s.toCharArray()) {
      if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
        b.append('\\');
      }
      b.append(c);
    }
    return b.toString();
  }
}
