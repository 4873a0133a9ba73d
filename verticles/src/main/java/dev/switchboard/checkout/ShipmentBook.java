package dev.switchboard.checkout;

import dev.switchboard.checkout.v1.Shipment;
import dev.switchboard.platform.ErrorCode;
import dev.switchboard.platform.Ids;
import dev.switchboard.platform.OperationException;
import dev.switchboard.platform.store.Database;
import io.vertx.core.Future;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;

/**
 * Shipments per order, in the store (table {@code shipping_shipment}); each is idempotent per order,
 * and a schedule after a cancellation is refused (the cancellation leaves a tombstone).
 */
public final class ShipmentBook {

  private final Database database;

  ShipmentBook(Database database) {
    this.database = database;
  }

  Shipment schedule(Connection store, String orderId) throws SQLException {
    try (PreparedStatement select = store.prepareStatement(
        "SELECT shipment_id, cancelled FROM shipping_shipment WHERE order_id = ?")) {
      select.setString(1, orderId);
      try (ResultSet row = select.executeQuery()) {
        if (row.next()) {
          if (row.getBoolean(2)) {
            throw new OperationException(ErrorCode.FAILED_PRECONDITION,
                "shipment of order " + orderId + " was already cancelled; scheduling refused");
          }
          return Shipment.newBuilder().setOrderId(orderId).setShipmentId(row.getString(1)).build();
        }
      }
    }
    String shipmentId = Ids.next();
    try (PreparedStatement insert = store.prepareStatement(
        "INSERT INTO shipping_shipment (order_id, shipment_id, cancelled) VALUES (?, ?, FALSE)")) {
      insert.setString(1, orderId);
      insert.setString(2, shipmentId);
      insert.executeUpdate();
    }
    return Shipment.newBuilder().setOrderId(orderId).setShipmentId(shipmentId).build();
  }

  /** Cancels the order's shipment, if any; returns whether one was scheduled. Refuses any later schedule. */
  boolean cancel(Connection store, String orderId) throws SQLException {
    boolean scheduled;
    try (PreparedStatement update = store.prepareStatement(
        "UPDATE shipping_shipment SET cancelled = TRUE WHERE order_id = ? AND NOT cancelled")) {
      update.setString(1, orderId);
      scheduled = update.executeUpdate() == 1;
    }
    try (PreparedStatement tombstone = store.prepareStatement(
        "INSERT INTO shipping_shipment (order_id, shipment_id, cancelled) "
            + "SELECT ?, NULL, TRUE WHERE NOT EXISTS (SELECT 1 FROM shipping_shipment WHERE order_id = ?)")) {
      tombstone.setString(1, orderId);
      tombstone.setString(2, orderId);
      tombstone.executeUpdate();
    }
    return scheduled;
  }

  /**
   * The shipments scheduled for each order (cancelled ones included), for the orders that had one.
   * The table is keyed by order, so this is at most 1 per order: a schedule handled twice returns
   * the shipment it made the first time.
   */
  public Future<Map<String, Long>> shipmentsByOrder() {
    return database.queryTotals("SELECT order_id, COUNT(*) FROM shipping_shipment WHERE shipment_id IS NOT NULL GROUP BY order_id");
  }

    /** Shipments scheduled and not cancelled. */
  public Future<Long> count() {
    return database.queryLong("SELECT COUNT(*) FROM shipping_shipment WHERE NOT cancelled");
  }
}
