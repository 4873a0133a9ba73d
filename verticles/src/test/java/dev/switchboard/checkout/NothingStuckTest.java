package dev.switchboard.checkout;

import dev.switchboard.checkout.v1.Order;
import dev.switchboard.checkout.v1.OrderEvent;
import dev.switchboard.checkout.v1.OrderStatus;
import dev.switchboard.checkout.v1.PlaceOrderResponse;
import dev.switchboard.checkout.v1.StockLevel;
import dev.switchboard.experiment.CheckoutGrpcClient;
import dev.switchboard.node.Blocking;
import dev.switchboard.node.SwitchboardNode;
import dev.switchboard.platform.config.FaultSettings;
import dev.switchboard.testing.Eventually;
import dev.switchboard.testing.Orders;
import dev.switchboard.testing.Quiet;
import dev.switchboard.testing.RunningNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static dev.switchboard.testing.TestNodes.APPLE;
import static dev.switchboard.testing.TestNodes.APPLE_STOCK;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * No order waits for ever while the process runs: a lost step result is re-driven, a step that
 * never answers is given up on and compensated, a subscriber that was down gets the event later
 * (once), the wait of orders.place is bounded, and a restarted orders service hears its results.
 */
@DisplayName("Nothing stuck while the process runs")
class NothingStuckTest {

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

  private void start(Map<String, String> overrides) {
    Map<String, String> settings = new HashMap<>(overrides);
    settings.put("operations.orders.place.mode", "event");
    running = RunningNode.start(settings);
    node = running.node();
    client = running.newClient();
  }

  private PlaceOrderResponse place(int quantity) {
    return Blocking.await(client.placeOrder(Orders.order(APPLE, quantity, 1_000), null));
  }

  private Order order(String orderId) {
    return Blocking.await(client.getOrder(orderId));
  }

  private double counter(String name, String tag, String value) {
    Counter counter = node.switchboard().metrics().registry().find(name).tag(tag, value).counter();
    return counter == null ? 0 : counter.count();
  }

  private long handled(String operation, String outcome) {
    Timer timer = node.switchboard().metrics().registry().find("switchboard.operation.handled")
        .tag("operation", operation).tag("outcome", outcome).timer();
    return timer == null ? 0 : timer.count();
  }

  private void awaitTerminal(String orderId) {
    Eventually.holds("order " + orderId + " ends", SETTLE, Duration.ofMillis(50),
        () -> OrderBook.isTerminal(order(orderId)));
  }

  @Test
  @DisplayName("an event step whose result was lost with its consumer is sent again by the sweeper, without a restart")
  void lostResultIsRedriven() {
    start(Map.of(
        "operations.payment.charge.mode", "event",
        "operations.payment.charge.faults.latencyMs", "60000",
        "saga.stallAfterMs", "400",
        "saga.maxRedrives", "20"));

    PlaceOrderResponse placed = place(1);
    // the charge command is taken, and payment is stopped while it works on it: the work and its
    // result are lost, as when a callee process dies mid-command on the event bus
    Eventually.holds("payment took the charge", SETTLE, () -> node.switchboard().metrics().registry()
        .find("switchboard.operation.delivery.delay").tag("operation", "payment.charge").timer() != null);
    Blocking.await(node.checkout().stop(node.vertx(), "payment"));
    node.switchboard().faults().set("payment.charge", FaultSettings.NONE);
    Blocking.await(node.checkout().start(node.vertx(), "payment"));

    awaitTerminal(placed.getOrderId());
    assertThat(order(placed.getOrderId()).getStatus()).isEqualTo(OrderStatus.ORDER_STATUS_CONFIRMED);
    assertThat(counter("switchboard.saga.redrives", "action", "resent")).isGreaterThanOrEqualTo(1);
    Quiet.await(node, SETTLE);
    assertThat(Blocking.await(node.checkout().payments().chargeCount())).isEqualTo(1);
    assertThat(Blocking.await(node.checkout().payments().capturedCents())).isEqualTo(1_000);
  }

