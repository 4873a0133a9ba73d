package dev.switchboard.checkout;

import dev.switchboard.checkout.v1.Order;
import dev.switchboard.checkout.v1.OrderEvent;
import dev.switchboard.checkout.v1.OrderStatus;
import dev.switchboard.checkout.v1.PlaceOrderRequest;
import dev.switchboard.checkout.v1.StockLevel;
import dev.switchboard.experiment.CheckoutGrpcClient;
import dev.switchboard.node.Blocking;
import dev.switchboard.testing.Eventually;
import dev.switchboard.testing.Orders;
import dev.switchboard.testing.Orders.Placed;
import dev.switchboard.testing.RunningNode;
import dev.switchboard.testing.SharedKafka;
import dev.switchboard.testing.SharedPostgres;
import dev.switchboard.testing.TestNodes;
import io.vertx.core.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static dev.switchboard.testing.TestNodes.APPLE;
import static dev.switchboard.testing.TestNodes.APPLE_STOCK;
import static dev.switchboard.testing.TestNodes.CHERRY;
import static dev.switchboard.testing.TestNodes.CHERRY_STOCK;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two full replicas (every service in each) on one Kafka cluster and one PostgreSQL database, each
 * with its own event bus, clients spread over both gRPC edges: commands go to whichever replica's
 * consumer takes them, results to whichever saga owner, and a client is answered by the replica it
 * called wherever its order ended. Event-mode steps travel on Kafka; rpc steps stay inside the
 * replica that drives the saga at that moment.
 */
@DisplayName("Two replicas on one Kafka and one PostgreSQL")
class ReplicasTest {

  private static final Duration SETTLE = Duration.ofSeconds(20);

  private final List<RunningNode> replicas = new ArrayList<>();

  @AfterEach
  void stop() {
    replicas.forEach(RunningNode::close);
  }

