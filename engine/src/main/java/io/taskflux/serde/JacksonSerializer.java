package io.taskflux.serde;

import io.taskflux.UndecodablePayloadException;
import io.taskflux.task.Message;
import java.lang.reflect.Type;
import java.util.Objects;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.cbor.CBORMapper;

/** {@link Serializer} over one Jackson mapper (JSON or CBOR). Immutable, thread-safe. */
final class JacksonSerializer implements Serializer {

  static final Serializer DEFAULT_JSON =
      new JacksonSerializer("json", JsonMapper.builder().build());
  static final Serializer DEFAULT_CBOR =
      new JacksonSerializer("cbor", CBORMapper.builder().build());

  private final String name;
  private final ObjectMapper mapper;

  JacksonSerializer(String name, ObjectMapper mapper) {
    this.name = name;
    this.mapper = Objects.requireNonNull(mapper, "mapper");
    JavaType object = mapper.constructType(Object.class);
    if (mapper.serializationConfig().getDefaultTyper(object) != null
        || mapper.deserializationConfig().getDefaultTyper(object) != null) {
      throw new IllegalArgumentException(
          "mapper must not enable default typing: stored payloads are untrusted input");
    }
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public byte[] encode(Message message) {
    Objects.requireNonNull(message, "message");
    try {
      return mapper.writeValueAsBytes(message);
    } catch (JacksonException e) {
      throw new IllegalArgumentException("cannot encode message " + message.id(), e);
    }
  }

  @Override
  public Message decode(byte[] bytes, String messageId) {
    Objects.requireNonNull(bytes, "bytes");
    try {
      Message m = mapper.readValue(bytes, Message.class);
      if (m == null) {
        throw new UndecodablePayloadException(messageId, "empty payload", null);
      }
      return m;
    } catch (JacksonException e) {
      throw new UndecodablePayloadException(messageId, "not a " + name + " message", e);
    }
  }

  @Override
  public JsonNode toTree(Object value) {
    try {
      return mapper.valueToTree(value);
    } catch (JacksonException e) {
      throw new IllegalArgumentException(
          "cannot encode a value of " + (value == null ? "null" : value.getClass().getName()), e);
    }
  }

  @Override
  public <T> T fromTree(JsonNode tree, Class<T> type, String messageId) {
    return fromTree(tree, (Type) type, messageId);
  }

  @Override
  public <T> T fromTree(JsonNode tree, Type type, String messageId) {
    Objects.requireNonNull(tree, "tree");
    Objects.requireNonNull(type, "type");
    JavaType javaType = mapper.constructType(type);
    try {
      return mapper.treeToValue(tree, javaType);
    } catch (JacksonException | IllegalArgumentException e) {
      throw new UndecodablePayloadException(
          messageId, "does not fit " + javaType.toCanonical() + ": " + originalMessage(e), e);
    }
  }

  @Override
  public byte[] encodeTree(JsonNode tree) {
    Objects.requireNonNull(tree, "tree");
    try {
      return mapper.writeValueAsBytes(tree);
    } catch (JacksonException e) {
      throw new IllegalArgumentException("cannot encode a JSON tree", e);
    }
  }

  @Override
  public JsonNode decodeTree(byte[] bytes, String messageId) {
    Objects.requireNonNull(bytes, "bytes");
    try {
      return mapper.readTree(bytes);
    } catch (JacksonException e) {
      throw new UndecodablePayloadException(messageId, "not valid " + name, e);
    }
  }

  private static String originalMessage(Exception e) {
    return e instanceof JacksonException je ? je.getOriginalMessage() : e.getMessage();
  }

  @Override
  public String toString() {
    return "Serializer[" + name + "]";
  }
}
