package dev.switchboard.checkout;

import dev.switchboard.checkout.v1.Order;
import dev.switchboard.checkout.v1.OrderStatus;
import dev.switchboard.checkout.v1.PlaceOrderResponse;
import dev.switchboard.checkout.v1.StockLevel;
import dev.switchboard.experiment.CheckoutGrpcClient;
import dev.switchboard.node.Blocking;
import dev.switchboard.platform.config.FaultSettings;
import dev.switchboard.platform.metrics.SwitchboardMetrics;
import dev.switchboard.testing.CapturedLogs;
import dev.switchboard.testing.Eventually;
import dev.switchboard.testing.Orders;
import dev.switchboard.testing.RunningNode;
import dev.switchboard.testing.SharedKafka;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code fallback: event}: an rpc call that cannot be made — the callee down, its breaker open, its
 * concurrency limit reached — goes as a command on the operation's event path instead, and the
 * caller goes on as with an event step. Orders that would have been rejected wait for the callee and
 * confirm once it is back; nothing is charged twice.
 */
@DisplayName("Degrading an rpc call to an event")
class DegradeToEventTest {

  private static final String SKU = "SKU-DEGRADE";
  private static final int STOCK = 1_000;
  private static final long PRICE = 250;
  private static final Duration SETTLE = Duration.ofSeconds(60);
  private static final String CHARGE = "payment.charge";
  private static final String PLACE = "orders.place";

  private RunningNode running;

  @AfterEach
  void stop() {
    if (running != null) {
      running.close();
    }
  }

  @ParameterizedTest(name = "event path {0}")
  @ValueSource(strings = {"local", "kafka"})
  @DisplayName("payment down: no order rejected; every one CONFIRMED once payment is back, charged once")
  void paymentDown(String eventPath) {
    Map<String, String> settings = degradable(CHARGE);
    settings.put("operations." + CHARGE + ".faults.down", "true");
    if (eventPath.equals("kafka")) {
      settings.putAll(SharedKafka.kafkaTransport());
      settings.put("defaults.mode", "rpc");
    }
    start(settings);

    List<Future<Order>> orders = place(12);
    Eventually.holds("every charge degraded to an event", SETTLE, () -> degraded(CHARGE) >= 12);
    assertThat(degraded(CHARGE, "transport", eventPath)).isGreaterThanOrEqualTo(12);
    assertThat(orders).noneMatch(order -> order.isComplete() && order.succeeded()
        && order.result().getStatus() == OrderStatus.ORDER_STATUS_REJECTED);

    running.node().switchboard().faults().set(CHARGE, FaultSettings.NONE);

    List<Order> terminal = Blocking.await(Future.all(orders)).list();
    assertThat(terminal).allSatisfy(order -> assertThat(order.getStatus())
        .as(order.getReason()).isEqualTo(OrderStatus.ORDER_STATUS_CONFIRMED));
    assertExact(terminal.size());
  }

  @Test
  @DisplayName("orders.place degraded: PlaceOrder answers PENDING instead of an error, and the order confirms later")
  void placeDegraded() {
    Map<String, String> settings = degradable(PLACE);
    settings.put("operations." + PLACE + ".faults.down", "true");
    start(settings);
    CheckoutGrpcClient client = running.newClient();

    PlaceOrderResponse answer;
    try (CapturedLogs logs = new CapturedLogs()) {
      answer = Blocking.await(client.placeOrder(Orders.order(SKU, 1, PRICE), "degraded-place"));
      assertThat(logs.lines()).as("one log line per degraded call, with the correlation id and why")
          .filteredOn(line -> line.contains(PLACE + " degraded to an event on ")).singleElement()
          .satisfies(line -> assertThat(line).contains("[cid=degraded-place")
              .containsPattern("msg=\\S+: orders\\.place\\W")); // then why: down, or no reply in time
    }

    assertThat(answer.getStatus()).isEqualTo(OrderStatus.ORDER_STATUS_PENDING);
    assertThat(degraded(PLACE)).isEqualTo(1);
    running.node().switchboard().faults().set(PLACE, FaultSettings.NONE);
    List<Order> watched = Blocking.await(client.watchOrder(answer.getOrderId(), update -> { }));
    assertThat(watched.get(watched.size() - 1).getStatus()).isEqualTo(OrderStatus.ORDER_STATUS_CONFIRMED);
    assertExact(1);
  }

