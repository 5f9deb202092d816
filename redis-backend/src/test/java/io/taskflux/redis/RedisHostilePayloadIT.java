package io.taskflux.redis;

import static io.taskflux.redis.HostileFixture.QUEUE;
import static io.taskflux.redis.HostileFixture.SOON;
import static io.taskflux.redis.HostileFixture.message;
import static io.taskflux.redis.HostileFixture.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskflux.MessageTooLargeException;
import io.taskflux.UndecodablePayloadException;
import io.taskflux.engine.SubmitOptions;
import io.taskflux.engine.TaskDefinition;
import io.taskflux.engine.TaskFailedException;
import io.taskflux.engine.TaskHandle;
import io.taskflux.serde.Serializer;
import io.taskflux.spi.EnqueueRequest;
import io.taskflux.spi.QueueStats;
import io.taskflux.spi.Retention;
import io.taskflux.task.Message;
import io.taskflux.task.TaskStatus;
import io.taskflux.testing.redis.RedisExtension;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Hostile payloads against the real Redis backend: bytes a producer of ours never writes, put in
 * Redis by hand, and inputs that do not fit. Each gets a typed error at the API or goes to the
 * dead-letter queue with details naming the id, and a healthy task submitted after it completes.
 * Garbage bytes and unknown task names are {@link RedisWorkerDeadLetterIT}'s.
 */
class RedisHostilePayloadIT {

  @RegisterExtension static final RedisExtension redis = RedisExtension.withServer();

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** A type a gadget payload names; its constructor counts every instance ever made. */
  public static final class Gadget {
    static final AtomicInteger CONSTRUCTED = new AtomicInteger();

    public String command;

    public Gadget() {
      CONSTRUCTED.incrementAndGet();
    }
  }

  private HostileFixture f;

  @BeforeEach
  void start() {
    f = new HostileFixture(redis.uri());
  }

  @AfterEach
  void stop() {
    f.close();
  }

  private static byte[] encode(Message m) {
    return Serializer.json().encode(m);
  }

  private static ObjectNode tree(Message m) {
    return (ObjectNode) JSON.readTree(encode(m));
  }

  @Test
  void aTruncatedJsonPayloadIsDeadLettered() {
    Message m = f.enqueue(message("echo", NODES.stringNode("x")));
    byte[] whole = encode(m);
    f.poke(m, "p", Arrays.copyOf(whole, whole.length / 2));
    f.assertDeadLettered(m.ref(), UndecodablePayloadException.class);
    f.assertStillHealthy();
  }

  @Test
  void jsonThatIsNotAMessageIsDeadLettered() {
    Message array = f.enqueue(message("echo", NODES.stringNode("x")));
    Message string = f.enqueue(message("echo", NODES.stringNode("y")));
    f.poke(array, "p", utf8("[1,2,3]"));
    f.poke(string, "p", utf8("\"echo\""));
    f.assertDeadLettered(array.ref(), UndecodablePayloadException.class);
    f.assertDeadLettered(string.ref(), UndecodablePayloadException.class);
    f.assertStillHealthy();
  }

  @Test
  void unknownFieldsInTheMessageAndTheArgumentsAreIgnored() {
    Message m = f.enqueue(message("sum", NODES.objectNode().put("a", 2).put("b", 3)));
    ObjectNode p = tree(m);
    p.put("fromTheFuture", "a field a newer producer may write");
    ((ObjectNode) p.get("arguments")).put("c", 100).putObject("nested").put("d", 1);
    f.poke(m, "p", JSON.writeValueAsBytes(p));
    f.startWorkers();
    // A tolerant reader: fields it does not know are skipped, so a rolling upgrade that adds
    // fields does not dead-letter the new producer's messages.
    assertEquals(5, f.engine.handle(HostileFixture.SUM, m.ref()).result(SOON).block(SOON));
    f.assertStillHealthy();
  }

  @Test
  void argumentsOfTheWrongTypeAreDeadLettered() {
    f.startWorkers();
    String wrongField =
        f.engine
            .submit("sum", NODES.objectNode().put("a", "two").put("b", 3), SubmitOptions.defaults())
            .block(SOON)
            .id();
    String array =
        f.engine
            .submit("sum", NODES.arrayNode().add(1).add(2), SubmitOptions.defaults())
            .block(SOON)
            .id();
    String object =
        f.engine
            .submit("echo", NODES.objectNode().put("not", "a string"), SubmitOptions.defaults())
            .block(SOON)
            .id();
    for (String id : new String[] {wrongField, array, object}) {
      String error =
          f.assertDeadLettered(
                  io.taskflux.task.MessageRef.of(QUEUE, id), UndecodablePayloadException.class)
              .error()
              .message();
      assertTrue(error.contains("does not fit"), error);
    }
    f.assertStillHealthy();
  }

