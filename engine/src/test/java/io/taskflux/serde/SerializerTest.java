package io.taskflux.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskflux.NonRetryableException;
import io.taskflux.UndecodablePayloadException;
import io.taskflux.task.Message;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.DefaultTyping;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.jsontype.BasicPolymorphicTypeValidator;

class SerializerTest {

  record Order(String id, int quantity) {}

  static List<Serializer> serializers() {
    return List.of(Serializer.json(), Serializer.binary());
  }

  private static Message message() {
    return Message.builder()
        .id("m-7")
        .task("ship")
        .queue("orders")
        .arguments(Serializer.json().toTree(new Order("o-1", 3)))
        .createdAt(Instant.parse("2030-01-01T00:00:00Z"))
        .build();
  }

  @ParameterizedTest
  @MethodSource("serializers")
  void messagesRoundTrip(Serializer s) {
    Message m = io.taskflux.task.MessageTestAccess.everything();
    assertEquals(m, s.decode(s.encode(m), m.id()));
    assertEquals(message(), s.decode(s.encode(message()), "m-7"));
  }

  @ParameterizedTest
  @MethodSource("serializers")
  void taskValuesGoThroughJsonTrees(Serializer s) {
    JsonNode tree = s.toTree(new Order("o-1", 3));
    assertEquals(new Order("o-1", 3), s.fromTree(tree, Order.class, "m-1"));
    List<Order> list =
        s.fromTree(
            s.toTree(List.of(new Order("a", 1))),
            new TypeReference<List<Order>>() {}.getType(),
            "m-1");
    assertEquals(List.of(new Order("a", 1)), list);
    assertEquals(tree, s.decodeTree(s.encodeTree(tree), "m-1"));
  }

  @ParameterizedTest
  @MethodSource("serializers")
  void garbageIsATypedErrorNamingTheMessageId(Serializer s) {
    byte[] garbage = "\u0000not a message{".getBytes(StandardCharsets.UTF_8);
    UndecodablePayloadException e =
        assertThrows(UndecodablePayloadException.class, () -> s.decode(garbage, "m-404"));
    assertEquals("m-404", e.messageId());
    assertTrue(e.getMessage().contains("m-404"), e.getMessage());
    assertTrue(e instanceof NonRetryableException, "never retried");
    assertThrows(
        UndecodablePayloadException.class,
        () -> s.decodeTree(new byte[] {(byte) 0xff, '{'}, "m-1"));
  }

  @Test
  void aMessageMissingAFieldNamesTheField() {
    byte[] noTask =
        "{\"id\":\"m-9\",\"queue\":\"q\",\"createdAt\":1,\"updatedAt\":1,\"readyAt\":1}"
            .getBytes(StandardCharsets.UTF_8);
    UndecodablePayloadException e =
        assertThrows(
            UndecodablePayloadException.class, () -> Serializer.json().decode(noTask, "m-9"));
    assertEquals("m-9", e.messageId());
    assertTrue(String.valueOf(e.getCause()).contains("task"), String.valueOf(e.getCause()));
  }

  @ParameterizedTest
  @MethodSource("serializers")
  void argumentsOfTheWrongTypeAreATypedErrorNamingTheMessageId(Serializer s) {
    JsonNode notAnOrder = s.toTree(Map.of("quantity", "many"));
    UndecodablePayloadException e =
        assertThrows(
            UndecodablePayloadException.class, () -> s.fromTree(notAnOrder, Order.class, "m-12"));
    assertEquals("m-12", e.messageId());
    assertTrue(e.getMessage().contains("Order"), e.getMessage());
  }

  @Test
  void aMapperWithDefaultTypingIsRefused() {
    JsonMapper unsafe =
        JsonMapper.builder()
            .activateDefaultTyping(
                BasicPolymorphicTypeValidator.builder().allowIfBaseType(Object.class).build(),
                DefaultTyping.NON_FINAL)
            .build();
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Serializer.json(unsafe));
    assertTrue(e.getMessage().contains("default typing"), e.getMessage());
  }

  @Test
  void aUsersMapperShapesTaskValuesButNotMessages() {
    JsonMapper snake =
        JsonMapper.builder()
            .propertyNamingStrategy(
                tools.jackson.databind.PropertyNamingStrategies.UPPER_CAMEL_CASE)
            .build();
    Serializer s = Serializer.json(snake);
    assertTrue(s.toTree(new Order("x", 1)).has("Quantity"));
    assertEquals(
        new String(Serializer.json().encode(message()), StandardCharsets.UTF_8),
        new String(s.encode(message()), StandardCharsets.UTF_8));
  }

  @Test
  void binaryIsSmallerThanJson() {
    Message m = io.taskflux.task.MessageTestAccess.everything();
    int json = Serializer.json().encode(m).length;
    int cbor = Serializer.binary().encode(m).length;
    assertNotEquals(json, cbor);
    assertTrue(cbor < json, cbor + " bytes of CBOR vs " + json + " of JSON");
    assertEquals("cbor", Serializer.binary().name());
  }
}
