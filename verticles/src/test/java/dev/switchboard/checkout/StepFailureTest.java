package dev.switchboard.checkout;

import dev.switchboard.checkout.v1.OrderStatus;
import dev.switchboard.checkout.v1.StockLevel;
import dev.switchboard.node.Blocking;
import dev.switchboard.node.SwitchboardNode;
import dev.switchboard.experiment.CheckoutGrpcClient;
import dev.switchboard.testing.Eventually;
import dev.switchboard.testing.Orders;
import dev.switchboard.testing.Orders.Placed;
import dev.switchboard.testing.RunningNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

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

  /** Each step of the checkout, with orders.place in either mode. */
  static Stream<Arguments> stepsAndPlaceModes() {
    return Stream.of("inventory.reserve", "payment.charge", "shipping.schedule")
        .flatMap(step -> Stream.of(Arguments.of(step, "rpc"), Arguments.of(step, "event")));
  }

  @ParameterizedTest(name = "{0} slow, orders.place={1}")
  @MethodSource("stepsAndPlaceModes")
  @DisplayName("a step slower than its deadline: rejected naming it, compensated, and its late effect refused")
  void stepTimesOut(String step, String placeMode) {
    start(placeMode, Map.of(
        "operations." + step + ".timeoutMs", "150",
        "operations." + step + ".faults.latencyMs", "1000"));

    Placed placed = Orders.placeAndFollow(client, Orders.order(APPLE, 2, 1_000));

    assertThat(placed.terminal().getStatus()).isEqualTo(OrderStatus.ORDER_STATUS_REJECTED);
    assertThat(placed.terminal().getReason()).contains(step).contains("no reply within 150 ms");
    // the handler runs after its added latency, finds its compensation's tombstone and refuses
    Eventually.holds("the late " + step + " is refused", SETTLE, () -> node.switchboard().metrics().registry()
        .find("switchboard.operation.handled").tag("operation", step)
        .tag("outcome", "failed_precondition").timer() != null);
    assertStock(APPLE_STOCK);
    assertThat(Blocking.await(node.checkout().payments().capturedCents())).isZero();
    assertThat(Blocking.await(node.checkout().shipments().count())).isZero();
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
    assertThat(Blocking.await(node.checkout().orders().all())).singleElement()
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
