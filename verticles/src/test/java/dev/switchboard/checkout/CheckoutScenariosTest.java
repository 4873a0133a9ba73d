package dev.switchboard.checkout;

import dev.switchboard.checkout.v1.OrderEvent;
import dev.switchboard.checkout.v1.OrderStatus;
import dev.switchboard.checkout.v1.PlaceOrderRequest;
import dev.switchboard.checkout.v1.StockLevel;
import dev.switchboard.node.Blocking;
import dev.switchboard.node.SwitchboardNode;
import dev.switchboard.experiment.CheckoutGrpcClient;
import dev.switchboard.testing.Eventually;
import dev.switchboard.testing.Orders;
import dev.switchboard.testing.Orders.Placed;
import dev.switchboard.testing.RunningNode;
import dev.switchboard.testing.SharedKafka;
import dev.switchboard.testing.TestNodes;
import dev.switchboard.testing.TestStore;
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
import java.util.stream.Stream;

import static dev.switchboard.testing.TestNodes.APPLE;
import static dev.switchboard.testing.TestNodes.APPLE_STOCK;
import static dev.switchboard.testing.TestNodes.CHERRY;
import static dev.switchboard.testing.TestNodes.CHERRY_STOCK;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The same business scenarios give the same outcomes for every combination of the modes of
 * orders.place, inventory.reserve, payment.charge and shipping.schedule — through the real gRPC edge,
 * with the event-mode operations on the event bus and on Kafka.
 */
@DisplayName("Checkout outcomes do not depend on the modes of its operations")
class CheckoutScenariosTest {

  private static final Duration SETTLE = Duration.ofSeconds(10);
  private static final String[] STEPS = {"orders.place", "inventory.reserve", "payment.charge", "shipping.schedule"};
  /** The combinations run on PostgreSQL too: all rpc, all event, and the two alternating mixes. */
  private static final int[] POSTGRES_COMBINATIONS = {0b0000, 0b1111, 0b0101, 0b1010};

  private RunningNode running;
  private SwitchboardNode node;
  private CheckoutGrpcClient client;

  /**
   * All 16 combinations of rpc and event for the four operations, with the event-mode ones on the
   * event bus (local) and on a real Kafka broker, on the embedded H2 store; and on PostgreSQL, every
   * step rpc, every step event, and two mixes that alternate (each step meets the other mode on
   * both sides), on both transports.
   */
  static Stream<Arguments> modes() {
    List<Arguments> combinations = new ArrayList<>();
    for (String transport : List.of("local", "kafka")) {
      for (int bits = 0; bits < 16; bits++) {
        combinations.add(combination(bits, transport, TestStore.H2));
      }
      for (int bits : POSTGRES_COMBINATIONS) {
        combinations.add(combination(bits, transport, TestStore.POSTGRES));
      }
    }
    return combinations.stream();
  }

  /** Bit i set: step i in event mode. */
  private static Arguments combination(int bits, String transport, TestStore store) {
    Object[] modes = new Object[STEPS.length + 2];
    for (int i = 0; i < STEPS.length; i++) {
      modes[i] = ((bits >> i) & 1) == 1 ? "event" : "rpc";
    }
    modes[STEPS.length] = transport;
    modes[STEPS.length + 1] = store;
    return Arguments.of(modes);
  }

  private void start(String place, String reserve, String charge, String schedule, String transport,
                     TestStore store) {
    Map<String, String> settings = new HashMap<>(store.settings());
    settings.putAll(Map.of(
        "operations.orders.place.mode", place,
        "operations.inventory.reserve.mode", reserve,
        "operations.payment.charge.mode", charge,
        "operations.shipping.schedule.mode", schedule));
    if (transport.equals("kafka")) {
      settings.putAll(SharedKafka.kafkaTransport());
    }
    running = RunningNode.start(settings);
    node = running.node();
    client = running.newClient();
  }

  @AfterEach
  void stop() {
    if (running != null) {
      running.close();
    }
  }

  @ParameterizedTest(name = "place={0} reserve={1} charge={2} schedule={3} events on {4}, store {5}")
  @MethodSource("modes")
  @DisplayName("an order within stock and payment limit is confirmed and its units leave the stock")
  void confirmed(String place, String reserve, String charge, String schedule, String transport,
                 TestStore store) {
    start(place, reserve, charge, schedule, transport, store);

    Placed placed = Orders.placeAndFollow(client, Orders.order(APPLE, 3, 1_000));

    assertAnswerMatchesMode(place, placed);
    assertThat(placed.terminal().getStatus()).isEqualTo(OrderStatus.ORDER_STATUS_CONFIRMED);
    assertThat(placed.terminal().getTotalCents()).isEqualTo(3_000);
    assertStockSettles(APPLE, APPLE_STOCK - 3);
    assertThat(Blocking.await(node.checkout().payments().capturedCents())).isEqualTo(3_000);
    Eventually.holds("the customer is notified once", SETTLE, () -> Blocking.await(node.checkout().notifications()
        .count(placed.answer().getOrderId(), OrderEvent.KindCase.CONFIRMED)) == 1);
  }

