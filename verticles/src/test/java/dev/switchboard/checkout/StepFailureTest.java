package dev.switchboard.checkout;

import dev.switchboard.checkout.v1.OrderStatus;
import dev.switchboard.checkout.v1.StockLevel;
import dev.switchboard.edge.Blocking;
import dev.switchboard.edge.SwitchboardNode;
import dev.switchboard.experiment.CheckoutGrpcClient;
import dev.switchboard.testing.Eventually;
import dev.switchboard.testing.Orders;
import dev.switchboard.testing.Orders.Placed;
import dev.switchboard.testing.RunningNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static dev.switchboard.testing.TestNodes.APPLE;
import static dev.switchboard.testing.TestNodes.APPLE_STOCK;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A slow or absent step in rpc mode fails the order fast and cleanly: the saga rejects it with the
 * step's reason, compensates what may have happened (a late effect is refused), and the client
 * gets an answer instead of hanging.
 */
@DisplayName("An rpc step that times out or is down rejects the order and compensates")
class StepFailureTest {

  private static final Duration SETTLE = Duration.ofSeconds(10);

  private RunningNode running;
  private SwitchboardNode node;
  private CheckoutGrpcClient client;

  @AfterEach
  void stop() {
    if (running != null) {
      running.close();
    }
  }

  private void start(String placeMode, Map<String, String> overrides) {
    Map<String, String> settings = new HashMap<>(overrides);
    settings.put("operations.orders.place.mode", placeMode);
    running = RunningNode.start(settings);
    node = running.node();
    client = running.newClient();
  }

  @ParameterizedTest(name = "orders.place={0}")
  @ValueSource(strings = {"rpc", "event"})
  @DisplayName("payment.charge slower than its deadline: rejected naming the step, stock released, late charge refused")
  void chargeTimesOut(String placeMode) {
    start(placeMode, Map.of(
        "operations.payment.charge.timeoutMs", "150",
        "operations.payment.charge.faults.latencyMs", "1000"));

    Placed placed = Orders.placeAndFollow(client, Orders.order(APPLE, 2, 1_000));

    assertThat(placed.terminal().getStatus()).isEqualTo(OrderStatus.ORDER_STATUS_REJECTED);
    assertThat(placed.terminal().getReason()).contains("payment.charge").contains("no reply within 150 ms");
    assertStock(APPLE_STOCK);
    // the handler runs after its added latency, finds the order refunded and refuses to charge
    Eventually.holds("the late charge is refused", SETTLE, () -> node.switchboard().metrics().registry()
        .find("switchboard.operation.handled").tag("operation", "payment.charge")
        .tag("outcome", "failed_precondition").timer() != null);
    assertThat(node.checkout().payments().capturedCents()).isZero();
    assertThat(node.checkout().payments().chargeCount()).isZero();
  }

  @ParameterizedTest(name = "orders.place={0}")
  @ValueSource(strings = {"rpc", "event"})
  @DisplayName("inventory.reserve slower than its deadline: rejected, and the late reservation is refused")
  void reserveTimesOut(String placeMode) {
    start(placeMode, Map.of(
        "operations.inventory.reserve.timeoutMs", "150",
        "operations.inventory.reserve.faults.latencyMs", "1000"));

    Placed placed = Orders.placeAndFollow(client, Orders.order(APPLE, 2, 1_000));

    assertThat(placed.terminal().getStatus()).isEqualTo(OrderStatus.ORDER_STATUS_REJECTED);
    assertThat(placed.terminal().getReason()).contains("inventory.reserve").contains("no reply within 150 ms");
    Eventually.holds("the late reservation is refused", SETTLE, () -> node.switchboard().metrics().registry()
        .find("switchboard.operation.handled").tag("operation", "inventory.reserve")
        .tag("outcome", "failed_precondition").timer() != null);
    assertStock(APPLE_STOCK);
  }

