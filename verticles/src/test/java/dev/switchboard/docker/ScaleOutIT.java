package dev.switchboard.docker;

import dev.switchboard.checkout.v1.Order;
import dev.switchboard.checkout.v1.OrderStatus;
import dev.switchboard.checkout.v1.PlaceOrderRequest;
import dev.switchboard.checkout.v1.StockLevel;
import dev.switchboard.experiment.CheckoutGrpcClient;
import dev.switchboard.node.Blocking;
import dev.switchboard.testing.Eventually;
import dev.switchboard.testing.NativeTopology;
import dev.switchboard.testing.NativeTopology.Replica;
import dev.switchboard.testing.Orders;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The containers' topology started natively by {@code docker/native.sh} — two checkout replicas and
 * two payment replicas as JVMs on one Kafka broker and one PostgreSQL cluster, configured by
 * {@code docker/config/*.yaml} as the containers are — under a burst spread over both checkout
 * edges, and with one checkout replica killed mid-stream. What is counted is read from the stores
 * themselves: orders, stock, charges, notifications, sagas.
 */
@DisplayName("Scale-out: replicas of every service on one Kafka and one PostgreSQL")
class ScaleOutIT {

  private static final String SKU = "SKU-APPLE";
  /** SKU-APPLE's stock in docker/config/checkout.yaml. */
  private static final int STOCK = 1_000;
  private static final long PRICE = 700;
  /** Orders in flight at once from the test's clients, over both edges. */
  private static final int IN_FLIGHT = 64;

  private final Vertx vertx = Vertx.vertx();
  private NativeTopology topology;

  @AfterEach
  void down() {
    if (topology != null) {
      topology.close();
    }
    Blocking.await(vertx.close());
  }

  private NativeTopology up(String... more) {
    List<String> settings = new ArrayList<>(List.of(
        // a dead replica's partitions and sagas move within seconds, not Kafka's default 45 s
        "--set", "kafka.session.timeout.ms=6000", "--set", "kafka.heartbeat.interval.ms=1000",
        "--set", "saga.stallAfterMs=5000",
        // four replicas, a broker and PostgreSQL on two loaded cores: payment answers slowly at times
        "--set", "operations.payment.charge.timeoutMs=10000", "--set", "operations.payment.refund.timeoutMs=10000"));
    settings.addAll(List.of(more));
    topology = NativeTopology.up(2, 2, settings.toArray(String[]::new));
    return topology;
  }

  @Test
  @Timeout(value = 15, unit = TimeUnit.MINUTES)
  @DisplayName("2,000 one-unit orders over both checkout replicas against 1,000 in stock: exactly 1,000 confirmed, stock 0, one charge each, every order terminal once")
  void burstOverBothReplicas() throws Exception {
    up();
    List<CheckoutGrpcClient> edges = topology.replicas("checkout").stream().map(topology::client).toList();
    assertThat(edges).hasSize(2);

    List<Order> ended = placeAll(2_000, edges, new AtomicBoolean(false));

    assertThat(ended).extracting(Order::getOrderId).doesNotHaveDuplicates().hasSize(2_000);
    Map<OrderStatus, Long> byStatus = ended.stream().collect(Collectors.groupingBy(Order::getStatus,
        Collectors.counting()));
    assertThat(byStatus).containsEntry(OrderStatus.ORDER_STATUS_CONFIRMED, (long) STOCK)
        .containsEntry(OrderStatus.ORDER_STATUS_REJECTED, 2_000L - STOCK);
    assertSettled(edges, STOCK, 2_000);
  }

  @Test
  @Timeout(value = 15, unit = TimeUnit.MINUTES)
  @DisplayName("a checkout replica SIGKILLed mid-stream: clients retry on the other with the same key, every order ends once, stock and money exact, the survivor takes over the dead replica's work")
  void replicaKilledMidStream() throws Exception {
    up();
    List<Replica> checkouts = topology.replicas("checkout");
    List<CheckoutGrpcClient> edges = checkouts.stream().map(topology::client).toList();
    AtomicBoolean killed = new AtomicBoolean(false);
    int orders = 600;
    AtomicInteger answered = new AtomicInteger();

    // kill checkout-1 once a third of the orders have been answered: the rest are in flight on it,
    // queued in Kafka for it, or not sent yet
    Thread killer = new Thread(() -> {
      try {
        Eventually.holds("a third of the orders answered", Duration.ofMinutes(5), () -> answered.get() >= orders / 3);
        assertThat(topology.kill(checkouts.get(0)).exitCode()).isZero();
        killed.set(true);
      } catch (Throwable e) {
        throw new AssertionError(e);
      }
    }, "scale-out-killer");
    killer.start();
    List<Order> ended = placeAll(orders, edges, killed, answered);
    killer.join(TimeUnit.MINUTES.toMillis(1));

    assertThat(killed).as("checkout-1 was killed while orders flowed").isTrue();
    assertThat(checkouts.get(0).alive()).isFalse();
    assertThat(ended).extracting(Order::getOrderId).doesNotHaveDuplicates().hasSize(orders);
    // Stock is plentiful, so an order is rejected only for a payment that did not answer in time (a
    // loaded machine): then its stock is released and its charge refunded, which assertSettled checks.
    long confirmed = ended.stream().filter(order -> order.getStatus() == OrderStatus.ORDER_STATUS_CONFIRMED).count();
    assertThat(confirmed).as("confirmed orders").isPositive();
    assertThat(ended).filteredOn(order -> order.getStatus() == OrderStatus.ORDER_STATUS_REJECTED)
        .allSatisfy(order -> assertThat(order.getReason()).contains("payment"));
    // The orders placed after the kill went to checkout-2 alone, their commands keyed by order id over
    // every partition (six): that they all ended shows the survivor consumes the dead replica's
    // partitions; that no saga is left open, that it drove the dead replica's sagas to their end.
    assertSettled(List.of(edges.get(1)), (int) confirmed, orders);
  }

  /**
   * Places {@code count} one-unit orders, spread over {@code edges} in turn, {@value #IN_FLIGHT} at a
   * time, and follows each to its terminal state. A call that fails (a killed replica, a deadline)
   * is tried again on the next edge with the same idempotency key — the same order — until it ends.
   */
  private List<Order> placeAll(int count, List<CheckoutGrpcClient> edges, AtomicBoolean killed,
                               AtomicInteger... answered) {
    List<Future<Order>> outcomes = new ArrayList<>();
    AtomicInteger next = new AtomicInteger();
    Promise<Void> allSent = Promise.promise();
    List<Promise<Order>> slots = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      slots.add(Promise.promise());
      outcomes.add(slots.get(i).future());
    }
    Runnable[] sendNext = new Runnable[1];
    sendNext[0] = () -> {
      int i = next.getAndIncrement();
      if (i >= count) {
        allSent.tryComplete();
        return;
      }
      PlaceOrderRequest request = Orders.order(SKU, 1, PRICE).toBuilder().setIdempotencyKey("scale-out-" + i).build();
      placeUntilEnded(request, edges, i, killed, 0).onComplete(done -> {
        if (answered.length > 0) {
          answered[0].incrementAndGet();
        }
        if (done.succeeded()) {
          slots.get(i).complete(done.result());
        } else {
          slots.get(i).fail(done.cause());
        }
        vertx.runOnContext(v -> sendNext[0].run());
      });
    };
    vertx.runOnContext(v -> {
      for (int i = 0; i < IN_FLIGHT; i++) {
        sendNext[0].run();
      }
    });
    return Blocking.await(Future.all(outcomes), TimeUnit.MINUTES.toMillis(12),
        () -> new IllegalStateException("not every order ended within 12 minutes")).list();
  }

  private Future<Order> placeUntilEnded(PlaceOrderRequest request, List<CheckoutGrpcClient> edges, int i,
                                        AtomicBoolean killed, int attempt) {
    // once a replica is killed, every call goes to the survivor (the last edge)
    CheckoutGrpcClient edge = killed.get() ? edges.get(edges.size() - 1) : edges.get((i + attempt) % edges.size());
    return edge.placeOrder(request, "scale-out-" + i)
        .compose(answer -> Orders.follow(edge, answer))
        .recover(failure -> {
          if (attempt >= 40) {
            return Future.failedFuture(new AssertionError("order " + request.getIdempotencyKey()
                + " did not end after " + attempt + " attempts: " + failure.getMessage(), failure));
          }
          return vertx.timer(250L * Math.min(attempt + 1, 8))
              .compose(waited -> placeUntilEnded(request, edges, i, killed, attempt + 1));
        });
  }


  /**
   * What the stores hold once everything settled: every order terminal, once; stock taken by exactly
   * the confirmed orders and nothing left reserved; one charge per confirmed order and the money
   * they add up to; one notification per order; no saga left open.
   */
  private void assertSettled(List<CheckoutGrpcClient> edges, int confirmed, int orders) throws SQLException {
    Eventually.asserts(Duration.ofSeconds(60), () -> {
      for (CheckoutGrpcClient edge : edges) {
        StockLevel level = Blocking.await(edge.getStock(SKU));
        assertThat(level.getAvailable()).as("available").isEqualTo(STOCK - confirmed);
        assertThat(level.getReserved()).as("reserved").isZero();
      }
    });
    try (Connection checkout = connect("store.url.checkout"); Connection payment = connect("store.url.payment")) {
      assertThat(count(checkout, "SELECT COUNT(*) FROM orders_order")).isEqualTo(orders);
      assertThat(count(checkout, "SELECT COUNT(*) FROM orders_order WHERE status = 'ORDER_STATUS_CONFIRMED'"))
          .isEqualTo(confirmed);
      assertThat(count(checkout, "SELECT COUNT(*) FROM orders_order WHERE status = 'ORDER_STATUS_REJECTED'"))
          .isEqualTo(orders - confirmed);
      assertThat(count(payment, "SELECT COUNT(*) FROM payment_charge WHERE NOT refunded"))
          .as("one charge kept per confirmed order").isEqualTo(confirmed);
      assertThat(count(payment, "SELECT COUNT(DISTINCT order_id) FROM payment_charge WHERE NOT refunded"))
          .isEqualTo(confirmed);
      assertThat(count(payment, "SELECT COALESCE(SUM(amount_cents), 0) FROM payment_charge WHERE NOT refunded"))
          .isEqualTo(confirmed * PRICE);
      Eventually.asserts(Duration.ofSeconds(60), () -> {
        assertThat(count(checkout, "SELECT COUNT(*) FROM sb_saga WHERE open")).as("open sagas").isZero();
        assertThat(count(checkout, "SELECT COUNT(DISTINCT order_id) FROM notifications_sent "
            + "WHERE kind IN ('CONFIRMED', 'REJECTED')")).as("every order's end notified").isEqualTo(orders);
        assertThat(count(checkout, "SELECT COUNT(*) FROM notifications_sent WHERE kind IN ('CONFIRMED', 'REJECTED')"))
            .as("once each").isEqualTo(orders);
      });
    }
  }

  private Connection connect(String key) throws SQLException {
    return DriverManager.getConnection(topology.setting(key), topology.setting("store.user"), "");
  }

  private static long count(Connection connection, String sql) {
    try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
      rows.next();
      return rows.getLong(1);
    } catch (SQLException e) {
      throw new AssertionError(sql + ": " + e.getMessage(), e);
    }
  }
}
