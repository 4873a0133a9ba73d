package dev.switchboard.checkout;

import dev.switchboard.checkout.v1.Order;
import dev.switchboard.checkout.v1.OrderEvent;
import dev.switchboard.checkout.v1.OrderStatus;
import dev.switchboard.checkout.v1.StockLevel;
import dev.switchboard.node.Blocking;
import dev.switchboard.node.SwitchboardNode;
import dev.switchboard.experiment.CheckoutGrpcClient;
import dev.switchboard.testing.Eventually;
import dev.switchboard.testing.Orders;
import dev.switchboard.testing.RunningNode;
import dev.switchboard.testing.SharedKafka;
import dev.switchboard.testing.TestStore;
import io.vertx.core.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("A concurrent burst sells exactly the stock there is")
class ConcurrentBurstTest {

  private static final String SKU = "SKU-BURST";
  private static final int STOCK = 200;
  private static final int ORDERS = 300;
  private static final int CLIENTS = 20;
  private static final long PRICE = 700;

  private RunningNode running;
  private final List<CheckoutGrpcClient> clients = new ArrayList<>();
  private SwitchboardNode node;

  @AfterEach
  void stop() {
    if (running != null) {
      running.close();
    }
  }

  /** Every mode on both stores. */
  static Stream<Arguments> modesAndStores() {
    return Stream.of(TestStore.values()).flatMap(store -> Stream.of("rpc", "event", "event on kafka")
        .map(mode -> Arguments.of(mode, store)));
  }

  @ParameterizedTest(name = "all {0}, store {1}")
  @MethodSource("modesAndStores")
  @DisplayName("300 one-unit orders from 20 clients against 200 in stock: 200 confirmed, 100 rejected, stock 0, each terminal once")
  void burst(String mode, TestStore store) {
    Map<String, String> settings = new HashMap<>(store.settings());
    settings.put("inventory.stock." + SKU, Integer.toString(STOCK));
    settings.put("defaults.mode", mode.startsWith("event") ? "event" : "rpc");
    if (mode.endsWith("kafka")) {
      settings.putAll(SharedKafka.kafkaTransport());
    }
    running = RunningNode.start(settings);
    node = running.node();
    for (int i = 0; i < CLIENTS; i++) {
      clients.add(running.newClient());
    }

    List<Future<Order>> outcomes = new ArrayList<>();
    for (int i = 0; i < ORDERS; i++) {
      CheckoutGrpcClient client = clients.get(i % CLIENTS);
      outcomes.add(client.placeOrder(Orders.order(SKU, 1, PRICE), "burst-" + i)
          .compose(answer -> Orders.follow(client, answer)));
    }
    List<Order> terminal = Blocking.await(Future.all(outcomes)).list();

    assertThat(terminal).extracting(Order::getOrderId).doesNotHaveDuplicates().hasSize(ORDERS);
    Map<OrderStatus, List<Order>> byStatus = terminal.stream().collect(Collectors.groupingBy(Order::getStatus));
    assertThat(byStatus.get(OrderStatus.ORDER_STATUS_CONFIRMED)).hasSize(STOCK);
    assertThat(byStatus.get(OrderStatus.ORDER_STATUS_REJECTED)).hasSize(ORDERS - STOCK)
        .allSatisfy(order -> assertThat(order.getReason()).contains("stock"));

    Eventually.asserts(Duration.ofSeconds(10), () -> {
      StockLevel level = Blocking.await(clients.get(0).getStock(SKU));
      assertThat(level.getAvailable()).isZero();
      assertThat(level.getReserved()).isZero();
    });
    CheckoutApplication checkout = node.checkout();
    assertThat(Blocking.await(checkout.orders().all())).hasSize(ORDERS).allMatch(OrderBook::isTerminal);
    assertThat(Blocking.await(checkout.payments().capturedCents())).isEqualTo(STOCK * PRICE);
    assertThat(Blocking.await(checkout.payments().chargeCount())).isEqualTo(STOCK);
    assertThat(Blocking.await(checkout.shipments().count())).isEqualTo(STOCK);
    Eventually.asserts(Duration.ofSeconds(10), () -> assertThat(terminal).allSatisfy(order -> {
      boolean confirmed = order.getStatus() == OrderStatus.ORDER_STATUS_CONFIRMED;
      assertThat(Blocking.await(checkout.notifications().count(order.getOrderId(), OrderEvent.KindCase.CONFIRMED)))
          .isEqualTo(confirmed ? 1 : 0);
      assertThat(Blocking.await(checkout.notifications().count(order.getOrderId(), OrderEvent.KindCase.REJECTED)))
          .isEqualTo(confirmed ? 0 : 1);
    }));
    Set<String> ids = terminal.stream().map(Order::getOrderId).collect(Collectors.toSet());
    assertThat(Blocking.await(checkout.orders().all())).extracting(Order::getOrderId).containsExactlyInAnyOrderElementsOf(ids);
  }
}
