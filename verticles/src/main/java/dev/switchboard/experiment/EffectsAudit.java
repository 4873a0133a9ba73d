package dev.switchboard.experiment;

import dev.switchboard.checkout.CheckoutApplication;
import dev.switchboard.checkout.OrderBook;
import dev.switchboard.checkout.v1.LineItem;
import dev.switchboard.checkout.v1.Order;
import dev.switchboard.checkout.v1.OrderEvent;
import dev.switchboard.checkout.v1.OrderStatus;
import dev.switchboard.checkout.v1.StockLevel;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Once a run is over, reads what the services ended up with — their own records, not what clients
 * were told — and counts what went wrong, polling with a deadline while event-mode work settles
 * (eventual consistency): orders accepted and never terminal (lost), effects beyond one per order
 * that should have them (charges, notifications, shipments, reservations), and the stock and money
 * arithmetic against the orders the order book holds as confirmed.
 */
final class EffectsAudit {

  /** The audit's measures, named as in {@code results.json}. */
  record Findings(Map<String, Number> measures, List<String> violations) {
    long get(String measure) {
      return measures.getOrDefault(measure, 0).longValue();
    }
  }

  private EffectsAudit() {
  }

  static Future<Findings> settle(Vertx vertx, CheckoutGrpcClient client, CheckoutApplication checkout,
                                 Map<String, Long> initialStock, long settleMs) {
    long deadline = System.currentTimeMillis() + settleMs;
    return poll(vertx, deadline, () -> audit(client, checkout, initialStock));
  }

  private static Future<Findings> poll(Vertx vertx, long deadline, Supplier<Future<Findings>> audit) {
    return audit.get().compose(findings -> {
      if (findings.violations().isEmpty() || System.currentTimeMillis() > deadline) {
        return Future.succeededFuture(findings);
      }
      return vertx.timer(100).compose(again -> poll(vertx, deadline, audit));
    });
  }

