package dev.switchboard.kafka;

import dev.switchboard.checkout.CheckoutApplication;
import dev.switchboard.checkout.OrderBook;
import dev.switchboard.checkout.v1.Order;
import dev.switchboard.checkout.v1.OrderEvent;
import dev.switchboard.checkout.v1.OrderStatus;
import dev.switchboard.checkout.v1.PlaceOrderResponse;
import dev.switchboard.node.Blocking;
import dev.switchboard.experiment.CheckoutGrpcClient;
import dev.switchboard.testing.Eventually;
import dev.switchboard.testing.Orders;
import dev.switchboard.testing.RunningNode;
import dev.switchboard.testing.SharedKafka;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The services that consume the checkout's commands are stopped mid-stream — their Kafka consumers
 * close and whatever they had in flight is dropped — and started again: the commands waited in the
 * topics, the uncommitted ones are redelivered and deduplicated. (The services' state lives in the
 * process here; a process kill needs the durable store.)
 */
@DisplayName("Consumers stopped mid-stream and started again on Kafka")
class ConsumerRestartTest {

  private static final String SKU = "SKU-RESTART";
  private static final int STOCK = 150;
  private static final int ORDERS = 200;
  private static final int DECLINED = 20;
  private static final long PRICE = 100;
  private static final List<String> CONSUMERS = List.of("inventory", "payment", "shipping");

  private RunningNode running;

  @AfterEach
  void stop() {
    if (running != null) {
      running.close();
    }
  }

  @Test
  @DisplayName("every accepted order ends in exactly one terminal state, stock arithmetic is exact, nothing is charged or shipped twice")
  void nothingLostNothingTwice() {
    Map<String, String> settings = new HashMap<>(SharedKafka.kafkaTransport());
    settings.put("defaults.mode", "event");
    settings.put("inventory.stock." + SKU, Integer.toString(STOCK));
    running = RunningNode.start(settings);
    CheckoutApplication checkout = running.node().checkout();
    Vertx vertx = running.node().vertx();
    List<CheckoutGrpcClient> clients = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      clients.add(running.newClient());
    }

    // 200 orders spread over 4 s (one every 20 ms), so that the outage falls in the middle of the stream
    List<Future<Order>> outcomes = new ArrayList<>();
    for (int i = 0; i < ORDERS; i++) {
      CheckoutGrpcClient client = clients.get(i % clients.size());
      long price = i % (ORDERS / DECLINED) == 0 ? 20_000 : PRICE; // above the limit: declined, stock released
      int index = i;
      outcomes.add(vertx.timer(1 + 20L * i).compose(due -> client.placeOrder(Orders.order(SKU, 1, price),
          "restart-" + index)).compose(answer -> follow(client, answer)));
    }
    Eventually.holds("some orders are through", Duration.ofSeconds(60), () ->
        Blocking.await(checkout.orders().all()).stream().filter(OrderBook::isTerminal).count() >= 30);
    for (String service : CONSUMERS) {
      Blocking.await(checkout.stop(vertx, service));
    }
    long terminalWhileDown = Blocking.await(checkout.orders().all()).stream().filter(OrderBook::isTerminal).count();
    Blocking.await(vertx.timer(1_000)); // the outage: commands wait in their topics
    for (String service : CONSUMERS) {
      Blocking.await(checkout.start(vertx, service));
    }
    List<Order> terminal = Blocking.await(Future.all(outcomes)).list();

    assertThat(terminalWhileDown).as("orders were still in flight when the consumers stopped").isLessThan(ORDERS);
    assertThat(terminal).extracting(Order::getOrderId).doesNotHaveDuplicates().hasSize(ORDERS);
    Map<OrderStatus, List<Order>> byStatus = terminal.stream().collect(Collectors.groupingBy(Order::getStatus));
    List<Order> confirmed = byStatus.getOrDefault(OrderStatus.ORDER_STATUS_CONFIRMED, List.of());
    List<Order> rejected = byStatus.getOrDefault(OrderStatus.ORDER_STATUS_REJECTED, List.of());
    assertThat(confirmed.size() + rejected.size()).isEqualTo(ORDERS);
    assertThat(rejected).allSatisfy(order -> assertThat(order.getReason()).containsAnyOf("stock", "payment"));
    assertThat(confirmed).hasSizeLessThanOrEqualTo(STOCK);

    assertThat(Blocking.await(checkout.orders().all())).hasSize(ORDERS).allMatch(OrderBook::isTerminal);
    Eventually.asserts(Duration.ofSeconds(30), () -> {
      var level = Blocking.await(checkout.stock().level(SKU));
      assertThat(level.getAvailable()).isEqualTo(STOCK - confirmed.size());
      assertThat(level.getReserved()).isZero();
    });
    assertThat(Blocking.await(checkout.payments().chargeCount())).as("charges made").isEqualTo(confirmed.size());
    assertThat(Blocking.await(checkout.payments().capturedCents())).isEqualTo(confirmed.size() * PRICE);
    assertThat(Blocking.await(checkout.shipments().count())).isEqualTo(confirmed.size());
    Eventually.asserts(Duration.ofSeconds(30), () -> assertThat(terminal).allSatisfy(order -> {
      boolean wasConfirmed = order.getStatus() == OrderStatus.ORDER_STATUS_CONFIRMED;
      assertThat(Blocking.await(checkout.notifications().count(order.getOrderId(), OrderEvent.KindCase.CONFIRMED)))
          .isEqualTo(wasConfirmed ? 1 : 0);
      assertThat(Blocking.await(checkout.notifications().count(order.getOrderId(), OrderEvent.KindCase.REJECTED)))
          .isEqualTo(wasConfirmed ? 0 : 1);
    }));
  }

  private static Future<Order> follow(CheckoutGrpcClient client, PlaceOrderResponse answer) {
    return client.watchOrder(answer.getOrderId(), update -> { }).map(updates -> updates.get(updates.size() - 1));
  }
}