  @Test
  @DisplayName("an event step that never answers is sent again, then given up on as uncertain and compensated")
  void silentStepIsGivenUpAndCompensated() {
    start(Map.of(
        "operations.payment.charge.mode", "event",
        "operations.payment.charge.faults.latencyMs", "600000",
        "saga.stallAfterMs", "300",
        "saga.maxRedrives", "2"));

    PlaceOrderResponse placed = place(2);

    awaitTerminal(placed.getOrderId());
    Order ended = order(placed.getOrderId());
    assertThat(ended.getStatus()).isEqualTo(OrderStatus.ORDER_STATUS_REJECTED);
    assertThat(ended.getReason()).contains("payment.charge").contains("no outcome after it was sent 3 times");
    assertThat(counter("switchboard.saga.redrives", "action", "resent")).isEqualTo(2);
    assertThat(counter("switchboard.saga.redrives", "action", "timed_out")).isEqualTo(1);
    Quiet.await(node, SETTLE);
    StockLevel stock = Blocking.await(node.checkout().stock().level(APPLE));
    assertThat(stock.getAvailable()).isEqualTo(APPLE_STOCK);
    assertThat(stock.getReserved()).isZero();
    // the charge may still land one day: its refund's tombstone refuses it
    assertThat(Blocking.await(node.checkout().payments().capturedCents())).isZero();
  }

  @Test
  @DisplayName("an rpc subscriber down when an order confirms is notified once after it comes back; the others once too")
  void subscriberDownGetsTheEventLater() {
    start(Map.of(
        "operations.notifications.orderEvents.faults.down", "true",
        "operations.notifications.orderEvents.retries", "1",
        "operations.notifications.orderEvents.retryBackoffMs", "10",
        "outbox.redeliverAfterMs", "200"));

    PlaceOrderResponse placed = place(1);
    awaitTerminal(placed.getOrderId());
    assertThat(order(placed.getOrderId()).getStatus()).isEqualTo(OrderStatus.ORDER_STATUS_CONFIRMED);
    Eventually.holds("the confirmation waits in the outbox", SETTLE, Duration.ofMillis(50), () -> Blocking.await(
        node.switchboard().store().queryLong("SELECT COUNT(*) FROM sb_outbox")) > 0);
    // it is tried again while notifications is down, and stays
    Eventually.holds("a redelivery failed", SETTLE, Duration.ofMillis(50), () -> handled(
        "notifications.orderEvents", "unavailable") >= 3);
    assertThat(Blocking.await(node.checkout().notifications().count(placed.getOrderId(),
        OrderEvent.KindCase.CONFIRMED))).isZero();

    node.switchboard().faults().set("notifications.orderEvents", FaultSettings.NONE);

    Quiet.await(node, SETTLE);
    assertThat(Blocking.await(node.checkout().notifications().count(placed.getOrderId(),
        OrderEvent.KindCase.CONFIRMED))).isEqualTo(1);
    // analytics had it the first time: the redeliveries were duplicates to it, counted once
    assertThat(counter("checkout.orders", "event", "confirmed")).isEqualTo(1);
    assertThat(handled("analytics.orderEvents", "duplicate")).isGreaterThanOrEqualTo(1);
  }

  @Test
  @DisplayName("orders.place waits for the checkout only up to its deadline: the consumer is free, the order goes on")
  void placeWaitIsBounded() {
    start(Map.of(
        "operations.orders.place.timeoutMs", "300",
        "operations.payment.charge.faults.latencyMs", "1500",
        "operations.payment.charge.timeoutMs", "5000"));

    PlaceOrderResponse placed = place(1);

    Eventually.holds("orders.place answered while the checkout runs", SETTLE, () -> handled("orders.place", "ok") == 1);
    assertThat(order(placed.getOrderId()).getStatus()).isEqualTo(OrderStatus.ORDER_STATUS_PENDING);
    awaitTerminal(placed.getOrderId());
    assertThat(order(placed.getOrderId()).getStatus()).isEqualTo(OrderStatus.ORDER_STATUS_CONFIRMED);
  }

  @Test
  @DisplayName("orders stopped and started again in-process on the local transport hears its step results again")
  void ordersRestartedInProcessHearsResults() {
    start(Map.of(
        "operations.inventory.reserve.mode", "event",
        "operations.payment.charge.mode", "event",
        "operations.payment.charge.faults.latencyMs", "300"));
    PlaceOrderResponse during = place(1);

    Blocking.await(node.checkout().stop(node.vertx(), "orders"));
    Blocking.await(node.checkout().start(node.vertx(), "orders"));
    PlaceOrderResponse after = place(1);

    awaitTerminal(during.getOrderId());
    awaitTerminal(after.getOrderId());
    assertThat(order(during.getOrderId()).getStatus()).isEqualTo(OrderStatus.ORDER_STATUS_CONFIRMED);
    assertThat(order(after.getOrderId()).getStatus()).isEqualTo(OrderStatus.ORDER_STATUS_CONFIRMED);
    Quiet.await(node, SETTLE);
    assertThat(Blocking.await(node.checkout().payments().chargeCount())).isEqualTo(2);
    StockLevel stock = Blocking.await(node.checkout().stock().level(APPLE));
    assertThat(stock.getAvailable()).isEqualTo(APPLE_STOCK - 2);
  }
}