  @Test
  void aPayloadNamingAJavaClassInstantiatesNothing() {
    String gadget = Gadget.class.getName();
    // A typed input ignores a type name among its fields; metadata naming a class is data too.
    Message typed =
        f.enqueue(message("sum", NODES.objectNode().put("@class", gadget).put("a", 1).put("b", 2)));
    ObjectNode p = tree(typed);
    p.putObject("metadata").put("@class", gadget).put("command", "x");
    f.poke(typed, "p", JSON.writeValueAsBytes(p));
    f.startWorkers();
    assertEquals(3, f.engine.handle(HostileFixture.SUM, typed.ref()).result(SOON).block(SOON));

    JsonNode asProperty = NODES.objectNode().put("@class", gadget).put("command", "touch /tmp/x");
    JsonNode asWrapperArray =
        NODES.arrayNode().add(gadget).add(NODES.objectNode().put("command", "touch /tmp/x"));
    JsonNode processBuilder =
        NODES.arrayNode().add("java.lang.ProcessBuilder").add(NODES.arrayNode().add("touch"));
    String[] described = new String[3];
    JsonNode[] inputs = {asProperty, asWrapperArray, processBuilder};
    for (int i = 0; i < inputs.length; i++) {
      described[i] =
          f.engine
              .submit("describe", inputs[i], SubmitOptions.defaults())
              .flatMap(h -> h.result(SOON))
              .block(SOON)
              .asString();
    }
    // An Object input is plain JSON data: a map or a list, never the class it names.
    assertTrue(described[0].startsWith("java.util.LinkedHashMap {@class="), described[0]);
    assertTrue(described[1].startsWith("java.util.ArrayList [" + gadget), described[1]);
    assertTrue(
        described[2].startsWith("java.util.ArrayList [java.lang.ProcessBuilder"), described[2]);

    assertEquals(0, Gadget.CONSTRUCTED.get(), "no gadget was ever constructed");
    f.assertStillHealthy();
  }

  @Test
  void nonUtf8BytesInThePayloadOrAFieldAreDeadLettered() {
    Message inPayload = f.enqueue(message("echo", NODES.stringNode("x")));
    String json = new String(encode(inPayload), java.nio.charset.StandardCharsets.UTF_8);
    int at = json.indexOf("\"x\"") + 1;
    byte[] bad = utf8(json);
    bad[at] = (byte) 0xC3; // a lead byte followed by '"': not UTF-8
    f.poke(inPayload, "p", bad);
    Message inField = f.enqueue(message("echo", NODES.stringNode("y")));
    f.poke(inField, "rt", new byte[] {(byte) 0xFF, (byte) 0xFE, 0x31});
    f.assertDeadLettered(inPayload.ref(), UndecodablePayloadException.class);
    f.assertDeadLettered(inField.ref(), UndecodablePayloadException.class);
    f.assertStillHealthy();
  }

  @Test
  void anOversizedSubmissionIsRefusedAndStoresNothing() {
    f.startWorkers();
    String big = "x".repeat(HostileFixture.MAX_MESSAGE_BYTES);
    MessageTooLargeException e =
        assertThrows(
            MessageTooLargeException.class,
            () ->
                f.engine
                    .submit(HostileFixture.ECHO, big, SubmitOptions.defaults().id("too-big"))
                    .block(SOON));
    assertEquals("too-big", e.messageId());
    assertEquals(HostileFixture.MAX_MESSAGE_BYTES, e.limit());
    assertTrue(e.size() > e.limit(), e.getMessage());
    assertEquals(0L, f.raw().exists(f.keys.message(QUEUE, "too-big")));
    assertEquals(
        null, f.backend.getStatus(io.taskflux.task.MessageRef.of(QUEUE, "too-big")).block(SOON));
    // Just under the limit is fine.
    String fits = "y".repeat(HostileFixture.MAX_MESSAGE_BYTES - 1024);
    assertEquals(
        fits + "!",
        f.engine.submit(HostileFixture.ECHO, fits).flatMap(h -> h.result(SOON)).block(SOON));
    f.assertStillHealthy();
  }

