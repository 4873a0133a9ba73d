package dev.switchboard.edge;

import dev.switchboard.node.Blocking;

import dev.switchboard.node.SwitchboardNode;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.switchboard.checkout.v1.Order;
import dev.switchboard.checkout.v1.OrderStatus;
import dev.switchboard.checkout.v1.PlaceOrderResponse;
import dev.switchboard.experiment.CheckoutGrpcClient;
import dev.switchboard.testing.Eventually;
import dev.switchboard.testing.Orders;
import dev.switchboard.testing.RunningNode;
import dev.switchboard.testing.SharedKafka;
import dev.switchboard.testing.TestNodes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.switchboard.testing.TestNodes.APPLE;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("The gRPC edge answers per the mode of orders.place")
class EdgeModesTest {

  private RunningNode running;
  private SwitchboardNode node;
  private CheckoutGrpcClient client;

  @AfterEach
  void stop() {
    if (running != null) {
      running.close();
    }
  }

  private void start(Map<String, String> overrides) {
    running = RunningNode.start(overrides);
    node = running.node();
    client = running.newClient();
  }

  @Test
  @DisplayName("event mode: PlaceOrder answers PENDING at once; GetOrder shows it; WatchOrder sends PENDING, then CONFIRMED, and ends")
  void eventModeAnswersPendingAndWatchEndsTerminal() {
    // payment takes a while, so the order is visibly pending when the client starts watching
    start(Map.of("operations.orders.place.mode", "event", "operations.payment.charge.faults.latencyMs", "1500"));

    PlaceOrderResponse answer = Blocking.await(client.placeOrder(Orders.order(APPLE, 1, 100), "watch-1"));
    assertThat(answer.getStatus()).isEqualTo(OrderStatus.ORDER_STATUS_PENDING);
    assertThat(answer.getOrderId()).isNotBlank();
    assertThat(Blocking.await(client.getOrder(answer.getOrderId())).getStatus())
        .isEqualTo(OrderStatus.ORDER_STATUS_PENDING);

    List<Order> updates = Blocking.await(client.watchOrder(answer.getOrderId(), update -> { }));

    assertThat(updates).extracting(Order::getStatus)
        .containsExactly(OrderStatus.ORDER_STATUS_PENDING, OrderStatus.ORDER_STATUS_CONFIRMED);
    assertThat(updates.get(1).getCorrelationId()).isEqualTo("watch-1");
  }

  @Test
  @DisplayName("WatchOrder of an order that is already terminal sends that state once and ends")
  void watchOfTerminalOrder() {
    start(Map.of());
    PlaceOrderResponse answer = Blocking.await(client.placeOrder(Orders.order(APPLE, 1, 100), null));

    List<Order> updates = Blocking.await(client.watchOrder(answer.getOrderId(), update -> { }));

    assertThat(updates).extracting(Order::getStatus).containsExactly(OrderStatus.ORDER_STATUS_CONFIRMED);
  }

  @Test
  @DisplayName("rpc mode: PlaceOrder answers the terminal status, with the reason when rejected")
  void rpcModeAnswersTerminal() {
    start(Map.of("operations.orders.place.mode", "rpc", "defaults.mode", "event"));

    PlaceOrderResponse confirmed = Blocking.await(client.placeOrder(Orders.order(APPLE, 1, 100), null));
    PlaceOrderResponse rejected = Blocking.await(client.placeOrder(
        Orders.order(APPLE, 1, TestNodes.MAX_CHARGE_CENTS + 1), null));

    assertThat(confirmed.getStatus()).isEqualTo(OrderStatus.ORDER_STATUS_CONFIRMED);
    assertThat(rejected.getStatus()).isEqualTo(OrderStatus.ORDER_STATUS_REJECTED);
    assertThat(rejected.getReason()).contains("payment declined");
  }

  @ParameterizedTest(name = "all {0}")
  @ValueSource(strings = {"rpc", "event", "event on kafka"})
  @DisplayName("the correlation id from x-correlation-id metadata is in every per-message log line of the order, in every service")
  void correlationIdTravelsEverywhere(String mode) {
    Logger platformLogger = (Logger) LoggerFactory.getLogger("dev.switchboard");
    Level before = platformLogger.getLevel();
    ListAppender<ILoggingEvent> captured = new ListAppender<>();
    captured.start();
    platformLogger.addAppender(captured);
    platformLogger.setLevel(Level.DEBUG);
    try {
      Map<String, String> settings = new HashMap<>(Map.of("defaults.mode", mode.split(" ")[0]));
      if (mode.endsWith("kafka")) {
        settings.putAll(SharedKafka.kafkaTransport());
      }
      start(settings);
      String correlationId = "trace-" + mode.replace(' ', '-') + "-42";
      PlaceOrderResponse answer = Blocking.await(client.placeOrder(Orders.order(APPLE, 1, 100), correlationId));
      Blocking.await(client.watchOrder(answer.getOrderId(), update -> { }));
      // every hop's line, the subscribers' of OrderConfirmed last, once they are logged
      Eventually.asserts(Duration.ofSeconds(10), () -> {
        List<String> lines = List.copyOf(captured.list).stream().map(ILoggingEvent::getFormattedMessage)
            .filter(line -> line.contains("agg=" + answer.getOrderId())).toList();
        assertThat(lines).allSatisfy(line -> assertThat(line).contains("cid=" + correlationId));
        for (String hop : List.of("orders.place", "inventory.reserve", "payment.charge", "shipping.schedule",
            "notifications.orderEvents", "analytics.orderEvents", "inventory.orderEvents")) {
          assertThat(lines).as("log lines of " + hop).anyMatch(line -> line.contains(hop));
        }
      });
    } finally {
      platformLogger.detachAppender(captured);
      platformLogger.setLevel(before);
    }
  }
}
