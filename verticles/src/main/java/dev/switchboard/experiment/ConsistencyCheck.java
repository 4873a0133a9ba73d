package dev.switchboard.experiment;

import dev.switchboard.checkout.CheckoutApplication;
import dev.switchboard.checkout.OrderBook;
import dev.switchboard.checkout.v1.Order;
import dev.switchboard.checkout.v1.OrderEvent;
import dev.switchboard.checkout.v1.OrderStatus;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Once a run is over, checks what the system ended up with against what clients were told, polling
 * with a deadline while event-mode work settles (eventual consistency):
 * <ul>
 *   <li>stock arithmetic: per SKU, available = initial − confirmed units, and nothing left reserved;</li>
 *   <li>money: captured = the totals of confirmed orders (no charge kept for a rejected order, none twice);</li>
 *   <li>every order the system accepted is terminal; shipments = confirmed orders;</li>
 *   <li>each terminal order notified exactly once.</li>
 * </ul>
 */
final class ConsistencyCheck {

  private static final long SETTLE_MS = 10_000;

  private ConsistencyCheck() {
  }

  static Future<List<String>> verify(Vertx vertx, CheckoutGrpcClient client, CheckoutApplication checkout,
                                     Map<String, Long> initialStock, VariantRun run) {
    long deadline = System.currentTimeMillis() + SETTLE_MS;
    return poll(vertx, deadline, () -> violations(client, checkout, initialStock, run));
  }

  private static Future<List<String>> poll(Vertx vertx, long deadline,
                                           java.util.function.Supplier<Future<List<String>>> check) {
    return check.get().compose(violations -> {
      if (violations.isEmpty() || System.currentTimeMillis() > deadline) {
        return Future.succeededFuture(violations);
      }
      return vertx.timer(100).compose(again -> poll(vertx, deadline, check));
    });
  }

  private static Future<List<String>> violations(CheckoutGrpcClient client, CheckoutApplication checkout,
                                                 Map<String, Long> initialStock, VariantRun run) {
    List<String> violations = new ArrayList<>();
    List<Future<?>> reads = new ArrayList<>();
    initialStock.forEach((sku, initial) -> reads.add(client.getStock(sku).onSuccess(level -> {
      long expected = initial - run.confirmedUnits.getOrDefault(sku, 0L);
      if (level.getAvailable() != expected || level.getReserved() != 0) {
        violations.add(sku + ": available " + level.getAvailable() + " reserved " + level.getReserved()
            + ", expected available " + expected + " (initial " + initial + " - confirmed) and none reserved");
      }
    })));
    Future<Long> captured = checkout.payments().capturedCents();
    Future<List<Order>> orders = checkout.orders().all();
    Future<Long> shipments = checkout.shipments().count();
    Future<Map<String, Integer>> confirmedNotices = checkout.notifications().countsByOrder(OrderEvent.KindCase.CONFIRMED);
    Future<Map<String, Integer>> rejectedNotices = checkout.notifications().countsByOrder(OrderEvent.KindCase.REJECTED);
    return Future.join(reads).transform(read -> {
      if (read.failed()) {
        violations.add("stock could not be read: " + read.cause().getMessage());
      }
      return Future.all(captured, orders, shipments, confirmedNotices, rejectedNotices);
    }).map(state -> {
      if (captured.result() != run.confirmedCents) {
        violations.add("payments captured " + captured.result() + " cents, confirmed orders total " + run.confirmedCents);
      }
      long pending = orders.result().stream().filter(order -> !OrderBook.isTerminal(order)).count();
      if (pending > 0) {
        violations.add(pending + " accepted orders are not terminal");
      }
      long confirmed = orders.result().stream().filter(o -> o.getStatus() == OrderStatus.ORDER_STATUS_CONFIRMED).count();
      if (shipments.result() != confirmed) {
        violations.add(shipments.result() + " shipments for " + confirmed + " confirmed orders");
      }
      long misnotified = orders.result().stream().filter(OrderBook::isTerminal).filter(order ->
          (order.getStatus() == OrderStatus.ORDER_STATUS_CONFIRMED ? confirmedNotices : rejectedNotices).result()
              .getOrDefault(order.getOrderId(), 0) != 1).count();
      if (misnotified > 0) {
        violations.add(misnotified + " terminal orders not notified exactly once");
      }
      return violations;
    });
  }
}