  @Test
  void submitAllRefusesAnOversizedMessageLikeSubmitAndStoresNothingOfTheCall() {
    String big = "x".repeat(HostileFixture.MAX_MESSAGE_BYTES);
    StepVerifier.create(f.engine.submitAll(HostileFixture.ECHO, List.of("a", big, "c")))
        .expectError(MessageTooLargeException.class)
        .verify(SOON);
    // One chunk, refused whole: not even "a", before the oversized input, is stored.
    assertEquals(0, f.backend.stats(QUEUE).block(SOON).live());
    // The SPI operation itself: atomic per call.
    Retention r = Retention.defaults();
    Message small = message("echo", NODES.stringNode("small"));
    Message huge = message("echo", NODES.stringNode(big));
    StepVerifier.create(
            f.backend.enqueueAll(
                List.of(new EnqueueRequest(small, r), new EnqueueRequest(huge, r))))
        .expectErrorSatisfies(
            e -> assertEquals(huge.id(), ((MessageTooLargeException) e).messageId()))
        .verify(SOON);
    assertNull(f.backend.find(small.ref()).block(SOON));
    assertEquals(0, f.backend.stats(QUEUE).block(SOON).live());
    f.assertStillHealthy();
  }

  @Test
  void aCallbackTooLargeToStoreIsRefusedLikeASubmitAndItsTaskFails() {
    // The callback carries its predecessor's result, so a small submission can grow one past the
    // limit at completion time: in the same queue (stored by complete.lua) and in another one
    // (recorded in the outbox).
    TaskDefinition<Integer, String> grow =
        TaskDefinition.of("grow", Integer.class, String.class).queue(QUEUE);
    f.engine.register(grow, n -> Mono.just("g".repeat(n)));
    f.startWorkers();
    for (String queue : List.of(QUEUE, "elsewhere")) {
      Message callback =
          f.engine
              .submit(
                  HostileFixture.ECHO, "next", SubmitOptions.defaults().queue(queue).deferred(true))
              .block(SOON)
              .message()
              .orElseThrow();
      TaskHandle<String> h =
          f.engine
              .submit(
                  grow,
                  2 * HostileFixture.MAX_MESSAGE_BYTES,
                  SubmitOptions.defaults().callbacks(callback))
              .block(SOON);
      TaskFailedException e =
          assertThrows(TaskFailedException.class, () -> h.result(SOON).block(SOON));
      assertTrue(e.details().type().contains("MessageTooLargeException"), e.details().type());
      assertTrue(e.details().message().contains(callback.id()), e.details().message());
      // Nothing of the completion was stored: no result, no callback, no status of it.
      assertNull(f.backend.getResult(h.ref()).block(SOON));
      assertNull(f.backend.find(callback.ref()).block(SOON));
      assertNull(f.backend.getStatus(callback.ref()).block(SOON));
      assertEquals(TaskStatus.FAILED, h.status().block(SOON).status());
    }
    f.assertStillHealthy();
  }

  @Test
  void anOversizedMessageWrittenToRedisIsDeadLettered() {
    Message m = f.enqueue(message("echo", NODES.stringNode("x")));
    Message huge =
        m.toBuilder()
            .arguments(NODES.stringNode("z".repeat(4 * HostileFixture.MAX_MESSAGE_BYTES)))
            .build();
    f.poke(m, "p", encode(huge));
    String error =
        f.assertDeadLettered(m.ref(), UndecodablePayloadException.class).error().message();
    assertTrue(error.contains("maxMessageBytes"), error);
    QueueStats stats = f.backend.stats(QUEUE).block(SOON);
    assertEquals(1, stats.deadLetters());
    f.assertStillHealthy();
  }

  @Test
  void prioritiesOutOfRangeInAStoredMessageAreDeadLettered() {
    Message negative = f.enqueue(message("echo", NODES.stringNode("x")));
    Message beyondInt = f.enqueue(message("echo", NODES.stringNode("y")));
    f.poke(negative, "p", JSON.writeValueAsBytes(tree(negative).put("priority", -5)));
    f.poke(beyondInt, "p", JSON.writeValueAsBytes(tree(beyondInt).put("priority", 1e20)));
    f.assertDeadLettered(negative.ref(), UndecodablePayloadException.class);
    f.assertDeadLettered(beyondInt.ref(), UndecodablePayloadException.class);
    f.assertStillHealthy();
  }
}
