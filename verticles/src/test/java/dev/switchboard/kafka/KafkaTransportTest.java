package dev.switchboard.kafka;

import dev.switchboard.checkout.v1.ChargeRequest;
import dev.switchboard.checkout.v1.OrderStatus;
import dev.switchboard.node.Blocking;
import dev.switchboard.platform.CallContext;
import dev.switchboard.platform.transport.Envelope;
import dev.switchboard.testing.Eventually;
import dev.switchboard.testing.Kcat;
import dev.switchboard.testing.Orders;
import dev.switchboard.testing.Orders.Placed;
import dev.switchboard.testing.RunningNode;
import dev.switchboard.testing.SharedKafka;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static dev.switchboard.testing.TestNodes.APPLE;
import static dev.switchboard.testing.TestNodes.APPLE_STOCK;
import static org.assertj.core.api.Assertions.assertThat;

/** Event mode on a real broker: redelivery, retries, dead letters, poison records. */
@DisplayName("The Kafka transport")
class KafkaTransportTest {

  private static final Duration WITHIN = Duration.ofSeconds(30);
  private static final Duration SCRAPE_WITHIN = Duration.ofSeconds(10);
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(SCRAPE_WITHIN).build();

  private RunningNode running;
  private String prefix;

  @AfterEach
  void stop() {
    if (running != null) {
      running.close();
    }
  }

  private void start(Map<String, String> overrides) {
    Map<String, String> settings = new HashMap<>(SharedKafka.kafkaTransport());
    settings.put("defaults.mode", "event");
    settings.putAll(overrides);
    prefix = settings.get("topics.prefix");
    running = RunningNode.start(settings);
  }

  @Test
  @DisplayName("the same command record delivered twice charges once, and its result is published again")
  void redeliveredCommandChangesStateOnce() {
    Kcat.requireInstalled();
    start(Map.of());
    ChargeRequest charge = ChargeRequest.newBuilder().setOrderId("order-r1").setCustomerId("c").setAmountCents(700)
        .build();
    Envelope command = Envelope.of(Buffer.buffer(charge.toByteArray()),
        new CallContext("redelivery-1", "order-r1", "charge-msg-1", "", Map.of()));
    Vertx vertx = Vertx.vertx();
    KafkaProducer<String, Buffer> producer = KafkaProducer.create(vertx, Map.of(
        "bootstrap.servers", SharedKafka.bootstrapServers(),
        "key.serializer", "org.apache.kafka.common.serialization.StringSerializer",
        "value.serializer", "io.vertx.kafka.client.serialization.BufferSerializer"));
    try {
      for (int copy = 0; copy < 2; copy++) {
        KafkaProducerRecord<String, Buffer> record =
            KafkaProducerRecord.create(prefix + ".payment.charge.v1", "order-r1", command.body());
        command.headers().forEach(header -> record.addHeader(header.getKey(), header.getValue()));
        Blocking.await(producer.send(record));
      }
    } finally {
      Blocking.await(producer.close());
      Blocking.await(vertx.close());
    }

    Eventually.holds("both copies answered", WITHIN, () -> results(prefix + ".payment.charge.result.v1",
        "charge-msg-1").size() == 2);
    assertThat(Blocking.await(running.node().checkout().payments().chargeCount())).isEqualTo(1);
    assertThat(Blocking.await(running.node().checkout().payments().capturedCents())).isEqualTo(700);
    assertThat(running.node().switchboard().metrics().registry().find("switchboard.operation.handled")
        .tag("operation", "payment.charge").tag("outcome", "duplicate").timer().count()).isEqualTo(1);
  }