  /**
   * {@code hybrid}: PlaceOrder in rpc mode (the client waits for the terminal status), the other
   * steps as events on Kafka — the containers' configuration; {@code event}: every step an event.
   */
  private List<CheckoutGrpcClient> start(String variant, Map<String, String> more) {
    Map<String, String> settings = new HashMap<>(SharedPostgres.freshStore());
    settings.putAll(SharedKafka.kafkaTransport());
    settings.put("defaults.mode", "event");
    if (variant.equals("hybrid")) {
      settings.put("operations.orders.place.mode", "rpc");
      settings.put("operations.orders.place.transport", "local");
      settings.put("operations.orders.place.timeoutMs", "60000");
    }
    settings.putAll(more);
    List<CheckoutGrpcClient> clients = new ArrayList<>();
    for (String instance : List.of("replica-a", "replica-b")) {
      Map<String, String> replica = new HashMap<>(settings);
      replica.put("instance.id", instance);
      RunningNode running = RunningNode.start(replica);
      replicas.add(running);
      clients.add(running.newClient());
    }
    return clients;
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"hybrid", "event"})
  @DisplayName("the scenarios end as on one process, whichever replica the client calls")
  void scenarios(String variant) {
    List<CheckoutGrpcClient> clients = start(variant, Map.of());
    CheckoutApplication store = replicas.get(0).node().checkout();

    for (CheckoutGrpcClient client : clients) {
      Placed confirmed = Orders.placeAndFollow(client, Orders.order(APPLE, 3, 1_000));
      assertAnswered(variant, confirmed);
      assertThat(confirmed.terminal().getStatus()).isEqualTo(OrderStatus.ORDER_STATUS_CONFIRMED);

      Placed outOfStock = Orders.placeAndFollow(client, Orders.order(CHERRY, (int) CHERRY_STOCK + 1, 100));
      assertAnswered(variant, outOfStock);
      assertThat(outOfStock.terminal().getStatus()).isEqualTo(OrderStatus.ORDER_STATUS_REJECTED);
      assertThat(outOfStock.terminal().getReason()).contains("stock");

      Placed declined = Orders.placeAndFollow(client, Orders.order(APPLE, 2, TestNodes.MAX_CHARGE_CENTS));
      assertAnswered(variant, declined);
      assertThat(declined.terminal().getStatus()).isEqualTo(OrderStatus.ORDER_STATUS_REJECTED);
      assertThat(declined.terminal().getReason()).contains("payment");
    }

    // a retry with the same idempotency key on the other replica is the same order, placed once
    PlaceOrderRequest request = Orders.order(APPLE, 4, 500);
    Placed first = Orders.placeAndFollow(clients.get(0), request);
    Placed retry = Orders.placeAndFollow(clients.get(1), request);
    assertThat(retry.answer().getOrderId()).isEqualTo(first.answer().getOrderId());
    assertThat(retry.terminal().getStatus()).isEqualTo(OrderStatus.ORDER_STATUS_CONFIRMED);

    Eventually.asserts(SETTLE, () -> {
      StockLevel apple = Blocking.await(clients.get(1).getStock(APPLE));
      assertThat(apple.getAvailable()).isEqualTo(APPLE_STOCK - 3 - 3 - 4);
      assertThat(apple.getReserved()).isZero();
      StockLevel cherry = Blocking.await(clients.get(0).getStock(CHERRY));
      assertThat(cherry.getAvailable()).isEqualTo(CHERRY_STOCK);
    });
    assertThat(Blocking.await(store.orders().all())).hasSize(7).allMatch(OrderBook::isTerminal);
    assertThat(Blocking.await(store.payments().chargeCount())).isEqualTo(3);
    assertThat(Blocking.await(store.payments().capturedCents())).isEqualTo(3_000 + 3_000 + 2_000);
    assertThat(Blocking.await(store.shipments().count())).isEqualTo(3);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"hybrid", "event"})
  @DisplayName("a burst over both replicas sells exactly the stock there is: one charge per confirmed order, each terminal once")
  void burst(String variant) {
    int stock = 150;
    int orders = 300;
    String sku = "SKU-REPLICAS";
    List<CheckoutGrpcClient> clients = start(variant, Map.of("inventory.stock." + sku, Integer.toString(stock)));
    CheckoutApplication store = replicas.get(1).node().checkout();

    List<Future<Order>> outcomes = new ArrayList<>();
    for (int i = 0; i < orders; i++) {
      CheckoutGrpcClient client = clients.get(i % clients.size());
      outcomes.add(client.placeOrder(Orders.order(sku, 1, 700), "replicas-" + i)
          .compose(answer -> Orders.follow(client, answer)));
    }
    List<Order> terminal = Blocking.await(Future.all(outcomes), 120_000,
        () -> new IllegalStateException("the burst's orders did not all end within 120 s")).list();

    assertThat(terminal).extracting(Order::getOrderId).doesNotHaveDuplicates().hasSize(orders);
    Map<OrderStatus, List<Order>> byStatus = terminal.stream().collect(Collectors.groupingBy(Order::getStatus));
    assertThat(byStatus.get(OrderStatus.ORDER_STATUS_CONFIRMED)).hasSize(stock);
    assertThat(byStatus.get(OrderStatus.ORDER_STATUS_REJECTED)).hasSize(orders - stock)
        .allSatisfy(order -> assertThat(order.getReason()).contains("stock"));
    Eventually.asserts(SETTLE, () -> {
      StockLevel level = Blocking.await(clients.get(0).getStock(sku));
      assertThat(level.getAvailable()).isZero();
      assertThat(level.getReserved()).isZero();
    });
    assertThat(Blocking.await(store.orders().all())).hasSize(orders).allMatch(OrderBook::isTerminal);
    assertThat(Blocking.await(store.payments().chargeCount())).isEqualTo(stock);
    assertThat(Blocking.await(store.payments().capturedCents())).isEqualTo(stock * 700L);
    assertThat(Blocking.await(store.shipments().count())).isEqualTo(stock);
    Eventually.asserts(SETTLE, () -> assertThat(terminal).allSatisfy(order -> {
      boolean confirmed = order.getStatus() == OrderStatus.ORDER_STATUS_CONFIRMED;
      assertThat(Blocking.await(store.notifications().count(order.getOrderId(), OrderEvent.KindCase.CONFIRMED)))
          .isEqualTo(confirmed ? 1 : 0);
      assertThat(Blocking.await(store.notifications().count(order.getOrderId(), OrderEvent.KindCase.REJECTED)))
          .isEqualTo(confirmed ? 0 : 1);
    }));
    // both replicas did the work: each advanced sagas whose results it took from the shared group
    for (RunningNode replica : replicas) {
      assertThat(replica.node().switchboard().metrics().registry().find("switchboard.operation.handled")
          .tag("operation", "inventory.reserve").timers()).as("inventory.reserve handled on " +
          replica.node().config().instance()).isNotEmpty();
    }
  }

  private static void assertAnswered(String variant, Placed placed) {
    if (variant.equals("hybrid")) {
      assertThat(placed.answer().getStatus()).as("rpc-mode PlaceOrder answers the terminal status")
          .isEqualTo(placed.terminal().getStatus());
    } else {
      assertThat(placed.answer().getStatus()).isEqualTo(OrderStatus.ORDER_STATUS_PENDING);
    }
  }
}
