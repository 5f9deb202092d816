package io.taskflux.serde;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The strict reading of a task's JSON input that a front door (the command line, an HTTP service)
 * applies before it stores anything. The worker's decoder is lenient on purpose (an older producer
 * keeps working when a field is added), so input it would quietly default or drop is refused here
 * instead: unknown fields, missing or null record fields, scalars of the wrong kind (the string
 * {@code "12"} or the number 1.5 for an {@code int}). No default typing: input cannot name a class
 * to instantiate. Thread-safe; never blocks.
 */
public final class StrictInput {

  /** Unknown fields are looked for first: a misspelt name is the likelier mistake. */
  private static final JsonMapper UNKNOWN_FIELDS =
      JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

  private static final JsonMapper STRICT =
      JsonMapper.builder()
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_CREATOR_PROPERTIES)
          .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
          .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
          .build();

  private StrictInput() {}

  /**
   * {@code input} read strictly as {@code type}.
   *
   * @throws JacksonException naming the offending field in its path when the input does not fit (an
   *     unknown field is reported before a missing one)
   */
  public static <T> T read(JsonNode input, Class<T> type) {
    UNKNOWN_FIELDS.treeToValue(input, type);
    return STRICT.treeToValue(input, type);
  }
}