  private static Future<Findings> audit(CheckoutGrpcClient client, CheckoutApplication checkout,
                                        Map<String, Long> initialStock) {
    Map<String, StockLevel> levels = new LinkedHashMap<>();
    List<String> violations = new ArrayList<>();
    List<Future<?>> reads = new ArrayList<>();
    initialStock.forEach((sku, initial) -> reads.add(client.getStock(sku).onSuccess(level -> levels.put(sku, level))));
    Future<Long> captured = checkout.payments().capturedCents();
    Future<Map<String, Long>> charges = checkout.payments().chargesByOrder();
    Future<Map<String, Long>> held = checkout.payments().heldCentsByOrder();
    Future<List<Order>> orders = checkout.orders().all();
    Future<Map<String, Long>> shipments = checkout.shipments().shipmentsByOrder();
    Future<Map<String, Long>> reservations = checkout.stock().reservationsByOrder();
    List<Future<Map<String, Integer>>> notices = new ArrayList<>();
    for (OrderEvent.KindCase kind : List.of(OrderEvent.KindCase.PLACED, OrderEvent.KindCase.CONFIRMED,
        OrderEvent.KindCase.REJECTED)) {
      notices.add(checkout.notifications().countsByOrder(kind));
    }
    return Future.join(reads).transform(read -> {
      if (read.failed()) {
        violations.add("stock could not be read: " + read.cause().getMessage());
      }
      List<Future<?>> all = new ArrayList<>(List.of(captured, charges, held, orders, shipments, reservations));
      all.addAll(notices);
      return Future.all(all);
    }).map(state -> {
      Map<String, Number> measures = new LinkedHashMap<>();
      List<Order> known = orders.result();
      long lost = known.stream().filter(order -> !OrderBook.isTerminal(order)).count();
      measures.put("lost", lost);
      if (lost > 0) {
        violations.add(lost + " accepted orders are not terminal");
      }
      long duplicateCharges = beyondOne(charges.result());
      long duplicateShipments = beyondOne(shipments.result());
      long duplicateNotifications = notices.stream().mapToLong(counts -> beyondOne(counts.result())).sum();
      long duplicateReservations = 0;
      for (Order order : known) {
        long skus = order.getItemsList().stream().map(LineItem::getSku).distinct().count();
        duplicateReservations += Math.max(0, reservations.result().getOrDefault(order.getOrderId(), 0L) - skus);
      }
      long duplicated = duplicateCharges + duplicateNotifications + duplicateShipments + duplicateReservations;
      measures.put("duplicated_effects", duplicated);
      measures.put("duplicate_charges", duplicateCharges);
      measures.put("duplicate_notifications", duplicateNotifications);
      measures.put("duplicate_shipments", duplicateShipments);
      measures.put("duplicate_reservations", duplicateReservations);
      if (duplicated > 0) {
        violations.add(duplicated + " duplicated effects (" + duplicateCharges + " charges, " + duplicateNotifications
            + " notifications, " + duplicateShipments + " shipments, " + duplicateReservations + " reservations)");
      }
      // what the services hold against what the order book says was confirmed (not what clients happened to see)
      List<Order> confirmedOrders = known.stream()
          .filter(order -> order.getStatus() == OrderStatus.ORDER_STATUS_CONFIRMED).toList();
      Map<String, Long> sold = new LinkedHashMap<>();
      long confirmedCents = 0;
      for (Order order : confirmedOrders) {
        confirmedCents += order.getTotalCents();
        order.getItemsList().forEach(item -> sold.merge(item.getSku(), (long) item.getQuantity(), Long::sum));
      }
      double stockUnits = 0;
      for (Map.Entry<String, Long> initial : initialStock.entrySet()) {
        StockLevel level = levels.get(initial.getKey());
        if (level == null) {
          stockUnits = Double.NaN; // not read: unknown, never "no error"
          continue;
        }
        long expected = initial.getValue() - sold.getOrDefault(initial.getKey(), 0L);
        long off = Math.abs(level.getAvailable() - expected) + level.getReserved();
        stockUnits += off;
        if (off != 0) {
          violations.add(initial.getKey() + ": available " + level.getAvailable() + " reserved " + level.getReserved()
              + ", expected available " + expected + " (initial " + initial.getValue()
              + " - confirmed) and none reserved");
        }
      }
      measures.put("stock_error_units", Double.isNaN(stockUnits) ? stockUnits : (Number) (long) stockUnits);
      long moneyError = Math.abs(captured.result() - confirmedCents);
      measures.put("money_error_cents", moneyError);
      if (moneyError != 0) {
        violations.add("payments captured " + captured.result() + " cents, confirmed orders total " + confirmedCents);
      }
      long keptForRejected = known.stream().filter(order -> order.getStatus() == OrderStatus.ORDER_STATUS_REJECTED)
          .filter(order -> held.result().getOrDefault(order.getOrderId(), 0L) > 0).count();
      measures.put("charges_kept_for_rejected", keptForRejected);
      if (keptForRejected > 0) {
        violations.add(keptForRejected + " rejected orders still hold a charge");
      }
      long confirmed = confirmedOrders.size();
      long shipped = shipments.result().values().stream().mapToLong(Long::longValue).sum();
      if (shipped < confirmed) {
        violations.add(shipped + " shipments for " + confirmed + " confirmed orders");
      }
      long unnotified = known.stream().filter(OrderBook::isTerminal).filter(order ->
          (order.getStatus() == OrderStatus.ORDER_STATUS_CONFIRMED ? notices.get(1) : notices.get(2)).result()
              .getOrDefault(order.getOrderId(), 0) == 0).count();
      if (unnotified > 0) {
        violations.add(unnotified + " terminal orders not notified");
      }
      return new Findings(measures, violations);
    });
  }

  private static long beyondOne(Map<String, ? extends Number> counts) {
    return counts.values().stream().mapToLong(count -> Math.max(0, count.longValue() - 1)).sum();
  }
}