  @Test
  @DisplayName("a breaker forced open: every charge goes as an event at once, and confirms")
  void breakerOpen() {
    Map<String, String> settings = degradable(CHARGE);
    settings.put("operations." + CHARGE + ".breaker.failures", "5");
    start(settings);
    running.node().switchboard().breakers().force(CHARGE, true);

    List<Order> terminal = Blocking.await(Future.all(place(10))).list();

    assertThat(terminal).extracting(Order::getStatus).containsOnly(OrderStatus.ORDER_STATUS_CONFIRMED);
    assertThat(degraded(CHARGE, "reason", "unavailable")).isEqualTo(10);
    assertExact(10);
  }

  @Test
  @DisplayName("the concurrency limit reached: the calls beyond it go as events, and confirm")
  void limitReached() {
    Map<String, String> settings = degradable(CHARGE);
    settings.put("operations." + CHARGE + ".maxConcurrent", "1");
    settings.put("operations." + CHARGE + ".faults.latencyMs", "50");
    start(settings);

    List<Order> terminal = Blocking.await(Future.all(place(20))).list();

    assertThat(terminal).extracting(Order::getStatus).containsOnly(OrderStatus.ORDER_STATUS_CONFIRMED);
    assertThat(degraded(CHARGE, "reason", "resource_exhausted")).isPositive();
    assertExact(20);
  }

  /** Settings in which {@code operation} is idempotent, retried patiently and degrades to an event. */
  private static Map<String, String> degradable(String operation) {
    String base = "operations." + operation + ".";
    Map<String, String> settings = new HashMap<>(Map.of(
        "inventory.stock." + SKU, Integer.toString(STOCK),
        base + "idempotent", "true",
        base + "fallback", "event",
        base + "timeoutMs", "1000",
        base + "retries", "12",
        base + "retryBackoffMs", "20"));
    return settings;
  }

  private void start(Map<String, String> settings) {
    running = RunningNode.start(settings);
  }

  /** Places {@code count} orders from four clients; each future ends with the order's terminal state. */
  private List<Future<Order>> place(int count) {
    List<CheckoutGrpcClient> clients = List.of(running.newClient(), running.newClient(), running.newClient(),
        running.newClient());
    List<Future<Order>> orders = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      CheckoutGrpcClient client = clients.get(i % clients.size());
      orders.add(client.placeOrder(Orders.order(SKU, 1, PRICE), "degrade-" + i).compose(answer ->
          answer.getStatus() == OrderStatus.ORDER_STATUS_PENDING
              ? client.watchOrder(answer.getOrderId(), update -> { }).map(updates -> updates.get(updates.size() - 1))
              : client.getOrder(answer.getOrderId())));
    }
    return orders;
  }

  private void assertExact(int confirmed) {
    CheckoutApplication checkout = running.node().checkout();
    Eventually.asserts(SETTLE, () -> {
      StockLevel level = Blocking.await(checkout.stock().level(SKU));
      assertThat(level.getAvailable()).isEqualTo(STOCK - confirmed);
      assertThat(level.getReserved()).isZero();
    });
    assertThat(Blocking.await(checkout.payments().chargeCount())).isEqualTo(confirmed);
    assertThat(Blocking.await(checkout.payments().capturedCents())).isEqualTo(confirmed * PRICE);
    assertThat(Blocking.await(checkout.orders().all())).hasSize(confirmed).allMatch(OrderBook::isTerminal);
  }

  /** Calls of {@code operation} degraded to events, with the given tags (name, value, ...) if any. */
  private double degraded(String operation, String... tags) {
    return running.node().switchboard().metrics().registry().find(SwitchboardMetrics.DEGRADED_CALLS)
        .tag("operation", operation).tags(tags).counters().stream().mapToDouble(Counter::count).sum();
  }
}
