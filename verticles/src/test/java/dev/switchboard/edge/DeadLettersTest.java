package dev.switchboard.edge;

import dev.switchboard.checkout.CheckoutOperations;
import dev.switchboard.checkout.v1.ChargeRequest;
import dev.switchboard.checkout.v1.OrderEvent;
import dev.switchboard.checkout.v1.OrderStatus;
import dev.switchboard.checkout.v1.StockLevel;
import dev.switchboard.node.Blocking;
import dev.switchboard.platform.CallContext;
import dev.switchboard.platform.metrics.SwitchboardMetrics;
import dev.switchboard.platform.transport.Envelope;
import dev.switchboard.platform.transport.LocalTransport;
import dev.switchboard.testing.CapturedLogs;
import dev.switchboard.testing.Eventually;
import dev.switchboard.testing.ManagementClient;
import dev.switchboard.testing.ManagementClient.Response;
import dev.switchboard.testing.Orders;
import dev.switchboard.testing.RunningNode;
import dev.switchboard.testing.SharedKafka;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static dev.switchboard.testing.TestNodes.APPLE;
import static dev.switchboard.testing.TestNodes.APPLE_STOCK;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Dead letters on the management port over real HTTP, on the event bus (kept in the store) and on a
 * real Kafka broker (read back from the {@code .dlq} topics): a message an operation gave up on is
 * listed with why, its origin and its body as JSON; once the cause is fixed, a replay sends it again
 * with the same message id, so its handler runs once and a second replay changes nothing. Behaviour is
 * asserted by outcomes, never by how long something took.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("Dead letters: listed and replayed from the management port")
class DeadLettersTest {

  private static final String TOKEN = "dead-letters-test-token-0123456789";
  private static final Duration SETTLE = Duration.ofSeconds(30);
  private static final String CHARGE = "payment.charge";
  private static final String NOTIFICATIONS = "notifications.orderEvents";
  /** Field 1, length-delimited, 127 bytes long, but one byte follows: no ChargeRequest decodes from it. */
  private static final byte[] UNDECODABLE = {0x0A, 0x7F, 0x01};

  private HttpClientAgent http;
  private RunningNode running;

  @BeforeEach
  void httpClient(Vertx vertx) {
    this.http = vertx.createHttpClient();
  }

  @AfterEach
  void stop() {
    if (running != null) {
      running.close();
    }
    Blocking.await(http.close());
  }

  /** A node with the token, on {@code transport}, with {@code operation} in event mode, one retry, and down. */
  private void start(String transport, String operation, String... more) {
    Map<String, String> overrides = new HashMap<>();
    overrides.put("management.token", TOKEN);
    if (transport.equals("kafka")) {
      overrides.putAll(SharedKafka.kafkaTransport());
    }
    overrides.put("operations." + operation + ".mode", "event");
    overrides.put("operations." + operation + ".retries", "1");
    overrides.put("operations." + operation + ".retryBackoffMs", "1");
    overrides.put("operations." + operation + ".faults.down", "true");
    for (int i = 0; i < more.length; i += 2) {
      overrides.put(more[i], more[i + 1]);
    }
    running = RunningNode.start(overrides);
  }

