package dev.switchboard.kafka;

import dev.switchboard.node.Blocking;
import dev.switchboard.checkout.v1.PlaceOrderResponse;
import dev.switchboard.testing.Kcat;
import dev.switchboard.testing.Orders;
import dev.switchboard.testing.RunningNode;
import dev.switchboard.testing.SharedKafka;
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
  @DisplayName("a PlaceOrderRequest written with kcat places one order per ce_id and the reply comes back correlated")
  void commandsComeIn() throws Exception {
    start("rpc");
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
}
