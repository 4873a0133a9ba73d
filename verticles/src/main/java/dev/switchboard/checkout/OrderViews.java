package dev.switchboard.checkout;

import dev.switchboard.checkout.v1.OrderEvent;
import dev.switchboard.platform.store.Database;
import io.vertx.core.Future;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * Read models of the orders — what a search index, a CRM feed or a reporting copy would keep: each
 * view holds every order's latest status, as the order events told it.
 */
public final class OrderViews {

  private final Database database;

  OrderViews(Database database) {
    this.database = database;
  }

  /** The view's copy of the order takes the event's status (a later event of the same order overwrites it). */
  void apply(Connection store, String view, OrderEvent event) throws SQLException {
    String status = event.getKindCase().name();
    try (PreparedStatement update = store.prepareStatement(
        "UPDATE order_view SET status = ? WHERE view_name = ? AND order_id = ?")) {
      update.setString(1, status);
      update.setString(2, view);
      update.setString(3, event.getOrderId());
      if (update.executeUpdate() == 1) {
        return;
      }
    }
    try (PreparedStatement insert = store.prepareStatement(
        "INSERT INTO order_view (view_name, order_id, status) VALUES (?, ?, ?)")) {
      insert.setString(1, view);
      insert.setString(2, event.getOrderId());
      insert.setString(3, status);
      insert.executeUpdate();
    }
  }

  /** Orders the view knows. */
  public Future<Long> count(String view) {
    return database.queryLong("SELECT COUNT(*) FROM order_view WHERE view_name = '" + view.replace("'", "''") + "'");
  }
}
