package dev.switchboard.checkout;

import dev.switchboard.checkout.v1.OrderEvent;
import dev.switchboard.platform.Ids;
import dev.switchboard.platform.store.Database;
import io.vertx.core.Future;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The notifications sent, per order and kind of event, in the store (table {@code notifications_sent}).
 * Every notification is a row of its own, as a message handed to a mail or SMS gateway would be:
 * notifying twice for the same event sends twice. That an event delivered again notifies nobody
 * again is the platform's doing (it records each message in the notification's own transaction).
 */
public final class NotificationLog {

  private final Database database;

  NotificationLog(Database database) {
    this.database = database;
  }

  /** Records the notification sent for the event. */
  void record(Connection store, OrderEvent event) throws SQLException {
    try (PreparedStatement insert = store.prepareStatement(
        "INSERT INTO notifications_sent (notification_id, event_id, order_id, kind) VALUES (?, ?, ?, ?)")) {
      insert.setString(1, Ids.next());
      insert.setString(2, event.getEventId());
      insert.setString(3, event.getOrderId());
      insert.setString(4, event.getKindCase().name());
      insert.executeUpdate();
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
