package io.taskflux.serde;

import io.taskflux.UndecodablePayloadException;
import io.taskflux.task.Message;
import java.lang.reflect.Type;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.cbor.CBORMapper;

/**
 * Turns messages and task values into bytes and back. Task inputs and results travel inside
 * messages as JSON trees ({@link #toTree}, {@link #fromTree}); whole messages and stored values are
 * bytes ({@link #encode}, {@link #decode}, {@link #encodeTree}, {@link #decodeTree}).
 *
 * <p>Every method is pure CPU work: thread-safe, non-blocking, safe on any Reactor thread. Decoding
 * failures throw {@link UndecodablePayloadException} naming the message id; encoding failures (a
 * value Jackson cannot write) throw {@link IllegalArgumentException}. Default typing is never
 * enabled: a payload can only become the type the caller asks for.
 */
public interface Serializer {

  /** The form's name: {@code "json"} or {@code "cbor"}. */
  String name();

  /** A message as bytes, in its wire form ({@link Message}). */
  byte[] encode(Message message);

  /**
   * A message from bytes.
   *
   * @param messageId the id the caller expects, named in the error when the bytes are not a message
   * @throws UndecodablePayloadException if the bytes are not a valid message
   */
  Message decode(byte[] bytes, String messageId);

  /** Any value as a JSON tree (task inputs and results), with the serializer's mapper. */
  JsonNode toTree(Object value);

  /**
   * A JSON tree as a value of {@code type}.
   *
   * @throws UndecodablePayloadException naming {@code messageId} if it does not fit the type
   */
  <T> T fromTree(JsonNode tree, Class<T> type, String messageId);

  /** {@link #fromTree(JsonNode, Class, String)} for a generic type ({@code List<Order>}). */
  <T> T fromTree(JsonNode tree, Type type, String messageId);

  /** A JSON tree as bytes (results, statuses and other stored values). */
  byte[] encodeTree(JsonNode tree);

  /**
   * Bytes as a JSON tree.
   *
   * @throws UndecodablePayloadException naming {@code messageId} if the bytes are not valid
   */
  JsonNode decodeTree(byte[] bytes, String messageId);

  /** JSON with taskflux's default mapper ({@code JsonMapper.builder().build()}). */
  static Serializer json() {
    return JacksonSerializer.DEFAULT_JSON;
  }

  /**
   * JSON with the user's own mapper (modules, naming, features). Messages keep their fixed wire
   * form whatever the mapper's settings; task values follow them.
   *
   * @throws IllegalArgumentException if the mapper has default typing enabled
   */
  static Serializer json(JsonMapper mapper) {
    return new JacksonSerializer("json", mapper);
  }

  /** CBOR, a compact binary form of the same data ({@code CBORMapper.builder().build()}). */
  static Serializer binary() {
    return JacksonSerializer.DEFAULT_CBOR;
  }

  /**
   * CBOR with the user's own mapper.
   *
   * @throws IllegalArgumentException if the mapper has default typing enabled
   */
  static Serializer binary(CBORMapper mapper) {
    return new JacksonSerializer("cbor", mapper);
  }
}
