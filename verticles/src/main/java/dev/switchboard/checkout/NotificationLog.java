package dev.switchboard.checkout;

import dev.switchboard.checkout.v1.OrderEvent;
import dev.switchboard.platform.store.Database;
import io.vertx.core.Future;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The notifications sent, per order and kind of event, in the store (table {@code notifications_sent}).
 * Keyed by the event id, so each order gets each notification once however often the event is
 * delivered.
 */
public final class NotificationLog {

  private final Database database;

  NotificationLog(Database database) {
    this.database = database;
  }

  Future<Void> createTables() {
    return database.createTables(
        "CREATE TABLE IF NOT EXISTS notifications_sent (event_id VARCHAR(200) PRIMARY KEY, "
            + "order_id VARCHAR(100) NOT NULL, kind VARCHAR(20) NOT NULL)",
        "CREATE INDEX IF NOT EXISTS notifications_sent_order ON notifications_sent (order_id)");
  }

  /** Records the notification; returns false (and sends nothing) for an event seen before. */
  boolean record(Connection store, OrderEvent event) throws SQLException {
    try (PreparedStatement insert = store.prepareStatement(
        "INSERT INTO notifications_sent (event_id, order_id, kind) "
            + "SELECT ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM notifications_sent WHERE event_id = ?)")) {
      insert.setString(1, event.getEventId());
      insert.setString(2, event.getOrderId());
      insert.setString(3, event.getKindCase().name());
      insert.setString(4, event.getEventId());
      return insert.executeUpdate() == 1;
    }
  }

  /** How many notifications of {@code kind} each order got, for the orders that got any. */
  public Future<java.util.Map<String, Integer>> countsByOrder(OrderEvent.KindCase kind) {
    return database.transaction(store -> {
      java.util.Map<String, Integer> counts = new java.util.HashMap<>();
      try (PreparedStatement select = store.prepareStatement(
          "SELECT order_id, COUNT(*) FROM notifications_sent WHERE kind = ? GROUP BY order_id")) {
        select.setString(1, kind.name());
        try (ResultSet rows = select.executeQuery()) {
          while (rows.next()) {
            counts.put(rows.getString(1), rows.getInt(2));
          }
        }
      }
      return counts;
    });
  }

  public Future<Integer> count(String orderId, OrderEvent.KindCase kind) {
    return database.transaction(store -> {
      try (PreparedStatement select = store.prepareStatement(
          "SELECT COUNT(*) FROM notifications_sent WHERE order_id = ? AND kind = ?")) {
        select.setString(1, orderId);
        select.setString(2, kind.name());
        try (ResultSet row = select.executeQuery()) {
          row.next();
          return row.getInt(1);
        }
      }
    });
  }
}
