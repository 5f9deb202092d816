package io.taskflux.redis;

import io.taskflux.MessageTooLargeException;
import io.taskflux.UndecodablePayloadException;
import io.taskflux.serde.Serializer;
import io.taskflux.spi.Lease;
import io.taskflux.spi.MessageState;
import io.taskflux.spi.StoredMessage;
import io.taskflux.spi.StoredResult;
import io.taskflux.task.ExceptionDetails;
import io.taskflux.task.Message;
import io.taskflux.task.MessageRef;
import io.taskflux.task.StatusUpdate;
import io.taskflux.task.TaskStatus;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * How values are laid out in Redis, and back. Messages are stored as a hash whose {@code p} field
 * (cut by the scripts into {@code p}, {@code p2}, ... of at most 64 bytes, so the hash keeps
 * Redis's compact encoding) is the serializer's encoding of the message as enqueued; the hash also
 * holds the message's status while it is live. What the scripts change later (retries, readyAt,
 * updatedAt, the last error) lives in fields of its own and is applied on read, so no script ever
 * parses a payload. Statuses are {@code version|code|at|expiry|error}, results {@code
 * storedAt|expiry|value}, locks {@code expiry|owner}. Exception details are a small JSON object
 * written with taskflux's own mapper (never default typing).
 */
final class Stored {

  /** The longest time span stored (about 1,000 years), so every time fits a script's number. */
  private static final long MAX_MILLIS = Duration.ofDays(365_000).toMillis();

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final Serializer serializer;
  private final int maxMessageBytes;

  Stored(Serializer serializer, int maxMessageBytes) {
    this.serializer = serializer;
    this.maxMessageBytes = maxMessageBytes;
    warmUp();
  }

  /**
   * Decodes one message of every shape here, on the thread that builds the backend. Jackson builds
   * a type's deserializer on first use under a lock, and decoding runs on Lettuce's I/O threads:
   * two backends claiming at once for the first time made one wait on that lock there (a blocking
   * call on a non-blocking thread, and a claim lost until its lease expired).
   */
  private void warmUp() {
    JsonNode tree = JSON.createObjectNode().put("k", 1).set("a", JSON.createArrayNode().add("x"));
    ExceptionDetails error = new ExceptionDetails("T", "m", "s");
    Message inner =
        Message.builder()
            .id("warm-up-callback")
            .task("t")
            .queue("q")
            .createdAt(Instant.EPOCH)
            .build();
    Message m =
        Message.builder()
            .id("warm-up")
            .task("t")
            .queue("q")
            .arguments(tree)
            .metadata(tree)
            .createdAt(Instant.EPOCH)
            .previousResult(tree)
            .callback(inner)
            .exceptionDetails(error)
            .build();
    serializer.decode(serializer.encode(m), m.id());
    serializer.decodeTree(serializer.encodeTree(tree), m.id());
    decodeError(encodeError(error));
  }

  /**
   * The message's encoding, for every path that stores a message (enqueue, enqueueAll, update, dead
   * letters, the callbacks a completion enqueues or records in an outbox): the one place {@code
   * maxMessageBytes} is enforced.
   *
   * @throws MessageTooLargeException when it is longer than {@code maxMessageBytes}
   */
  byte[] encodeLimited(Message m) {
    byte[] bytes = serializer.encode(m);
    if (bytes.length > maxMessageBytes) {
      throw new MessageTooLargeException(m.id(), bytes.length, maxMessageBytes);
    }
    return bytes;
  }

