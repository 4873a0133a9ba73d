package dev.switchboard.kafka;

import dev.switchboard.node.Blocking;
import dev.switchboard.checkout.v1.PlaceOrderResponse;
import dev.switchboard.testing.Kcat;
import dev.switchboard.testing.Orders;
import dev.switchboard.testing.RunningNode;
import dev.switchboard.testing.SharedKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

import static dev.switchboard.testing.TestNodes.APPLE;
import static org.assertj.core.api.Assertions.assertThat;

/** The Kafka bridge seen from outside, with kcat as the external consumer and producer. */
@DisplayName("The Kafka bridge, with kcat outside the platform")
class KafkaBridgeTest {

  private static final Duration WITHIN = Duration.ofSeconds(30);

  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final String eventsTopic = "bridge-" + run + ".orders.v1";
  private final String commandTopic = "bridge-" + run + ".orders.commands.v1";
  private final String replyTopic = "bridge-" + run + ".orders.replies.v1";
  private RunningNode running;

  @BeforeEach
  void kcat() {
    Kcat.requireInstalled();
  }

  @AfterEach
  void stop() {
    if (running != null) {
      running.close();
    }
  }

  private void start(String mode) {
    start(mode, Map.of());
  }

  private void start(String mode, Map<String, String> overrides) {
    Map<String, String> settings = new HashMap<>();
    settings.put("kafka.bootstrap.servers", SharedKafka.bootstrapServers());
    settings.put("topics.prefix", "bridge-" + run);
    settings.put("defaults.mode", mode);
    settings.put("bridge.topic", eventsTopic);
    settings.put("bridge.commandTopic", commandTopic);
    settings.put("bridge.replyTopic", replyTopic);
    settings.putAll(overrides);
    running = RunningNode.start(settings);
  }

  @ParameterizedTest(name = "internal mode {0}")
  @ValueSource(strings = {"rpc", "event"})
  @DisplayName("order events reach switchboard.orders.v1 as binary CloudEvents keyed by order id, JSON by default")
  void eventsGoOutAsCloudEvents(String mode) throws Exception {
    start(mode);
    PlaceOrderResponse answer = Orders.placeAndFollow(running.newClient(), Orders.order(APPLE, 1, 100)).answer();
    String orderId = answer.getOrderId();

    List<Kcat.Record> records = Kcat.consumeUntil(SharedKafka.bootstrapServers(), eventsTopic, WITHIN,
        seen -> seen.stream().filter(r -> r.key().equals(orderId)).count() >= 2);

    assertThat(records).filteredOn(r -> r.key().equals(orderId)).hasSize(2)
        .allSatisfy(record -> assertThat(record.headers())
            .containsEntry("ce_specversion", "1.0")
            .containsEntry("ce_source", "/switchboard/checkout")
            .containsEntry("ce_subject", orderId)
            .containsEntry("content-type", "application/json")
            .containsKeys("ce_time", "ce_correlationid"))
        .satisfiesExactly(
            placed -> {
              assertThat(placed.headers()).containsEntry("ce_type", "switchboard.checkout.v1.OrderPlaced")
                  .containsEntry("ce_id", orderId + ":placed");
              assertThat(placed.value()).contains("\"orderId\":\"" + orderId + "\"").contains("\"placed\"");
            },
            confirmed -> {
              assertThat(confirmed.headers()).containsEntry("ce_type", "switchboard.checkout.v1.OrderConfirmed")
                  .containsEntry("ce_id", orderId + ":confirmed");
              assertThat(confirmed.value()).contains("\"confirmed\"").contains("\"totalCents\":\"100\"");
            });
  }

  @Test
  @DisplayName("with bridge.format=protobuf the value is the OrderEvent's protobuf bytes, content-type application/protobuf")
  void eventsAsProtobuf() throws Exception {
    start("rpc", Map.of("bridge.format", "protobuf"));
    String orderId = Orders.placeAndFollow(running.newClient(), Orders.order(APPLE, 1, 100)).answer().getOrderId();

    List<Kcat.Record> records = Kcat.consumeSizesUntil(SharedKafka.bootstrapServers(), eventsTopic, WITHIN,
        seen -> seen.stream().filter(r -> r.key().equals(orderId)).count() >= 2);

    assertThat(records).filteredOn(r -> r.key().equals(orderId)).hasSize(2)
        .allSatisfy(record -> assertThat(record.headers()).containsEntry("content-type", "application/protobuf"))
        .allSatisfy(record -> assertThat(Integer.parseInt(record.value())).isPositive());
  }