  private static List<Kcat.Record> results(String topic, String causation) {
    try {
      return Kcat.consumeUntil(SharedKafka.bootstrapServers(), topic, Duration.ofMillis(1), seen -> true).stream()
          .filter(record -> causation.equals(record.headers().get(Envelope.CAUSATION_ID))).toList();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  @DisplayName("a handler that keeps failing is retried, then dead-lettered with its headers; the order is rejected and compensated")
  void failingHandlerIsRetriedThenDeadLettered() throws Exception {
    Kcat.requireInstalled();
    start(Map.of("operations.payment.charge.faults.errorRate", "1.0", "operations.payment.charge.retries", "2",
        "operations.payment.charge.retryBackoffMs", "10"));

    Placed placed = Orders.placeAndFollow(running.newClient(), Orders.order(APPLE, 2, 100));

    assertThat(placed.terminal().getStatus()).isEqualTo(OrderStatus.ORDER_STATUS_REJECTED);
    assertThat(placed.terminal().getReason()).contains("payment.charge failed (injected fault)");
    List<Kcat.Record> dead = Kcat.consumeUntil(SharedKafka.bootstrapServers(), prefix + ".payment.charge.v1.dlq",
        WITHIN, seen -> !seen.isEmpty());
    assertThat(dead).singleElement().satisfies(record -> {
      assertThat(record.key()).isEqualTo(placed.answer().getOrderId());
      assertThat(record.headers())
          .containsEntry("x-error-code", "INTERNAL")
          .containsEntry("x-attempts", "3")
          .containsEntry("x-original-topic", prefix + ".payment.charge.v1")
          .containsKeys("x-original-partition", "x-original-offset", "x-message-id", "x-correlation-id");
    });
    Eventually.holds("stock released", WITHIN, () ->
        Blocking.await(running.node().checkout().stock().level(APPLE)).getAvailable() == APPLE_STOCK
            && Blocking.await(running.node().checkout().stock().level(APPLE)).getReserved() == 0);
    assertThat(running.node().switchboard().metrics().registry().find("switchboard.operation.retries")
        .tag("operation", "payment.charge").counter().count()).isEqualTo(2);
  }

  @Test
  @DisplayName("event mode on Kafka reports delivery delay and consumer lag per operation on /metrics")
  void kafkaMetricsAreScraped() throws Exception {
    start(Map.of());
    Orders.placeAndFollow(running.newClient(), Orders.order(APPLE, 1, 100));

    Eventually.asserts(WITHIN, () -> {
      String scrape = scrape(running.node().httpPort());
      String instance = "instance=\"" + running.node().config().instance() + "\"";
      assertThat(scrape)
          .contains("switchboard_operation_delivery_delay_seconds_count{" + instance
              + ",operation=\"payment.charge\",transport=\"kafka\"}")
          .contains("switchboard_kafka_consumer_lag{group=\"" + prefix + ".payment.charge\"," + instance + ",topic=\""
              + prefix + ".payment.charge.v1\"}");
    });
  }

  /**
   * GET /metrics in plain HTTP/1.1, answered in full within {@link #SCRAPE_WITHIN} or an
   * AssertionError (which {@link Eventually} tries again). The bound is on the whole exchange: the
   * request timeout alone does not end every wait (see ManagementVerticle#serverOptions).
   */
  private static String scrape(int port) {
    try {
      return HTTP.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                  .timeout(SCRAPE_WITHIN).build(), HttpResponse.BodyHandlers.ofString())
          .get(SCRAPE_WITHIN.toMillis(), TimeUnit.MILLISECONDS).body();
    } catch (TimeoutException e) {
      throw new AssertionError("GET /metrics not answered within " + SCRAPE_WITHIN.toSeconds() + " s", e);
    } catch (ExecutionException e) {
      throw new AssertionError("GET /metrics failed: " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  @Test
  @DisplayName("a poison command record is dead-lettered at once and the consumer goes on with the next")
  void poisonRecordIsDeadLetteredAtOnce() throws Exception {
    Kcat.requireInstalled();
    start(Map.of());
    Kcat.produce(SharedKafka.bootstrapServers(), prefix + ".inventory.reserve.v1", "order-poison",
        Map.of(Envelope.MESSAGE_ID, "poison-1", Envelope.CORRELATION_ID, "poison"), "\u00ff\u00fe not protobuf");

    List<Kcat.Record> dead = Kcat.consumeUntil(SharedKafka.bootstrapServers(), prefix + ".inventory.reserve.v1.dlq",
        WITHIN, seen -> !seen.isEmpty());
    assertThat(dead).singleElement().satisfies(record -> assertThat(record.headers())
        .containsEntry("x-error-code", "INVALID_ARGUMENT")
        .containsEntry("x-attempts", "1")
        .containsEntry("x-message-id", "poison-1"));

    Placed placed = Orders.placeAndFollow(running.newClient(), Orders.order(APPLE, 1, 100));
    assertThat(placed.terminal().getStatus()).isEqualTo(OrderStatus.ORDER_STATUS_CONFIRMED);
  }
}