  @ParameterizedTest(name = "orders.place={0}")
  @ValueSource(strings = {"rpc", "event"})
  @DisplayName("shipping.schedule slower than its deadline: rejected, refunded, stock released, late shipment refused")
  void scheduleTimesOut(String placeMode) {
    start(placeMode, Map.of(
        "operations.shipping.schedule.timeoutMs", "150",
        "operations.shipping.schedule.faults.latencyMs", "1000"));

    Placed placed = Orders.placeAndFollow(client, Orders.order(APPLE, 2, 1_000));

    assertThat(placed.terminal().getStatus()).isEqualTo(OrderStatus.ORDER_STATUS_REJECTED);
    assertThat(placed.terminal().getReason()).contains("shipping.schedule").contains("no reply within 150 ms");
    Eventually.holds("the late shipment is refused", SETTLE, () -> node.switchboard().metrics().registry()
        .find("switchboard.operation.handled").tag("operation", "shipping.schedule")
        .tag("outcome", "failed_precondition").timer() != null);
    assertThat(node.checkout().shipments()).isZero();
    assertThat(node.checkout().payments().capturedCents()).isZero();
    assertStock(APPLE_STOCK);
  }

  @ParameterizedTest(name = "orders.place={0}")
  @ValueSource(strings = {"rpc", "event"})
  @DisplayName("payment.charge down: rejected with the unavailable step named, stock released")
  void chargeDown(String placeMode) {
    start(placeMode, Map.of("operations.payment.charge.faults.down", "true"));

    Placed placed = Orders.placeAndFollow(client, Orders.order(APPLE, 2, 1_000));

    assertThat(placed.terminal().getStatus()).isEqualTo(OrderStatus.ORDER_STATUS_REJECTED);
    assertThat(placed.terminal().getReason()).contains("payment.charge").contains("down");
    assertStock(APPLE_STOCK);
  }

  @ParameterizedTest(name = "orders.place={0}")
  @ValueSource(strings = {"rpc", "event"})
  @DisplayName("a step whose fault is cleared at run time confirms orders again, without a restart")
  void recoversWhenFaultCleared(String placeMode) {
    start(placeMode, Map.of("operations.payment.charge.faults.down", "true"));
    assertThat(Orders.placeAndFollow(client, Orders.order(APPLE, 1, 100)).terminal().getStatus())
        .isEqualTo(OrderStatus.ORDER_STATUS_REJECTED);

    node.switchboard().faults().set("payment.charge", dev.switchboard.platform.config.FaultSettings.NONE);

    assertThat(Orders.placeAndFollow(client, Orders.order(APPLE, 1, 100)).terminal().getStatus())
        .isEqualTo(OrderStatus.ORDER_STATUS_CONFIRMED);
    assertStock(APPLE_STOCK - 1);
  }

  @ParameterizedTest(name = "orders.place={0}")
  @ValueSource(strings = {"rpc", "event"})
  @DisplayName("orders.place itself down: the accepted order still ends REJECTED, naming it, and nothing is reserved")
  void placeDown(String placeMode) {
    start(placeMode, Map.of("operations.orders.place.faults.down", "true"));

    Placed placed = Orders.placeAndFollow(client, Orders.order(APPLE, 2, 1_000));

    assertThat(placed.terminal().getStatus()).isEqualTo(OrderStatus.ORDER_STATUS_REJECTED);
    assertThat(placed.terminal().getReason()).contains("orders.place").contains("down");
    assertThat(node.checkout().orders().all()).singleElement()
        .satisfies(order -> assertThat(order.getStatus()).isEqualTo(OrderStatus.ORDER_STATUS_REJECTED));
    assertStock(APPLE_STOCK);
  }

  private void assertStock(long available) {
    Eventually.asserts(SETTLE, () -> {
      StockLevel level = Blocking.await(client.getStock(APPLE));
      assertThat(level.getAvailable()).isEqualTo(available);
      assertThat(level.getReserved()).isZero();
    });
  }
}