  @Test
  @DisplayName("a PlaceOrderRequest written with kcat places one order per ce_id and the reply comes back correlated, "
      + "on a reply topic bridge.replyTopics allows")
  void commandsComeIn() throws Exception {
    start("rpc", Map.of("bridge.replyTopics", Pattern.quote(replyTopic) + "(\\.mine)?"));
    String request = "{\"customerId\":\"kcat-1\",\"items\":[{\"sku\":\"" + APPLE + "\",\"quantity\":2,"
        + "\"unitPriceCents\":300}]}";
    String myReplies = replyTopic + ".mine";

    Kcat.produce(SharedKafka.bootstrapServers(), commandTopic, "k-1",
        Map.of("ce_id", "cmd-" + run, "reply-topic", myReplies), request);
    Kcat.produce(SharedKafka.bootstrapServers(), commandTopic, "k-1",
        Map.of("ce_id", "cmd-" + run, "reply-topic", myReplies), request);

    List<Kcat.Record> replies = Kcat.consumeUntil(SharedKafka.bootstrapServers(), myReplies, WITHIN,
        seen -> seen.size() >= 2);
    assertThat(replies).hasSize(2).allSatisfy(reply -> {
      assertThat(reply.headers()).containsEntry("correlation-id", "cmd-" + run)
          .containsEntry("content-type", "application/json");
      assertThat(reply.value()).contains("\"status\":\"ORDER_STATUS_CONFIRMED\"");
    });
    assertThat(replies.get(0).key()).isEqualTo(replies.get(1).key());
    assertThat(Blocking.await(running.node().checkout().orders().all())).hasSize(1);
    assertThat(Blocking.await(running.node().checkout().stock().level(APPLE)).getAvailable()).isEqualTo(
        dev.switchboard.testing.TestNodes.APPLE_STOCK - 2);
  }

  @Test
  @DisplayName("a command without ce_id or not JSON goes to the dead-letter topic with the reason; the next one is served")
  void poisonCommandsAreDeadLettered() throws Exception {
    start("rpc");
    Kcat.produce(SharedKafka.bootstrapServers(), commandTopic, "k-2", Map.of("reply-topic", replyTopic), "{}");
    Kcat.produce(SharedKafka.bootstrapServers(), commandTopic, "k-3", Map.of("ce_id", "bad-" + run), "not json");
    Kcat.produce(SharedKafka.bootstrapServers(), commandTopic, "k-4", Map.of("ce_id", "good-" + run),
        "{\"customerId\":\"kcat-2\",\"items\":[{\"sku\":\"" + APPLE + "\",\"quantity\":1,\"unitPriceCents\":5}]}");

    List<Kcat.Record> dead = Kcat.consumeUntil(SharedKafka.bootstrapServers(), commandTopic + ".dlq", WITHIN,
        seen -> seen.size() >= 2);
    assertThat(dead).hasSize(2).allSatisfy(record -> assertThat(record.headers())
        .containsEntry("x-error-code", "INVALID_ARGUMENT")
        .containsEntry("x-original-topic", commandTopic)
        .containsEntry("x-attempts", "1")
        .containsKeys("x-original-partition", "x-original-offset", "x-error-message"));
    assertThat(dead).extracting(record -> record.headers().get("x-error-message"))
        .anySatisfy(reason -> assertThat(reason).contains("needs a ce_id header"))
        .anySatisfy(reason -> assertThat(reason).contains("not a PlaceOrderRequest in JSON"));

    List<Kcat.Record> replies = Kcat.consumeUntil(SharedKafka.bootstrapServers(), replyTopic, WITHIN,
        seen -> !seen.isEmpty());
    assertThat(replies).singleElement().satisfies(reply -> {
      assertThat(reply.headers()).containsEntry("correlation-id", "good-" + run);
      assertThat(reply.value()).contains("ORDER_STATUS_CONFIRMED");
    });
  }

  @Test
  @DisplayName("an invalid order gets a reply naming the field, and nothing is placed")
  void invalidOrderGetsAnErrorReply() throws Exception {
    start("rpc");
    Kcat.produce(SharedKafka.bootstrapServers(), commandTopic, "k-5", Map.of("ce_id", "invalid-" + run),
        "{\"customerId\":\"\",\"items\":[]}");

    List<Kcat.Record> replies = Kcat.consumeUntil(SharedKafka.bootstrapServers(), replyTopic, WITHIN,
        seen -> !seen.isEmpty());
    assertThat(replies).singleElement().satisfies(reply -> {
      assertThat(reply.headers()).containsEntry("correlation-id", "invalid-" + run)
          .containsEntry("error-code", "INVALID_ARGUMENT");
      assertThat(reply.value()).contains("customer_id");
    });
    assertThat(Blocking.await(running.node().checkout().orders().all())).isEmpty();
  }