  Serializer serializer() {
    return serializer;
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static byte[] bytes(long n) {
    return bytes(Long.toString(n));
  }

  static String string(Object o) {
    return o == null ? null : new String((byte[]) o, StandardCharsets.UTF_8);
  }

  static long number(Object o) {
    return o instanceof Long l ? l : Long.parseLong(string(o));
  }

  /** A duration in ms for a script, capped so that {@code now + ms} stays exact in Lua. */
  static long ms(Duration d) {
    return Math.min(d.toMillis(), MAX_MILLIS);
  }

  // ---------------------------------------------------------------- exception details

  static byte[] encodeError(ExceptionDetails e) {
    ObjectNode n = JSON.createObjectNode();
    n.put("type", e.type()).put("message", e.message()).put("stack", e.stack());
    return JSON.writeValueAsBytes(n);
  }

  static ExceptionDetails decodeError(byte[] bytes) {
    if (bytes == null || bytes.length == 0) {
      return null;
    }
    JsonNode n = JSON.readTree(bytes);
    return new ExceptionDetails(
        n.path("type").asString(), n.path("message").asString(), n.path("stack").asString());
  }

  // ---------------------------------------------------------------- statuses and results

  /** A stored status with its version, or null when absent or past its expiry. */
  record Status(long version, StatusUpdate update, byte[] raw) {}

  /**
   * A stored status, or null when absent or expired.
   *
   * @throws UndecodablePayloadException naming {@code id} when the value is not a status
   */
  static Status decodeStatus(String id, byte[] value, long now) {
    if (value == null) {
      return null;
    }
    try {
      int[] bars = bars(value, 4);
      long exp = parse(value, bars[2] + 1, bars[3]);
      if (exp <= now) {
        return null;
      }
      long version = parse(value, 0, bars[0]);
      int code = (int) parse(value, bars[0] + 1, bars[1]);
      long at = parse(value, bars[1] + 1, bars[2]);
      ExceptionDetails error = decodeError(Arrays.copyOfRange(value, bars[3] + 1, value.length));
      return new Status(
          version,
          new StatusUpdate(TaskStatus.ofCode(code), Instant.ofEpochMilli(at), error),
          value);
    } catch (RuntimeException e) {
      // Written by hand or by a stranger: a typed error naming the message, not a parser's.
      throw new UndecodablePayloadException(id, "its stored status is not a status: " + e, e);
    }
  }

  /**
   * A stored result, or null when absent or expired.
   *
   * @throws UndecodablePayloadException naming the id when the value is not a result
   */
  StoredResult decodeResult(MessageRef ref, byte[] value, long now) {
    if (value == null) {
      return null;
    }
    long at;
    int[] bars;
    try {
      bars = bars(value, 2);
      if (parse(value, bars[0] + 1, bars[1]) <= now) {
        return null;
      }
      at = parse(value, 0, bars[0]);
    } catch (RuntimeException e) {
      throw new UndecodablePayloadException(ref.id(), "its stored result is malformed: " + e, e);
    }
    JsonNode tree =
        serializer.decodeTree(Arrays.copyOfRange(value, bars[1] + 1, value.length), ref.id());
    return new StoredResult(ref, tree, Instant.ofEpochMilli(at));
  }

  /** The holder of a lock value {@code expiry|owner}, or null when it expired. */
  static String lockHolder(byte[] value, long now) {
    if (value == null) {
      return null;
    }
    int[] bars = bars(value, 1);
    if (parse(value, 0, bars[0]) <= now) {
      return null;
    }
    return new String(value, bars[0] + 1, value.length - bars[0] - 1, StandardCharsets.UTF_8);
  }

  /** The expiry of a lock value, or 0 when absent. */
  static long lockExpiry(byte[] value) {
    return value == null ? 0 : parse(value, 0, bars(value, 1)[0]);
  }

  private static int[] bars(byte[] value, int count) {
    int[] at = new int[count];
    int found = 0;
    for (int i = 0; i < value.length && found < count; i++) {
      if (value[i] == '|') {
        at[found++] = i;
      }
    }
    if (found < count) {
      throw new IllegalStateException("malformed stored value");
    }
    return at;
  }

  private static long parse(byte[] b, int from, int to) {
    return Long.parseLong(new String(b, from, to - from, StandardCharsets.US_ASCII));
  }

  // ---------------------------------------------------------------- messages

  /** A flat field/value list (HGETALL) as a map; values stay bytes. */
  static Map<String, byte[]> fields(List<?> flat, int from) {
    Map<String, byte[]> m = new HashMap<>();
    for (int i = from; i + 1 < flat.size(); i += 2) {
      m.put(string(flat.get(i)), (byte[]) flat.get(i + 1));
    }
    return m;
  }

  /**
   * The message of a stored hash, with what scripts changed applied.
   *
   * @throws UndecodablePayloadException when the payload (or a changed field) cannot be read
   */
  Message message(
      String id, byte[] payload, byte[] retries, byte[] readyAt, byte[] updatedAt, byte[] error) {
    if (payload == null) {
      throw new UndecodablePayloadException(id, "the stored message has no payload", null);
    }
    if (payload.length > maxMessageBytes) {
      // Written by another client past the limit: not decoded at all, so a hostile size costs
      // no parsing; the worker dead-letters it like any undecodable message.
      throw new UndecodablePayloadException(
          id,
          "the stored message is "
              + payload.length
              + " bytes, over the limit of "
              + maxMessageBytes
              + " bytes (maxMessageBytes)",
          null);
    }
    Message m = serializer.decode(payload, id);
    try {
      // The canonical constructor, not toBuilder(): a builder draws a random UUID, which may
      // block on the entropy source, and this runs on Lettuce's I/O threads.
      return new Message(
          m.id(),
          m.task(),
          m.queue(),
          m.arguments(),
          m.metadata(),
          m.priority(),
          retries == null ? m.retries() : Integer.parseInt(string(retries)),
          m.maxRetries(),
          m.timeout(),
          m.createdAt(),
          updatedAt == null
              ? m.updatedAt()
              : Instant.ofEpochMilli(Long.parseLong(string(updatedAt))),
          readyAt == null ? m.readyAt() : Instant.ofEpochMilli(Long.parseLong(string(readyAt))),
          m.delay(),
          m.resultTtl(),
          m.progenitorId(),
          m.previousMessageId(),
          m.previousResult(),
          m.callback(),
          m.backoff(),
          error == null ? m.exceptionDetails() : decodeError(error));
    } catch (RuntimeException e) {
      throw new UndecodablePayloadException(id, "its stored fields are invalid: " + e, e);
    }
  }

  /** A stored message from its hash fields ({@code x} true for a dead letter). */
  StoredMessage storedMessage(MessageRef ref, Map<String, byte[]> f, boolean deadLetter) {
    MessageState state =
        deadLetter
            ? MessageState.DEAD_LETTER
            : switch (string(f.get("st"))) {
              case "l" -> MessageState.LEASED;
              case "d" -> MessageState.DELAYED;
              default -> MessageState.READY;
            };
    Lease lease =
        state == MessageState.LEASED
            ? new Lease(
                ref,
                string(f.get("own")),
                string(f.get("tok")),
                Instant.ofEpochMilli(number(f.get("le"))))
            : null;
    Instant expiresAt = Instant.ofEpochMilli(number(f.get("ex")));
    try {
      Message m = message(ref.id(), f.get("p"), f.get("rt"), f.get("ra"), f.get("ua"), f.get("ed"));
      return new StoredMessage(ref, state, m, lease, expiresAt, null);
    } catch (UndecodablePayloadException e) {
      return new StoredMessage(ref, state, null, lease, expiresAt, e);
    }
  }

  // ---------------------------------------------------------------- outbox

  /** A callback for another queue, recorded by complete and enqueued by the client. */
  record OutboxRecord(Message message, long messageTtl, long statusTtl) {}

  /**
   * An outbox record of a callback already encoded (and size-checked) by {@link #encodeLimited}.
   */
  static byte[] encodeOutbox(byte[] message, long messageTtl, long statusTtl) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (DataOutputStream d = new DataOutputStream(out)) {
      d.writeLong(messageTtl);
      d.writeLong(statusTtl);
      d.write(message);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  OutboxRecord decodeOutbox(byte[] record, String field) {
    try (DataInputStream d = new DataInputStream(new ByteArrayInputStream(record))) {
      long mttl = d.readLong();
      long sttl = d.readLong();
      return new OutboxRecord(serializer.decode(d.readAllBytes(), field), mttl, sttl);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