  @Nested
  @DisplayName("a command that outlived its retries")
  class Commands {

    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {"local", "kafka"})
    @DisplayName("is listed with its reason and body; replayed once the fault is fixed, it is charged once, "
        + "and a second replay changes nothing")
    void replayedOnceFixed(String transport) {
      start(transport, CHARGE);
      String orderId = "dead-charge-" + UUID.randomUUID();
      String correlationId = "corr-" + UUID.randomUUID();
      Blocking.await(running.node().switchboard().invoke(CheckoutOperations.PAYMENT_CHARGE, ChargeRequest.newBuilder()
          .setOrderId(orderId).setCustomerId("c-9").setAmountCents(1_234).build(), CallContext.begin(correlationId)));

      JsonObject letter = onlyDeadLetter(CHARGE);
      assertThat(letter.getString("id")).startsWith(transport + ":");
      assertThat(letter.getString("operation")).isEqualTo(CHARGE);
      assertThat(letter.getString("transport")).isEqualTo(transport);
      assertThat(letter.getString("kind")).isEqualTo("command");
      assertThat(letter.getString("messageId")).isNotBlank();
      assertThat(letter.getString("correlationId")).isEqualTo(correlationId);
      assertThat(letter.getJsonObject("reason").getString("code")).isEqualTo("UNAVAILABLE");
      assertThat(letter.getJsonObject("reason").getString("message")).contains("down");
      assertThat(letter.getInteger("attempts")).isEqualTo(2);
      assertThat(letter.getJsonObject("message")).isEqualTo(new JsonObject().put("orderId", orderId)
          .put("customerId", "c-9").put("amountCents", "1234"));
      assertThat(letter.getInteger("replays")).isZero();
      assertThat(letter.getValue("replayedAtMs")).isNull();
      if (transport.equals("kafka")) {
        String topic = running.node().switchboard().config().operation(CHARGE).topic();
        assertThat(letter.getString("id")).startsWith("kafka:" + topic + ".dlq:");
        assertThat(letter.getJsonObject("original").getString("topic")).isEqualTo(topic);
        assertThat(letter.getJsonObject("original").getLong("offset")).isNotNegative();
      } else {
        assertThat(letter.containsKey("original")).isFalse();
      }
      assertThat(charges(orderId)).isZero();

      assertThat(send(HttpMethod.PUT, "/operations/payment.charge/faults", TOKEN, "{}").status()).isEqualTo(200);
      Response replayed = replay(CHARGE, letter.getString("id"));

      assertThat(replayed.status()).isEqualTo(200);
      assertThat(replayed.json()).isEqualTo(new JsonObject().put("operation", CHARGE).put("replayed", 1)
          .put("skipped", new JsonArray()));
      Eventually.asserts(SETTLE, () -> assertThat(charges(orderId)).isEqualTo(1));
      JsonObject after = onlyDeadLetter(CHARGE);
      assertThat(after.getInteger("replays")).isEqualTo(1);
      assertThat(after.getLong("replayedAtMs")).isPositive();

      long duplicatesBefore = handled(CHARGE, "duplicate");
      assertThat(replay(CHARGE, letter.getString("id")).json().getInteger("replayed")).isEqualTo(1);
      Eventually.asserts(SETTLE, () -> assertThat(handled(CHARGE, "duplicate")).isEqualTo(duplicatesBefore + 1));
      assertThat(charges(orderId)).as("charges after a second replay of the same dead letter").isEqualTo(1);
      assertThat(handled(CHARGE, "ok")).isEqualTo(1);
      assertThat(onlyDeadLetter(CHARGE).getInteger("replays")).isEqualTo(2);
    }

    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {"local", "kafka"})
    @DisplayName("replayed before the fault is fixed, it fails again as a new dead letter; replaying what was not "
        + "replayed yet, once fixed, charges it once")
    void replayedAgainAfterFailingAgain(String transport) {
      start(transport, CHARGE);
      String orderId = "dead-twice-" + UUID.randomUUID();
      Blocking.await(running.node().switchboard().invoke(CheckoutOperations.PAYMENT_CHARGE, ChargeRequest.newBuilder()
          .setOrderId(orderId).setCustomerId("c-7").setAmountCents(99).build(), CallContext.begin("twice")));
      JsonObject first = onlyDeadLetter(CHARGE);

      assertThat(replay(CHARGE, first.getString("id")).json().getInteger("replayed")).isEqualTo(1);

      Eventually.asserts(SETTLE, () -> assertThat(list("?operation=" + CHARGE).json().getInteger("count"))
          .isEqualTo(2));
      JsonArray both = list("?operation=" + CHARGE).json().getJsonArray("deadLetters");
      JsonObject second = both.getJsonObject(0);
      assertThat(second.getString("id")).isNotEqualTo(first.getString("id"));
      assertThat(second.getString("messageId")).isEqualTo(first.getString("messageId"));
      assertThat(second.getInteger("replays")).isZero();
      assertThat(both.getJsonObject(1).getInteger("replays")).isEqualTo(1);
      assertThat(charges(orderId)).isZero();

      running.node().switchboard().faults().set(CHARGE, dev.switchboard.platform.config.FaultSettings.NONE);
      Response replayed = replay(CHARGE, null);

      assertThat(replayed.json().getInteger("replayed")).as("only the dead letter not replayed yet").isEqualTo(1);
      Eventually.asserts(SETTLE, () -> assertThat(charges(orderId)).isEqualTo(1));
      assertThat(list("?operation=" + CHARGE).json().getJsonArray("deadLetters").stream().map(JsonObject.class::cast)
          .map(letter -> letter.getInteger("replays"))).containsExactly(1, 1);
    }

    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {"local", "kafka"})
    @DisplayName("of an order: the order is rejected and compensated as before; the replay runs the charge once, "
        + "and the compensation refuses it, so no money is taken")
    void orderStaysCompensated(String transport) {
      start(transport, CHARGE);

      Orders.Placed placed = Orders.placeAndFollow(running.newClient(), Orders.order(APPLE, 2, 1_000));

      assertThat(placed.terminal().getStatus()).isEqualTo(OrderStatus.ORDER_STATUS_REJECTED);
      assertThat(placed.terminal().getReason()).contains(CHARGE);
      Eventually.asserts(SETTLE, () -> {
        StockLevel level = Blocking.await(running.node().checkout().stock().level(APPLE));
        assertThat(level.getAvailable()).isEqualTo(APPLE_STOCK);
        assertThat(level.getReserved()).isZero();
      });
      JsonObject letter = onlyDeadLetter(CHARGE);
      assertThat(letter.getJsonObject("message").getString("orderId")).isEqualTo(placed.answer().getOrderId());

      running.node().switchboard().faults().set(CHARGE, dev.switchboard.platform.config.FaultSettings.NONE);
      Response replayed = replay(CHARGE, null);

      assertThat(replayed.json().getInteger("replayed")).isEqualTo(1);
      Eventually.asserts(SETTLE, () -> assertThat(handled(CHARGE, "failed_precondition")).isEqualTo(1));
      assertThat(handled(CHARGE, "ok")).isZero();
      assertThat(Blocking.await(running.node().checkout().payments().capturedCents())).isZero();
      assertThat(replay(CHARGE, null).json().getInteger("replayed")).as("nothing left that was not replayed")
          .isZero();
      assertThat(Blocking.await(running.node().checkout().orders().get(placed.answer().getOrderId()))
          .map(order -> order.getStatus())).hasValue(OrderStatus.ORDER_STATUS_REJECTED);
    }
  }

  @Nested
  @DisplayName("events and poison")
  class EventsAndPoison {

    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {"local", "kafka"})
    @DisplayName("a stream's events a subscriber gave up on are listed as its own and replayed to it: "
        + "each notification sent once")
    void streamEventsReplayedToTheirSubscriber(String transport) {
      start(transport, NOTIFICATIONS);

      Orders.Placed placed = Orders.placeAndFollow(running.newClient(), Orders.order(APPLE, 1, 500));
      String orderId = placed.answer().getOrderId();
      assertThat(placed.terminal().getStatus()).isEqualTo(OrderStatus.ORDER_STATUS_CONFIRMED);

      Eventually.asserts(SETTLE, () -> assertThat(kindsDeadLettered(orderId)).contains("placed", "confirmed"));
      JsonArray letters = list("?operation=" + NOTIFICATIONS).json().getJsonArray("deadLetters");
      for (Object entry : letters) {
        JsonObject letter = (JsonObject) entry;
        assertThat(letter.getString("kind")).isEqualTo("event");
        assertThat(letter.getString("stream")).isEqualTo(CheckoutOperations.ORDER_EVENTS);
        assertThat(letter.getString("operation")).isEqualTo(NOTIFICATIONS);
      }
      assertThat(list("?operation=analytics.orderEvents").json().getInteger("count")).isZero();
      assertThat(notifications(orderId, OrderEvent.KindCase.CONFIRMED)).isZero();

      send(HttpMethod.PUT, "/operations/" + NOTIFICATIONS + "/faults", TOKEN, "{}");
      Response replayed = replay(NOTIFICATIONS, null);

      assertThat(replayed.json().getInteger("replayed")).isEqualTo(letters.size());
      Eventually.asserts(SETTLE, () -> {
        assertThat(notifications(orderId, OrderEvent.KindCase.PLACED)).isEqualTo(1);
        assertThat(notifications(orderId, OrderEvent.KindCase.CONFIRMED)).isEqualTo(1);
      });
      String confirmedId = letters.stream().map(JsonObject.class::cast)
          .filter(letter -> letter.getJsonObject("message").containsKey("confirmed")).findFirst().orElseThrow()
          .getString("id");
      long duplicatesBefore = handled(NOTIFICATIONS, "duplicate");
      assertThat(replay(NOTIFICATIONS, confirmedId).json().getInteger("replayed")).isEqualTo(1);
      Eventually.asserts(SETTLE, () -> assertThat(handled(NOTIFICATIONS, "duplicate")).isGreaterThan(duplicatesBefore));
      assertThat(notifications(orderId, OrderEvent.KindCase.CONFIRMED)).isEqualTo(1);
    }

    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {"local", "kafka"})
    @DisplayName("a poison command (undecodable body) is listed with its bytes as base64 and the decode error")
    void poisonListedWithDecodeError(String transport) throws Exception {
      start(transport, CHARGE, "operations." + CHARGE + ".faults.down", "false");
      String messageId = "poison-" + UUID.randomUUID();
      Envelope poison = Envelope.of(Buffer.buffer(UNDECODABLE),
          CallContext.begin("poison-corr").withMessageId(messageId));
      if (transport.equals("kafka")) {
        produce(running.node().switchboard().config().operation(CHARGE).topic(), poison);
      } else {
        Blocking.await(running.node().vertx().eventBus().request(LocalTransport.commandAddress(CHARGE), poison.body(),
            new DeliveryOptions().setHeaders(poison.headers())));
      }

      JsonObject letter = onlyDeadLetter(CHARGE);

      assertThat(letter.getString("messageId")).isEqualTo(messageId);
      assertThat(letter.getString("correlationId")).isEqualTo("poison-corr");
      assertThat(letter.getJsonObject("reason").getString("code")).isEqualTo("INVALID_ARGUMENT");
      assertThat(letter.getInteger("attempts")).isEqualTo(1);
      JsonObject message = letter.getJsonObject("message");
      assertThat(message.getString("base64")).isEqualTo(Base64.getEncoder().encodeToString(UNDECODABLE));
      assertThat(message.getString("error")).contains("undecodable request");
      assertThat(list("").json().getJsonArray("deadLetters").stream().map(JsonObject.class::cast)
          .map(entry -> entry.getString("id"))).contains(letter.getString("id"));
    }
  }

  @Nested
  @DisplayName("refusals")
  class Refusals {

    @Test
    @DisplayName("a replay without a token is refused with 401, with a wrong one with 403; nothing is sent")
    void replayNeedsTheToken() {
      start("local", CHARGE);
      Blocking.await(running.node().switchboard().invoke(CheckoutOperations.PAYMENT_CHARGE,
          ChargeRequest.newBuilder().setOrderId("o-auth").setAmountCents(5).build(), CallContext.begin("auth")));
      String id = onlyDeadLetter(CHARGE).getString("id");
      String body = new JsonObject().put("operation", CHARGE).put("ids", new JsonArray().add(id)).encode();

      assertThat(send(HttpMethod.POST, "/deadletters/replay", null, body).status()).isEqualTo(401);
      assertThat(send(HttpMethod.POST, "/deadletters/replay", TOKEN + "x", body).status()).isEqualTo(403);
      assertThat(onlyDeadLetter(CHARGE).getInteger("replays")).isZero();
    }

    @Test
    @DisplayName("a replay is audited: one line naming the operation, what was asked and what was done, and a count")
    void replayAudited() {
      try (CapturedLogs captured = new CapturedLogs()) {
        start("local", CHARGE);
        Blocking.await(running.node().switchboard().invoke(CheckoutOperations.PAYMENT_CHARGE,
            ChargeRequest.newBuilder().setOrderId("o-audit").setAmountCents(5).build(), CallContext.begin("audit")));
        String id = onlyDeadLetter(CHARGE).getString("id");

        replay(CHARGE, id);

        Counter changes = running.node().switchboard().metrics().registry().find(SwitchboardMetrics.MANAGEMENT_CHANGES)
            .tag("action", "replay").counter();
        assertThat(changes).isNotNull();
        assertThat(changes.count()).isEqualTo(1);
        running.close();
        running = null;
        assertThat(captured.lines()).filteredOn(line -> line.startsWith("management change by token from"))
            .singleElement().asString().contains("replay of payment.charge", "[" + id + "]", "1 replayed, 0 skipped");
      }
    }

    static Stream<Arguments> badBodies() {
      return Stream.of(
          arguments("not json", "body"),
          arguments("", "body"),
          arguments("{}", "operation"),
          arguments("{\"operation\":5}", "operation"),
          arguments("{\"operation\":\"payment.charge\",\"ids\":\"local:1\"}", "ids"),
          arguments("{\"operation\":\"payment.charge\",\"ids\":[]}", "ids"),
          arguments("{\"operation\":\"payment.charge\",\"ids\":[1]}", "ids"),
          arguments("{\"operation\":\"payment.charge\",\"id\":[\"local:1\"]}", "id"));
    }

    @ParameterizedTest(name = "{0} -> 400 naming {1}")
    @MethodSource("dev.switchboard.edge.DeadLettersTest$Refusals#badBodies")
    @DisplayName("a bad replay body is refused with 400 naming the field")
    void badBody(String body, String field) {
      start("local", CHARGE);

      Response response = send(HttpMethod.POST, "/deadletters/replay", TOKEN, body);

      assertThat(response.status()).isEqualTo(400);
      assertThat(response.json().getString("field")).isEqualTo(field);
    }

    @ParameterizedTest(name = "limit={0}")
    @ValueSource(strings = {"0", "1001", "-1", "ten", ""})
    @DisplayName("a bad limit is refused with 400 naming limit")
    void badLimit(String limit) {
      start("local", CHARGE);

      Response response = list("?limit=" + limit);

      assertThat(response.status()).isEqualTo(400);
      assertThat(response.json().getString("field")).isEqualTo("limit");
      assertThat(response.json().getString("allowed")).contains("1 to 1000");
    }

    @Test
    @DisplayName("an unknown operation is a bad request (400) naming the field operation, the value and the known ones, to list and to replay")
    void unknownOperation() {
      start("local", CHARGE);

      Response listed = list("?operation=payment.chrage");
      Response replayed = send(HttpMethod.POST, "/deadletters/replay", TOKEN, "{\"operation\":\"payment.chrage\"}");

      for (Response response : List.of(listed, replayed)) {
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().getString("field")).isEqualTo("operation");
        assertThat(response.json().getString("error")).contains("\"payment.chrage\"", CHARGE, NOTIFICATIONS);
      }
    }

    @Test
    @DisplayName("ids the operation has no dead letter of are skipped, each with why; the others are replayed")
    void unknownIdsSkipped() {
      start("local", CHARGE);
      Blocking.await(running.node().switchboard().invoke(CheckoutOperations.PAYMENT_CHARGE,
          ChargeRequest.newBuilder().setOrderId("o-skip").setAmountCents(5).build(), CallContext.begin("skip")));
      String id = onlyDeadLetter(CHARGE).getString("id");

      Response response = send(HttpMethod.POST, "/deadletters/replay", TOKEN, new JsonObject().put("operation", CHARGE)
          .put("ids", new JsonArray().add("local:999999").add(id).add("kafka:nope:0:1")).encode());

      assertThat(response.status()).isEqualTo(200);
      assertThat(response.json().getInteger("replayed")).isEqualTo(1);
      assertThat(response.json().getJsonArray("skipped").stream().map(JsonObject.class::cast)
          .map(skip -> skip.getString("id"))).containsExactly("local:999999", "kafka:nope:0:1");
      assertThat(response.json().getJsonArray("skipped").getJsonObject(0).getString("why"))
          .contains("no dead letter local:999999");
    }

    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {"local", "kafka"})
    @DisplayName("flipped to rpc since it was dead-lettered: still replayed on the path it came by, charged once")
    void replayedAfterFlipToRpc(String transport) {
      start(transport, CHARGE, "operations." + CHARGE + ".fallbackTransport", transport);
      String orderId = "dead-flipped-" + UUID.randomUUID();
      Blocking.await(running.node().switchboard().invoke(CheckoutOperations.PAYMENT_CHARGE, ChargeRequest.newBuilder()
          .setOrderId(orderId).setCustomerId("c-5").setAmountCents(77).build(), CallContext.begin("flipped")));
      JsonObject letter = onlyDeadLetter(CHARGE);

      assertThat(send(HttpMethod.PUT, "/operations/payment.charge/mode", TOKEN, "{\"mode\":\"rpc\"}").status())
          .isEqualTo(200);
      assertThat(send(HttpMethod.PUT, "/operations/payment.charge/faults", TOKEN, "{}").status()).isEqualTo(200);
      Response replayed = replay(CHARGE, letter.getString("id"));

      assertThat(replayed.status()).isEqualTo(200);
      assertThat(replayed.json().getInteger("replayed")).isEqualTo(1);
      Eventually.asserts(SETTLE, () -> assertThat(charges(orderId)).isEqualTo(1));
    }
  }

  // ---------------------------------------------------------------- helpers

  /** Waits for the operation's one dead letter and answers it. */
  private JsonObject onlyDeadLetter(String operation) {
    JsonObject[] found = new JsonObject[1];
    Eventually.asserts(SETTLE, () -> {
      Response response = list("?operation=" + operation);
      assertThat(response.status()).isEqualTo(200);
      assertThat(response.json().getInteger("count")).isEqualTo(1);
      found[0] = response.json().getJsonArray("deadLetters").getJsonObject(0);
    });
    return found[0];
  }

  /** The kinds of order events ({@code placed}, {@code confirmed}) of the order dead-lettered by notifications. */
  private List<String> kindsDeadLettered(String orderId) {
    return list("?operation=" + NOTIFICATIONS).json().getJsonArray("deadLetters").stream()
        .map(JsonObject.class::cast).map(letter -> letter.getJsonObject("message"))
        .filter(message -> orderId.equals(message.getString("orderId")))
        .flatMap(message -> message.fieldNames().stream()).toList();
  }

  private long charges(String orderId) {
    return Blocking.await(running.node().checkout().payments().chargesByOrder()).getOrDefault(orderId, 0L);
  }

  private int notifications(String orderId, OrderEvent.KindCase kind) {
    return Blocking.await(running.node().checkout().notifications().count(orderId, kind));
  }

  /** How many times the operation's handler ended with {@code outcome} ({@code ok}, {@code duplicate}, …). */
  private long handled(String operation, String outcome) {
    return running.node().switchboard().metrics().registry().find("switchboard.operation.handled")
        .tag("operation", operation).tag("outcome", outcome).timers().stream().mapToLong(Timer::count).sum();
  }

  private void produce(String topic, Envelope message) throws Exception {
    Map<String, Object> config = Map.of("bootstrap.servers", SharedKafka.bootstrapServers(),
        "key.serializer", ByteArraySerializer.class.getName(), "value.serializer", ByteArraySerializer.class.getName());
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config)) {
      ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, message.context().messageId()
          .getBytes(StandardCharsets.UTF_8), message.body().getBytes());
      message.headers().forEach(header -> record.headers().add(header.getKey(),
          header.getValue().getBytes(StandardCharsets.UTF_8)));
      producer.send(record).get(30, TimeUnit.SECONDS);
    }
  }

  private Response list(String query) {
    return send(HttpMethod.GET, "/deadletters" + query, null, null);
  }

  /** Replays {@code id} of the operation, or (null) every dead letter of it not replayed yet. */
  private Response replay(String operation, String id) {
    JsonObject body = new JsonObject().put("operation", operation);
    if (id != null) {
      body.put("ids", new JsonArray().add(id));
    }
    Response response = send(HttpMethod.POST, "/deadletters/replay", TOKEN, body.encode());
    assertThat(response.status()).as(response.body()).isEqualTo(200);
    return response;
  }

  private Response send(HttpMethod method, String path, String token, String body) {
    return ManagementClient.send(http, running.node().httpPort(), method, path, token, body);
  }
}
