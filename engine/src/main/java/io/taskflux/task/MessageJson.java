package io.taskflux.task;

import io.taskflux.backoff.BackoffSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.ValueSerializer;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The wire form of {@link Message}, written by hand so it does not depend on a mapper's settings:
 * camel-case names, epoch-millisecond instants, millisecond durations, nulls omitted.
 */
final class MessageJson {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private MessageJson() {}

  static ObjectNode toTree(Message m) {
    ObjectNode o = NODES.objectNode();
    o.put("id", m.id());
    o.put("task", m.task());
    o.put("queue", m.queue());
    o.set("arguments", m.arguments());
    o.set("metadata", m.metadata());
    o.put("priority", m.priority());
    o.put("retries", m.retries());
    o.put("maxRetries", m.maxRetries());
    o.put("timeout", m.timeout().toMillis());
    o.put("createdAt", m.createdAt().toEpochMilli());
    o.put("updatedAt", m.updatedAt().toEpochMilli());
    o.put("readyAt", m.readyAt().toEpochMilli());
    o.put("delay", m.delay().toMillis());
    if (m.resultTtl() != null) {
      o.put("resultTtl", m.resultTtl().toMillis());
    }
    putIfNotNull(o, "progenitorId", m.progenitorId());
    putIfNotNull(o, "previousMessageId", m.previousMessageId());
    if (m.previousResult() != null) {
      o.set("previousResult", m.previousResult());
    }
    if (m.callback() != null) {
      o.set("callback", toTree(m.callback()));
    }
    ObjectNode backoff = o.putObject("backoff");
    backoff.put("algorithm", m.backoff().algorithm());
    ObjectNode params = backoff.putObject("parameters");
    m.backoff()
        .parameters()
        .forEach(
            (k, v) -> {
              if (v instanceof Boolean b) {
                params.put(k, b);
              } else if (v instanceof Long l) {
                params.put(k, l);
              } else {
                params.put(k, (Double) v);
              }
            });
    ExceptionDetails e = m.exceptionDetails();
    if (e != null) {
      ObjectNode details = o.putObject("exceptionDetails");
      details.put("type", e.type());
      details.put("message", e.message());
      details.put("stack", e.stack());
    }
    return o;
  }

  /**
   * Reads the wire form.
   *
   * @throws IllegalArgumentException naming the field that is missing or of the wrong type
   */
  static Message fromTree(JsonNode o) {
    if (o == null || !o.isObject()) {
      throw new IllegalArgumentException("a message must be a JSON object");
    }
    return new Message(
        text(o, "id", true),
        text(o, "task", true),
        text(o, "queue", true),
        o.get("arguments"),
        o.get("metadata"),
        (int) number(o, "priority", 0),
        (int) number(o, "retries", 0),
        (int) number(o, "maxRetries", Message.DEFAULT_MAX_RETRIES),
        Duration.ofMillis(number(o, "timeout", Message.DEFAULT_TIMEOUT.toMillis())),
        instant(o, "createdAt"),
        instant(o, "updatedAt"),
        instant(o, "readyAt"),
        Duration.ofMillis(number(o, "delay", 0)),
        o.hasNonNull("resultTtl") ? Duration.ofMillis(number(o, "resultTtl", 0)) : null,
        text(o, "progenitorId", false),
        text(o, "previousMessageId", false),
        o.get("previousResult"),
        o.hasNonNull("callback") ? fromTree(o.get("callback")) : null,
        backoff(o.get("backoff")),
        details(o.get("exceptionDetails")));
  }

  private static BackoffSettings backoff(JsonNode b) {
    if (b == null || b.isNull()) {
      return null;
    }
    if (!b.isObject() || !b.path("parameters").isObject()) {
      throw new IllegalArgumentException("backoff must be {algorithm, parameters}");
    }
    Map<String, Object> params = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> p : b.get("parameters").properties()) {
      JsonNode v = p.getValue();
      if (v.isBoolean()) {
        params.put(p.getKey(), v.booleanValue());
      } else if (v.isIntegralNumber() && v.canConvertToLong()) {
        params.put(p.getKey(), v.longValue());
      } else if (v.isNumber()) {
        params.put(p.getKey(), v.doubleValue());
      } else {
        throw new IllegalArgumentException("backoff parameter '" + p.getKey() + "' is " + v);
      }
    }
    return new BackoffSettings(text(b, "algorithm", true), params);
  }

  private static ExceptionDetails details(JsonNode d) {
    if (d == null || d.isNull()) {
      return null;
    }
    return new ExceptionDetails(
        text(d, "type", true), text(d, "message", false), text(d, "stack", false));
  }

  private static void putIfNotNull(ObjectNode o, String name, String value) {
    if (value != null) {
      o.put(name, value);
    }
  }

  private static String text(JsonNode o, String name, boolean required) {
    JsonNode v = o.get(name);
    if (v == null || v.isNull()) {
      if (required) {
        throw new IllegalArgumentException("missing field '" + name + "'");
      }
      return null;
    }
    if (!v.isString()) {
      throw new IllegalArgumentException("field '" + name + "' must be a string, got " + v);
    }
    return v.stringValue();
  }

  private static long number(JsonNode o, String name, long dflt) {
    JsonNode v = o.get(name);
    if (v == null || v.isNull()) {
      return dflt;
    }
    if (!v.isIntegralNumber() || !v.canConvertToLong()) {
      throw new IllegalArgumentException("field '" + name + "' must be an integer, got " + v);
    }
    return v.longValue();
  }

  private static Instant instant(JsonNode o, String name) {
    JsonNode v = o.get(name);
    if (v == null || v.isNull()) {
      throw new IllegalArgumentException("missing field '" + name + "'");
    }
    return Instant.ofEpochMilli(number(o, name, 0));
  }

  /** Writes a {@link Message} in its wire form, whatever the mapper's settings. */
  static final class Writer extends ValueSerializer<Message> {
    @Override
    public void serialize(Message value, JsonGenerator gen, SerializationContext ctxt) {
      gen.writeTree(toTree(value));
    }
  }

  /** Reads a {@link Message} from its wire form; invalid input fails with the field's name. */
  static final class Reader extends ValueDeserializer<Message> {
    @Override
    public Message deserialize(JsonParser p, DeserializationContext ctxt) {
      JsonNode tree = ctxt.readTree(p);
      try {
        return fromTree(tree);
      } catch (IllegalArgumentException | NullPointerException e) {
        return ctxt.reportInputMismatch(Message.class, "Invalid message: %s", e.getMessage());
      }
    }
  }
}
