package dev.switchboard.checkout;

import dev.switchboard.checkout.v1.OrderEvent;
import dev.switchboard.checkout.v1.OrderStatus;
import dev.switchboard.experiment.CheckoutGrpcClient;
import dev.switchboard.node.Blocking;
import dev.switchboard.node.SwitchboardNode;
import dev.switchboard.platform.metrics.SwitchboardMetrics;
import dev.switchboard.testing.Eventually;
import dev.switchboard.testing.Orders;
import dev.switchboard.testing.Quiet;
import dev.switchboard.testing.RunningNode;
import dev.switchboard.testing.TestStore;
import io.micrometer.core.instrument.Counter;
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
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every step and subscriber of the checkout gets its messages twice, as an at-least-once transport
 * would deliver them: the platform's deduplication keeps every business effect single, and without
 * it a charge is a charge each time.
 */
@DisplayName("Duplicate delivery: the platform's deduplication keeps the checkout's effects single")
class DuplicateDeliveryTest {

  private static final Duration SETTLE = Duration.ofSeconds(20);

  private RunningNode running;
  private SwitchboardNode node;
  private CheckoutGrpcClient client;

  @AfterEach
  void stop() {
    if (running != null) {
      running.close();
    }
  }

  /** Both modes on both stores. */
  static Stream<Arguments> modesAndStores() {
    return Stream.of(TestStore.values()).flatMap(store -> Stream.of("rpc", "event")
        .map(mode -> Arguments.of(mode, store)));
  }

  private void start(String mode, TestStore store, Map<String, String> overrides) {
    Map<String, String> settings = new HashMap<>(store.settings());
    settings.putAll(overrides);
    settings.put("defaults.mode", mode);
    running = RunningNode.start(settings);
    node = running.node();
    client = running.newClient();
  }

  private List<String> placeConfirmed(int orders) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < orders; i++) {
      var placed = Orders.placeAndFollow(client, Orders.order(APPLE, 1, 100));
      assertThat(placed.terminal().getStatus()).isEqualTo(OrderStatus.ORDER_STATUS_CONFIRMED);
      ids.add(placed.terminal().getOrderId());
    }
    Quiet.await(node, SETTLE);
    return ids;
  }

  private double injected(String operation) {
    return node.switchboard().metrics().registry().find(SwitchboardMetrics.INJECTED_DUPLICATES)
        .tag("operation", operation).counters().stream().mapToDouble(Counter::count).sum();
  }

  private long duplicatesRecognised(String operation) {
    return node.switchboard().metrics().registry().find(SwitchboardMetrics.HANDLED).tag("operation", operation)
        .tag("outcome", "duplicate").timers().stream().mapToLong(io.micrometer.core.instrument.Timer::count).sum();
  }

  @ParameterizedTest(name = "all {0}, store {1}")
  @MethodSource("modesAndStores")
  @DisplayName("with deduplication on, every message delivered twice: one reservation, charge, shipment and notification per order")
  void deduplicatedEffectsStaySingle(String mode, TestStore store) {
    Map<String, String> settings = new HashMap<>();
    for (String operation : List.of("inventory.reserve", "payment.charge", "shipping.schedule",
        "notifications.orderEvents", "inventory.orderEvents")) {
      settings.put("operations." + operation + ".faults.duplicateRate", "1");
    }
    start(mode, store, settings);

    List<String> orders = placeConfirmed(5);

    assertThat(injected("payment.charge")).as("charges delivered twice").isEqualTo(5);
    assertThat(injected("notifications.orderEvents")).as("events delivered twice").isGreaterThanOrEqualTo(5);
    // a duplicate comes after its first delivery ended: wait until each was recognised as one
    for (String operation : settings.keySet().stream().map(key -> key.split("\\.faults")[0].substring(
        "operations.".length())).toList()) {
      Eventually.holds("every duplicate of " + operation + " recognised", SETTLE,
          () -> duplicatesRecognised(operation) == (long) injected(operation));
    }
    var checkout = node.checkout();
    assertThat(Blocking.await(checkout.payments().chargesByOrder())).containsOnlyKeys(orders).containsValues(1L)
        .doesNotContainValue(2L);
    assertThat(Blocking.await(checkout.payments().chargeCount())).isEqualTo(5);
    assertThat(Blocking.await(checkout.payments().capturedCents())).isEqualTo(500);
    assertThat(Blocking.await(checkout.notifications().countsByOrder(OrderEvent.KindCase.CONFIRMED)))
        .containsOnlyKeys(orders).doesNotContainValue(2);
    assertThat(Blocking.await(checkout.shipments().shipmentsByOrder())).containsOnlyKeys(orders)
        .doesNotContainValue(2L);
    assertThat(Blocking.await(checkout.stock().reservationsByOrder())).containsOnlyKeys(orders)
        .doesNotContainValue(2L);
    for (String order : orders) {
      assertThat(Blocking.await(checkout.stock().sold(order))).as("sold: " + order).isTrue();
    }
  }

  @ParameterizedTest(name = "all {0}, store {1}")
  @MethodSource("modesAndStores")
  @DisplayName("with deduplication off on payment.charge, every duplicate is a second charge")
  void withoutDeduplicationChargesTwice(String mode, TestStore store) {
    start(mode, store, Map.of("operations.payment.charge.faults.duplicateRate", "0.5",
        "operations.payment.charge.faults.dedup", "false"));

    List<String> orders = placeConfirmed(20);

    long duplicates = (long) injected("payment.charge");
    // a duplicate comes after its first delivery ended
    Eventually.holds("every duplicate charged", SETTLE,
        () -> Blocking.await(node.checkout().payments().chargeCount()) == 20 + duplicates);
    Map<String, Long> charges = Blocking.await(node.checkout().payments().chargesByOrder());
    assertThat(charges).containsOnlyKeys(orders);
    assertThat(charges.values()).allMatch(count -> count == 1 || count == 2);
    assertThat(charges.values().stream().filter(count -> count == 2).count()).as("orders charged twice")
        .isEqualTo(duplicates).isPositive();
    assertThat(Blocking.await(node.checkout().payments().chargeCount())).isEqualTo(20 + duplicates);
    assertThat(Blocking.await(node.checkout().payments().capturedCents())).isEqualTo(100 * (20 + duplicates));
  }
}
