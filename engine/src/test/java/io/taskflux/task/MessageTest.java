package io.taskflux.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskflux.backoff.Backoff;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.NullNode;
import tools.jackson.databind.node.ObjectNode;

class MessageTest {

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private static final Instant T0 = Instant.parse("2030-05-06T07:08:09.123456789Z");

  /** A message with every component set, a two-step callback chain and odd JSON values. */
  static Message everything() {
    ObjectNode args = JSON.objectNode();
    args.put("order", 42).put("amount", 12.5).put("note", "héllo \"q\"");
    args.putArray("items").add(1).add(JSON.nullNode()).add(true);
    Message last =
        Message.builder()
            .id("cb-2")
            .task("archive")
            .queue("slow")
            .createdAt(T0)
            .previousResult(NullNode.getInstance())
            .build();
    Message callback =
        Message.builder()
            .id("cb-1")
            .task("email")
            .queue("mail")
            .createdAt(T0)
            .callback(last)
            .backoff(Backoff.none().settings())
            .build();
    return Message.builder()
        .id("m-1")
        .task("charge")
        .queue("payments")
        .arguments(args)
        .metadata(JSON.objectNode().put("trace", "abc").put("n", 3))
        .priority(7)
        .retries(2)
        .maxRetries(5)
        .timeout(Duration.ofSeconds(30))
        .createdAt(T0)
        .updatedAt(T0.plusSeconds(1))
        .readyAt(T0.plusSeconds(90))
        .delay(Duration.ofSeconds(60))
        .resultTtl(Duration.ofHours(2))
        .progenitorId("p-0")
        .previousMessageId("m-0")
        .previousResult(JSON.objectNode().put("ok", true))
        .callback(callback)
        .backoff(
            Backoff.linear(Duration.ofSeconds(3))
                .withJitter(0.1, new java.util.SplittableRandom(1))
                .settings())
        .exceptionDetails(new ExceptionDetails("java.io.IOException", "disk", "at x\nat y"))
        .build();
  }

  @Test
  void everyFieldRoundTripsThroughJson() {
    JsonMapper mapper = JsonMapper.builder().build();
    Message m = everything();
    String json = mapper.writeValueAsString(m);
    Message back = mapper.readValue(json, Message.class);
    assertEquals(m, back);
    assertEquals(json, mapper.writeValueAsString(back));
    assertEquals(
        m.callback().callback().previousResult(), back.callback().callback().previousResult());
    assertTrue(back.callback().callback().previousResult().isNull(), "JSON null result is kept");
  }

  @Test
  void theWireFormDoesNotDependOnTheMappersSettings() {
    JsonMapper odd =
        JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();
    JsonMapper plain = JsonMapper.builder().build();
    Message m = everything();
    JsonNode a = plain.readTree(plain.writeValueAsString(m));
    JsonNode b = odd.readTree(odd.writeValueAsString(m));
    assertEquals(a, b);
    assertEquals(m, odd.readValue(plain.writeValueAsString(m), Message.class));
  }

  @Test
  void timesAreEpochMillisAndNullsAreOmitted() {
    JsonMapper mapper = JsonMapper.builder().build();
    Message m = Message.builder().id("x").task("t").createdAt(T0).build();
    JsonNode tree = mapper.readTree(mapper.writeValueAsString(m));
    assertEquals(T0.toEpochMilli(), tree.get("createdAt").longValue());
    assertEquals(3_600_000L, tree.get("timeout").longValue());
    assertFalse(tree.has("callback"));
    assertFalse(tree.has("previousResult"));
    assertFalse(tree.has("exceptionDetails"));
    assertFalse(tree.has("resultTtl"));
    assertEquals("ExponentialBackoff", tree.at("/backoff/algorithm").stringValue());
  }

