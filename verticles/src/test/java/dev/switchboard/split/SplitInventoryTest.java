package dev.switchboard.split;

import dev.switchboard.checkout.CheckoutApplication;
import dev.switchboard.checkout.v1.OrderStatus;
import dev.switchboard.checkout.v1.StockLevel;
import dev.switchboard.experiment.CheckoutGrpcClient;
import dev.switchboard.node.Blocking;
import dev.switchboard.testing.Eventually;
import dev.switchboard.testing.Orders;
import dev.switchboard.testing.Orders.Placed;
import dev.switchboard.testing.RunningNode;
import dev.switchboard.testing.SharedKafka;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static dev.switchboard.testing.TestNodes.APPLE;
import static dev.switchboard.testing.TestNodes.APPLE_STOCK;
import static dev.switchboard.testing.TestNodes.CHERRY;
import static dev.switchboard.testing.TestNodes.CHERRY_STOCK;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Inventory (and its InventoryService edge) in a process of its own, the rest of the checkout in
 * another, each with its own store, talking over Kafka: reserve and release commands reach the
 * inventory process, and their results reach the process that owns the saga.
 */
@DisplayName("A split deployment with inventory in its own process on Kafka")
class SplitInventoryTest {

  private RunningNode inventory;
  private RunningNode checkout;

  @AfterEach
  void stop() {
    if (checkout != null) {
      checkout.close();
    }
    if (inventory != null) {
      inventory.close();
    }
  }

  @Test
  @DisplayName("orders are confirmed and rejected as on one process, and stock is read from the inventory process")
  void resultsReachTheSagaOwner() {
    Map<String, String> shared = new HashMap<>(SharedKafka.kafkaTransport());
    shared.put("defaults.mode", "event");
    Map<String, String> inventorySettings = new HashMap<>(shared);
    inventorySettings.put("services", "inventory");
    inventorySettings.put("instance.id", "inventory-1");
    inventory = RunningNode.start(inventorySettings);
    Map<String, String> checkoutSettings = new HashMap<>(shared);
    checkoutSettings.put("services", "orders,payment,shipping,notifications,analytics");
    checkoutSettings.put("instance.id", "checkout-1");
    checkoutSettings.put("operations.orders.place.mode", "rpc");
    checkoutSettings.put("operations.orders.place.transport", "local");
    checkout = RunningNode.start(checkoutSettings);
    CheckoutGrpcClient orders = checkout.newClient();
    CheckoutGrpcClient stock = inventory.newClient();

    Placed confirmed = Orders.placeAndFollow(orders, Orders.order(APPLE, 2, 1_000));
    Placed outOfStock = Orders.placeAndFollow(orders, Orders.order(CHERRY, (int) CHERRY_STOCK + 1, 100));

    assertThat(confirmed.answer().getStatus()).as("rpc PlaceOrder answers the terminal status")
        .isEqualTo(OrderStatus.ORDER_STATUS_CONFIRMED);
    assertThat(outOfStock.answer().getStatus()).isEqualTo(OrderStatus.ORDER_STATUS_REJECTED);
    assertThat(outOfStock.answer().getReason()).contains("stock");
    Eventually.asserts(Duration.ofSeconds(20), () -> {
      StockLevel apple = Blocking.await(stock.getStock(APPLE));
      assertThat(apple.getAvailable()).isEqualTo(APPLE_STOCK - 2);
      assertThat(apple.getReserved()).isZero();
    });
    CheckoutApplication owner = checkout.node().checkout();
    assertThat(Blocking.await(owner.payments().chargeCount())).isEqualTo(1);
    assertThat(checkout.node().switchboard().metrics().registry().find("switchboard.operation.handled")
        .tag("operation", "inventory.reserve").timers()).as("the checkout process handles no reservation").isEmpty();
  }
}
