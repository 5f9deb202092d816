package io.taskflux.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class StrictInputTest {

  record Sum(int a, int b) {}

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private static JsonNode json(String text) {
    return JSON.readTree(text);
  }

  @Test
  void aFittingInputIsRead() {
    assertEquals(new Sum(2, 3), StrictInput.read(json("{\"a\":2,\"b\":3}"), Sum.class));
  }

  @Test
  void whatTheLenientDecoderWouldDefaultOrDropIsRefused() {
    for (String bad :
        new String[] {
          "{\"a\":2,\"b\":3,\"c\":4}", // unknown field
          "{\"a\":2}", // missing field
          "{\"a\":2,\"b\":null}", // null for an int
          "{\"a\":\"2\",\"b\":3}", // a string for an int
          "{\"a\":1.5,\"b\":3}" // a fraction for an int
        }) {
      assertThrows(JacksonException.class, () -> StrictInput.read(json(bad), Sum.class), bad);
    }
  }

  @Test
  void anUnknownFieldIsNamedBeforeAMissingOne() {
    JacksonException e =
        assertThrows(JacksonException.class, () -> StrictInput.read(json("{\"x\":1}"), Sum.class));
    assertTrue(e.getMessage().contains("\"x\""), e.getMessage());
  }
}