  @Test
  void theBuilderFillsTheSeedsDefaults() {
    Message m = Message.builder().task("t").createdAt(T0).delay(Duration.ofSeconds(5)).build();
    assertEquals(36, m.id().length(), "a UUID");
    assertEquals(Message.DEFAULT_QUEUE, m.queue());
    assertEquals(0, m.priority());
    assertEquals(0, m.retries());
    assertEquals(3, m.maxRetries());
    assertEquals(Duration.ofHours(1), m.timeout());
    Instant millis = Instant.parse("2030-05-06T07:08:09.123Z");
    assertEquals(millis, m.createdAt(), "truncated to milliseconds");
    assertEquals(millis, m.updatedAt());
    assertEquals(millis.plusSeconds(5), m.readyAt());
    assertTrue(m.arguments().isNull());
    assertTrue(m.metadata().isObject() && m.metadata().isEmpty());
    assertEquals(Backoff.exponential().settings(), m.backoff());
    assertNull(m.exceptionDetails());
    assertFalse(m.isReady(millis.plusSeconds(4)));
    assertTrue(m.isReady(millis.plusSeconds(5)));
  }

  @Test
  void invalidComponentsFailNamingThem() {
    Message.Builder b = Message.builder().task("t").createdAt(T0);
    assertMessage("priority", () -> b.priority(-1).build());
    assertMessage("task", () -> Message.builder().createdAt(T0).build());
    assertMessage("createdAt", () -> Message.builder().task("t").build());
    assertMessage(
        "maxRetries", () -> Message.builder().task("t").createdAt(T0).maxRetries(-1).build());
    assertMessage(
        "timeout", () -> Message.builder().task("t").createdAt(T0).timeout(Duration.ZERO).build());
    assertMessage(
        "metadata",
        () -> Message.builder().task("t").createdAt(T0).metadata(JSON.arrayNode()).build());
    assertMessage("queue", () -> Message.builder().task("t").queue(" ").createdAt(T0).build());
  }

  private static void assertMessage(String word, org.junit.jupiter.api.function.Executable e) {
    IllegalArgumentException x = assertThrows(IllegalArgumentException.class, e);
    assertTrue(x.getMessage().contains(word), x.getMessage());
  }

  @Test
  void jsonInsideIsCopiedSoTheMessageCannotChange() {
    ObjectNode args = JSON.objectNode().put("a", 1);
    Message m = Message.builder().task("t").createdAt(T0).arguments(args).build();
    args.put("a", 2);
    ((ObjectNode) m.arguments()).put("a", 3);
    ((ObjectNode) m.metadata()).put("x", 1);
    assertEquals(1, m.arguments().get("a").intValue());
    assertTrue(m.metadata().isEmpty());
  }

  @Test
  void copiesChangeOnlyWhatTheySay() {
    Message m = everything();
    Message retried = m.withRetries(3, T0.plusSeconds(9));
    assertEquals(3, retried.retries());
    assertEquals(m.withRetries(3, T0.plusSeconds(9)), retried);
    assertEquals(m, retried.toBuilder().retries(2).updatedAt(m.updatedAt()).build());
    assertEquals(List.of("cb-1", "cb-2"), m.descendantIds());
    assertEquals(MessageRef.of("payments", "m-1"), m.ref());
    Message dup = m.withNewId();
    assertFalse(dup.id().equals(m.id()));
    assertEquals(m, dup.toBuilder().id(m.id()).build());
    assertTrue(
        m.withRetries(5, T0).retries() == m.maxRetries() && !m.withRetries(5, T0).canRetry());
  }

  @Test
  void exceptionDetailsCarryTypeMessageAndStack() {
    ExceptionDetails d = ExceptionDetails.of(new IllegalStateException("bad"));
    assertEquals("java.lang.IllegalStateException", d.type());
    assertEquals("bad", d.message());
    assertTrue(d.stack().contains("MessageTest"), d.stack());
    assertTrue(d.is(IllegalStateException.class));
    assertEquals("", ExceptionDetails.of(new RuntimeException()).message());
  }
}
