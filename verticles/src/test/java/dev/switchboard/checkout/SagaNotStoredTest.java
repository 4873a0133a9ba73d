package dev.switchboard.checkout;

import dev.switchboard.checkout.v1.Order;
import dev.switchboard.checkout.v1.OrderStatus;
import dev.switchboard.checkout.v1.PlaceOrderResponse;
import dev.switchboard.node.Blocking;
import dev.switchboard.node.SwitchboardNode;
import dev.switchboard.platform.CallContext;
import dev.switchboard.testing.Eventually;
import dev.switchboard.testing.Orders;
import dev.switchboard.testing.StoreRows;
import dev.switchboard.testing.TestNodes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.Map;

import static dev.switchboard.testing.TestNodes.APPLE;
import static dev.switchboard.testing.TestNodes.APPLE_STOCK;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The edges refuse values the store cannot hold; should one still get past them (here a 300-character
 * correlation id handed to the desk directly, as the gRPC edge did before it checked), the checkout's
 * saga cannot be stored (sb_saga.correlation_id is VARCHAR(200)). The order must end rejected, not
 * stay PENDING for ever.
 */
@DisplayName("An order whose saga cannot be stored ends REJECTED, never PENDING for ever")
class SagaNotStoredTest {

  private static final Duration WITHIN = Duration.ofSeconds(10);

  private SwitchboardNode node;

  @AfterEach
  void stop() {
    if (node != null) {
      Blocking.await(node.close());
    }
  }

  @ParameterizedTest(name = "orders.place in {0} mode")
  @ValueSource(strings = {"rpc", "event"})
  @DisplayName("the saga insert fails: the order is rejected naming why, nothing taken, no saga left")
  void orderWhoseSagaCannotBeStoredIsRejected(String mode) {
    node = TestNodes.start(Map.of("operations.orders.place.mode", mode));

    PlaceOrderResponse answer = Blocking.await(node.checkout().desk()
        .place(Orders.order(APPLE, 1, 100), CallContext.begin("c".repeat(300))));

    Eventually.holds("the order is terminal", WITHIN, () -> Blocking.await(node.checkout().orders()
        .get(answer.getOrderId())).map(OrderBook::isTerminal).orElse(false));
    Order order = Blocking.await(node.checkout().orders().get(answer.getOrderId())).orElseThrow();
    assertThat(order.getStatus()).isEqualTo(OrderStatus.ORDER_STATUS_REJECTED);
    assertThat(order.getReason()).contains("saga checkout could not be stored");
    if (mode.equals("rpc")) {
      assertThat(answer.getStatus()).isEqualTo(OrderStatus.ORDER_STATUS_REJECTED);
    }
    assertThat(Blocking.await(node.checkout().stock().level(APPLE)).getAvailable()).isEqualTo(APPLE_STOCK);
    assertThat(Blocking.await(node.checkout().payments().chargeCount())).isZero();
    assertThat(StoreRows.count(node, "sb_saga")).as("stored sagas").isZero();
  }
}