  @ParameterizedTest(name = "place={0} reserve={1} charge={2} schedule={3} events on {4}, store {5}")
  @MethodSource("modes")
  @DisplayName("an order above the available stock is rejected for stock and changes nothing")
  void outOfStock(String place, String reserve, String charge, String schedule, String transport,
                  TestStore store) {
    start(place, reserve, charge, schedule, transport, store);

    Placed placed = Orders.placeAndFollow(client, Orders.order(CHERRY, (int) CHERRY_STOCK + 1, 100));

    assertAnswerMatchesMode(place, placed);
    assertThat(placed.terminal().getStatus()).isEqualTo(OrderStatus.ORDER_STATUS_REJECTED);
    assertThat(placed.terminal().getReason()).contains("stock");
    assertStockSettles(CHERRY, CHERRY_STOCK);
    assertThat(Blocking.await(node.checkout().payments().chargeCount())).isZero();
  }

  @ParameterizedTest(name = "place={0} reserve={1} charge={2} schedule={3} events on {4}, store {5}")
  @MethodSource("modes")
  @DisplayName("a charge above the limit is declined, the order rejected for payment and its stock released")
  void paymentDeclined(String place, String reserve, String charge, String schedule, String transport,
                       TestStore store) {
    start(place, reserve, charge, schedule, transport, store);

    Placed placed = Orders.placeAndFollow(client, Orders.order(APPLE, 2, TestNodes.MAX_CHARGE_CENTS));

    assertAnswerMatchesMode(place, placed);
    assertThat(placed.terminal().getStatus()).isEqualTo(OrderStatus.ORDER_STATUS_REJECTED);
    assertThat(placed.terminal().getReason()).contains("payment");
    assertStockSettles(APPLE, APPLE_STOCK);
    assertThat(Blocking.await(node.checkout().payments().capturedCents())).isZero();
  }

  @ParameterizedTest(name = "place={0} reserve={1} charge={2} schedule={3} events on {4}, store {5}")
  @MethodSource("modes")
  @DisplayName("PlaceOrder retried with the same idempotency key returns the same order, placed once")
  void idempotentRetry(String place, String reserve, String charge, String schedule, String transport,
                       TestStore store) {
    start(place, reserve, charge, schedule, transport, store);
    PlaceOrderRequest request = Orders.order(APPLE, 4, 500);

    Placed first = Orders.placeAndFollow(client, request);
    Placed retry = Orders.placeAndFollow(client, request);

    assertThat(retry.answer().getOrderId()).isEqualTo(first.answer().getOrderId());
    assertThat(retry.terminal().getStatus()).isEqualTo(OrderStatus.ORDER_STATUS_CONFIRMED);
    assertThat(Blocking.await(node.checkout().orders().all())).hasSize(1);
    assertStockSettles(APPLE, APPLE_STOCK - 4);
    assertThat(Blocking.await(node.checkout().payments().chargeCount())).isEqualTo(1);
    assertThat(Blocking.await(node.checkout().shipments().count())).isEqualTo(1);
  }

  private static void assertAnswerMatchesMode(String placeMode, Placed placed) {
    if (placeMode.equals("rpc")) {
      assertThat(placed.answer().getStatus()).as("rpc-mode PlaceOrder answers the terminal status")
          .isEqualTo(placed.terminal().getStatus());
      assertThat(placed.answer().getReason()).isEqualTo(placed.terminal().getReason());
    } else {
      assertThat(placed.answer().getStatus()).as("event-mode PlaceOrder answers PENDING")
          .isEqualTo(OrderStatus.ORDER_STATUS_PENDING);
      assertThat(placed.watched()).as("WatchOrder ends with the terminal status, sent once")
          .filteredOn(order -> order.getStatus() != OrderStatus.ORDER_STATUS_PENDING)
          .containsExactly(placed.terminal());
    }
  }

  /** Event-mode subscribers settle after the order is terminal: poll the stock as a client would. */
  private void assertStockSettles(String sku, long available) {
    Eventually.asserts(SETTLE, () -> {
      StockLevel level = Blocking.await(client.getStock(sku));
      assertThat(level.getAvailable()).as("available " + sku).isEqualTo(available);
      assertThat(level.getReserved()).as("reserved " + sku).isZero();
    });
  }
}
