package dev.switchboard.checkout;

import dev.switchboard.checkout.v1.Order;
import dev.switchboard.checkout.v1.OrderEvent;
import dev.switchboard.checkout.v1.OrderStatus;
import dev.switchboard.checkout.v1.StockLevel;
import dev.switchboard.experiment.CheckoutGrpcClient;
import dev.switchboard.node.Blocking;
import dev.switchboard.platform.metrics.SwitchboardMetrics;
import dev.switchboard.testing.Eventually;
import dev.switchboard.testing.ManagementClient;
import dev.switchboard.testing.Orders;
import dev.switchboard.testing.RunningNode;
import dev.switchboard.testing.SharedKafka;
import io.micrometer.core.instrument.Timer;
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

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An operator flips {@code payment.charge} from rpc to event and back through the management API
 * while orders flow: invocations after each flip go the new way, those in flight finish the old way,
 * and nothing is lost or done twice — every order ends once, stock and money add up exactly.
 */
@DisplayName("A live flip of payment.charge while 1,000 orders flow")
class LiveFlipTest {

  private static final String TOKEN = "live-flip-test-token-0123456789";
  private static final String CHARGE = CheckoutOperations.PAYMENT_CHARGE.name();
  private static final String SKU = "SKU-FLIP";
  private static final int STOCK = 800;
  private static final int ORDERS = 1_000;
  private static final int CLIENTS = 16;
  private static final long PRICE = 300;
  private static final Duration SETTLE = Duration.ofSeconds(60);

  private RunningNode running;
  private ManagementClient management;

  @AfterEach
  void stop() {
    if (management != null) {
      management.close();
    }
    if (running != null) {
      running.close();
    }
  }

  @ParameterizedTest(name = "event path {0}")
  @ValueSource(strings = {"local", "kafka"})
  @DisplayName("rpc → event → rpc under load: each order terminal once, stock and charges exact, both paths used")
  void flipUnderLoad(String eventPath) {
    Map<String, String> settings = new HashMap<>(Map.of(
        "management.token", TOKEN,
        "defaults.mode", "rpc",
        "inventory.stock." + SKU, Integer.toString(STOCK)));
    if (eventPath.equals("kafka")) {
      settings.putAll(SharedKafka.kafkaTransport());
      settings.put("operations." + CHARGE + ".fallbackTransport", "kafka");
    }
    running = RunningNode.start(settings);
    management = new ManagementClient(running.node().httpPort(), TOKEN);
    List<CheckoutGrpcClient> clients = new ArrayList<>();
    for (int i = 0; i < CLIENTS; i++) {
      clients.add(running.newClient());
    }

    List<Future<Order>> outcomes = new ArrayList<>();
    send(clients, outcomes, 300);
    assertThat(inFlight(outcomes)).as("orders in flight when flipped to event").isPositive();
    assertThat(management.flip(CHARGE, "event").getString("transport")).isEqualTo(eventPath);
    send(clients, outcomes, 400);
    Eventually.holds("charges are handled as events", SETTLE, () -> handled("event") >= 50);
    long rpcBeforeFlipBack = handled("rpc");
    assertThat(inFlight(outcomes)).as("orders in flight when flipped back to rpc").isPositive();
    assertThat(management.flip(CHARGE, "rpc").getString("mode")).isEqualTo("rpc");
    send(clients, outcomes, ORDERS - 700);

    List<Order> terminal = Blocking.await(Future.all(outcomes)).list();
    assertThat(handled("rpc")).as("charges handled in rpc mode again after the flip back")
        .isGreaterThan(rpcBeforeFlipBack);
    assertThat(management.operation(CHARGE).getString("mode")).isEqualTo("rpc");

    assertThat(terminal).extracting(Order::getOrderId).doesNotHaveDuplicates().hasSize(ORDERS);
    Map<OrderStatus, List<Order>> byStatus = terminal.stream().collect(Collectors.groupingBy(Order::getStatus));
    assertThat(byStatus.keySet()).containsOnly(OrderStatus.ORDER_STATUS_CONFIRMED, OrderStatus.ORDER_STATUS_REJECTED);
    assertThat(byStatus.get(OrderStatus.ORDER_STATUS_CONFIRMED)).hasSize(STOCK);
    assertThat(byStatus.get(OrderStatus.ORDER_STATUS_REJECTED)).hasSize(ORDERS - STOCK)
        .allSatisfy(order -> assertThat(order.getReason()).contains("stock"));

    CheckoutApplication checkout = running.node().checkout();
    Eventually.asserts(SETTLE, () -> {
      StockLevel level = Blocking.await(clients.get(0).getStock(SKU));
      assertThat(level.getAvailable()).isZero();
      assertThat(level.getReserved()).isZero();
    });
    assertThat(Blocking.await(checkout.orders().all())).hasSize(ORDERS).allMatch(OrderBook::isTerminal);
    assertThat(Blocking.await(checkout.payments().chargeCount())).isEqualTo(STOCK);
    assertThat(Blocking.await(checkout.payments().capturedCents())).isEqualTo(STOCK * PRICE);
    assertThat(Blocking.await(checkout.shipments().count())).isEqualTo(STOCK);
    Eventually.asserts(SETTLE, () -> assertThat(terminal).allSatisfy(order -> {
      boolean confirmed = order.getStatus() == OrderStatus.ORDER_STATUS_CONFIRMED;
      assertThat(Blocking.await(checkout.notifications().count(order.getOrderId(), OrderEvent.KindCase.CONFIRMED)))
          .isEqualTo(confirmed ? 1 : 0);
    }));
  }

  /** Places {@code count} more orders at once, spread over the clients. */
  private static void send(List<CheckoutGrpcClient> clients, List<Future<Order>> outcomes, int count) {
    for (int i = 0; i < count; i++) {
      int n = outcomes.size();
      CheckoutGrpcClient client = clients.get(n % clients.size());
      outcomes.add(client.placeOrder(Orders.order(SKU, 1, PRICE), "flip-" + n)
          .compose(answer -> Orders.follow(client, answer)));
    }
  }

  private static long inFlight(List<Future<Order>> outcomes) {
    return outcomes.stream().filter(outcome -> !outcome.isComplete()).count();
  }

  /** How many charges were handled in {@code mode}, whatever their outcome. */
  private long handled(String mode) {
    return running.node().switchboard().metrics().registry().find(SwitchboardMetrics.HANDLED)
        .tag("operation", CHARGE).tag("mode", mode).timers().stream().mapToLong(Timer::count).sum();
  }
}