  @Test
  @DisplayName("a command whose ce_id, x-correlation-id or reply-topic is beyond its limit is dead-lettered with the "
      + "reason, places nothing, and the next one is served")
  void commandsWithBadHeadersAreDeadLettered() throws Exception {
    start("rpc");
    String order = "{\"customerId\":\"kcat-3\",\"items\":[{\"sku\":\"" + APPLE + "\",\"quantity\":1,"
        + "\"unitPriceCents\":5}]}";
    Kcat.produce(SharedKafka.bootstrapServers(), commandTopic, "k-6", Map.of("ce_id", "c".repeat(300)), order);
    Kcat.produce(SharedKafka.bootstrapServers(), commandTopic, "k-6",
        Map.of("ce_id", "long-cid-" + run, "x-correlation-id", "x".repeat(300)), order);
    Kcat.produce(SharedKafka.bootstrapServers(), commandTopic, "k-6",
        Map.of("ce_id", "elsewhere-" + run, "reply-topic", "someone.elses.topic"), order);
    Kcat.produce(SharedKafka.bootstrapServers(), commandTopic, "k-6", Map.of("ce_id", "fine-" + run), order);

    List<Kcat.Record> dead = Kcat.consumeUntil(SharedKafka.bootstrapServers(), commandTopic + ".dlq", WITHIN,
        seen -> seen.size() >= 3);
    assertThat(dead).hasSize(3).allSatisfy(record -> assertThat(record.headers())
        .containsEntry("x-error-code", "INVALID_ARGUMENT").containsEntry("x-original-topic", commandTopic));
    // (kcat prints headers separated by commas: a value is read up to its first comma)
    assertThat(dead).extracting(record -> record.headers().get("x-error-message")).containsExactly(
        "ce_id must be at most 125 characters of [A-Za-z0-9._:-]",
        "x-correlation-id must be at most 128 characters of [A-Za-z0-9._:-]",
        "reply-topic \"someone.elses.topic\" is not allowed: it must match one of bridge.replyTopics [\\Q"
            + replyTopic + "\\E]");
    List<Kcat.Record> replies = Kcat.consumeUntil(SharedKafka.bootstrapServers(), replyTopic, WITHIN,
        seen -> !seen.isEmpty());
    assertThat(replies).singleElement().satisfies(reply ->
        assertThat(reply.headers()).containsEntry("correlation-id", "fine-" + run));
    assertThat(Blocking.await(running.node().checkout().orders().all())).hasSize(1);
  }

  @Test
  @DisplayName("a reply that cannot be written is tried bridge.sendAttempts times, then the command is dead-lettered "
      + "naming why; the next command of the same key is served")
  void unwritableReplyIsDeadLettered() throws Exception {
    String tooSmall = replyTopic + ".small";
    createTopic(tooSmall, Map.of("max.message.bytes", "10"));  // the broker refuses every record written to it
    start("rpc", Map.of("bridge.replyTopics", Pattern.quote(replyTopic) + "(\\.small)?", "bridge.sendAttempts", "3",
        "bridge.sendBackoffMs", "10"));
    String order = "{\"customerId\":\"kcat-4\",\"items\":[{\"sku\":\"" + APPLE + "\",\"quantity\":1,"
        + "\"unitPriceCents\":5}]}";
    Kcat.produce(SharedKafka.bootstrapServers(), commandTopic, "k-7",
        Map.of("ce_id", "unanswerable-" + run, "reply-topic", tooSmall), order);
    Kcat.produce(SharedKafka.bootstrapServers(), commandTopic, "k-7", Map.of("ce_id", "next-" + run), order);

    List<Kcat.Record> dead = Kcat.consumeUntil(SharedKafka.bootstrapServers(), commandTopic + ".dlq", WITHIN,
        seen -> !seen.isEmpty());
    assertThat(dead).singleElement().satisfies(record -> {
      assertThat(record.headers()).containsEntry("x-error-code", "UNAVAILABLE").containsEntry("x-attempts", "3")
          .containsEntry("ce_id", "unanswerable-" + run);
      assertThat(record.headers().get("x-error-message"))
          .startsWith("the reply to " + tooSmall + " could not be written after 3 attempts: ");
    });
    List<Kcat.Record> replies = Kcat.consumeUntil(SharedKafka.bootstrapServers(), replyTopic, WITHIN,
        seen -> !seen.isEmpty());
    assertThat(replies).singleElement().satisfies(reply ->
        assertThat(reply.headers()).containsEntry("correlation-id", "next-" + run));
    assertThat(Blocking.await(running.node().checkout().orders().all())).hasSize(2);
  }

  @Test
  @DisplayName("a dead letter that cannot be written is given up after bridge.sendAttempts: the partition goes on")
  void unwritableDeadLetterDoesNotHoldThePartition() throws Exception {
    createTopic(commandTopic + ".dlq", Map.of("max.message.bytes", "10"));
    start("rpc", Map.of("bridge.sendAttempts", "2", "bridge.sendBackoffMs", "10"));
    Kcat.produce(SharedKafka.bootstrapServers(), commandTopic, "k-8", Map.of("reply-topic", replyTopic), "{}");
    Kcat.produce(SharedKafka.bootstrapServers(), commandTopic, "k-8", Map.of("ce_id", "after-" + run),
        "{\"customerId\":\"kcat-5\",\"items\":[{\"sku\":\"" + APPLE + "\",\"quantity\":1,\"unitPriceCents\":5}]}");

    List<Kcat.Record> replies = Kcat.consumeUntil(SharedKafka.bootstrapServers(), replyTopic, WITHIN,
        seen -> !seen.isEmpty());
    assertThat(replies).singleElement().satisfies(reply ->
        assertThat(reply.headers()).containsEntry("correlation-id", "after-" + run));
  }

  private static void createTopic(String name, Map<String, String> config) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", SharedKafka.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic(name, 1, (short) 1).configs(config))).all().get();
    }
  }
}
