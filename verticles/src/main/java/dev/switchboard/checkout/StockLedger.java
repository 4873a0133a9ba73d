package dev.switchboard.checkout;

import dev.switchboard.checkout.v1.LineItem;
import dev.switchboard.checkout.v1.StockLevel;
import dev.switchboard.platform.ErrorCode;
import dev.switchboard.platform.OperationException;
import dev.switchboard.platform.store.Database;
import io.vertx.core.Future;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Stock per SKU and the reservations per order, in the store (tables {@code inventory_*}). Units are
 * taken with a conditional update ({@code available >= units}), so available stock never goes negative
 * whatever the concurrency — writers of one process or of several on one PostgreSQL; the order's
 * state row is locked by whoever changes it, and every change is idempotent per order, so a command
 * handled twice changes nothing twice.
 */
public final class StockLedger {

  private static final String RESERVED = "RESERVED";
  private static final String SOLD = "SOLD";
  private static final String RELEASED = "RELEASED";

  private final Database database;
  /** The order's state, its row locked where the store needs it ({@link Database#forUpdate}). */
  private final String selectState;

  StockLedger(Database database) {
    this.database = database;
    this.selectState = "SELECT state FROM inventory_order WHERE order_id = ?" + database.forUpdate();
  }

  /**
   * Adds the SKUs of {@code initialStock} that the store does not have yet; those it has keep their
   * stock (a restart, or another process on the same database, seeds nothing twice).
   */
  Future<Void> seed(Map<String, Long> initialStock) {
    return database.transaction(connection -> {
      try (PreparedStatement seed = connection.prepareStatement(
          "INSERT INTO inventory_stock (sku, available, reserved) SELECT ?, ?, 0 "
              + "WHERE NOT EXISTS (SELECT 1 FROM inventory_stock WHERE sku = ?)")) {
        for (Map.Entry<String, Long> sku : new TreeMap<>(initialStock).entrySet()) {
          seed.setString(1, sku.getKey());
          seed.setLong(2, sku.getValue());
          seed.setString(3, sku.getKey());
          seed.executeUpdate();
        }
      }
      return null;
    });
  }

  /** Reserves every item of the order, or none; the same order reserved twice reserves once. */
  Map<String, Long> reserve(Connection store, String orderId, List<LineItem> items) throws SQLException {
    String state = state(store, orderId);
    if (RELEASED.equals(state)) {
      throw new OperationException(ErrorCode.FAILED_PRECONDITION,
          "stock for order " + orderId + " was already released; reservation refused");
    }
    if (state != null) {
      return reservation(store, orderId);
    }
    // SKUs in one order (sorted): two orders taking the same SKUs lock their rows in the same order
    Map<String, Long> wanted = new TreeMap<>();
    for (LineItem item : items) {
      wanted.merge(item.getSku(), (long) item.getQuantity(), Long::sum);
    }
    try (PreparedStatement take = store.prepareStatement(
        "UPDATE inventory_stock SET available = available - ?, reserved = reserved + ? WHERE sku = ? "
            + "AND available >= ?");
         PreparedStatement record = store.prepareStatement(
             "INSERT INTO inventory_reservation (order_id, sku, units) VALUES (?, ?, ?)")) {
      for (Map.Entry<String, Long> entry : wanted.entrySet()) {
        take.setLong(1, entry.getValue());
        take.setLong(2, entry.getValue());
        take.setString(3, entry.getKey());
        take.setLong(4, entry.getValue());
        if (take.executeUpdate() != 1) {
          // nothing taken: the transaction, units taken for earlier SKUs included, rolls back
          throw new OperationException(ErrorCode.FAILED_PRECONDITION, "insufficient stock for " + entry.getKey()
              + ": requested " + entry.getValue() + ", available " + available(store, entry.getKey()));
        }
        record.setString(1, orderId);
        record.setString(2, entry.getKey());
        record.setLong(3, entry.getValue());
        record.executeUpdate();
      }
    }
    setState(store, orderId, RESERVED, null);
    return wanted;
  }

  /** Returns the order's reserved units to available stock; refuses any later reservation for it. */
  long release(Connection store, String orderId) throws SQLException {
    String state = state(store, orderId);
    if (SOLD.equals(state) || RELEASED.equals(state)) {
      return 0;
    }
    long units = 0;
    if (RESERVED.equals(state)) {
      try (PreparedStatement giveBack = store.prepareStatement(
          "UPDATE inventory_stock SET available = available + ?, reserved = reserved - ? WHERE sku = ?")) {
        for (Map.Entry<String, Long> entry : reservation(store, orderId).entrySet()) {
          giveBack.setLong(1, entry.getValue());
          giveBack.setLong(2, entry.getValue());
          giveBack.setString(3, entry.getKey());
          giveBack.executeUpdate();
          units += entry.getValue();
        }
      }
    }
    setState(store, orderId, RELEASED, state);
    return units;
  }

  /** Turns the order's reservation into a sale: the units leave {@code reserved} for good. */
  boolean commit(Connection store, String orderId) throws SQLException {
    if (!RESERVED.equals(state(store, orderId))) {
      return false;
    }
    try (PreparedStatement sell = store.prepareStatement(
        "UPDATE inventory_stock SET reserved = reserved - ? WHERE sku = ?")) {
      for (Map.Entry<String, Long> entry : reservation(store, orderId).entrySet()) {
        sell.setLong(1, entry.getValue());
        sell.setString(2, entry.getKey());
        sell.executeUpdate();
      }
    }
    setState(store, orderId, SOLD, RESERVED);
    return true;
  }

  public Future<StockLevel> level(String sku) {
    return database.transaction(store -> {
      try (PreparedStatement select = store.prepareStatement(
          "SELECT available, reserved FROM inventory_stock WHERE sku = ?")) {
        select.setString(1, sku);
        try (ResultSet row = select.executeQuery()) {
          if (!row.next()) {
            throw new OperationException(ErrorCode.NOT_FOUND, "unknown SKU " + sku);
          }
          return StockLevel.newBuilder().setSku(sku).setAvailable(row.getLong(1)).setReserved(row.getLong(2)).build();
        }
      }
    });
  }

  /**
   * Whether the order's reservation became a sale: {@code inventory.orderEvents} handled its
   * confirmation. False for an order not confirmed yet, released, or unknown here.
   */
  public Future<Boolean> sold(String orderId) {
    return database.transaction(store -> SOLD.equals(state(store, orderId)));
  }

  /**
   * The reservation rows (one per SKU) each order has, for the orders that have any, kept after a
   * sale or a release too. The table is keyed by order and SKU, so an order reserved twice shows
   * no extra row: the count is the number of distinct SKUs reserved.
   */
  public Future<Map<String, Long>> reservationsByOrder() {
    return database.queryTotals("SELECT order_id, COUNT(*) FROM inventory_reservation GROUP BY order_id");
  }

  private static long available(Connection store, String sku) throws SQLException {
    try (PreparedStatement select = store.prepareStatement(
        "SELECT available FROM inventory_stock WHERE sku = ?")) {
      select.setString(1, sku);
      try (ResultSet row = select.executeQuery()) {
        if (!row.next()) {
          throw new OperationException(ErrorCode.FAILED_PRECONDITION, "no stock of unknown SKU " + sku);
        }
        return row.getLong(1);
      }
    }
  }

  /**
   * The order's state, its row locked until the transaction ends where pieces of work run concurrently
   * ({@link Database#forUpdate}): whoever changes it next waits. (An order with no row yet locks
   * nothing; two first changes meet on its primary key instead.)
   */
  private String state(Connection store, String orderId) throws SQLException {
    try (PreparedStatement select = store.prepareStatement(selectState)) {
      select.setString(1, orderId);
      try (ResultSet row = select.executeQuery()) {
        return row.next() ? row.getString(1) : null;
      }
    }
  }

  private static void setState(Connection store, String orderId, String state, String previous) throws SQLException {
    try (PreparedStatement write = store.prepareStatement(previous == null
        ? "INSERT INTO inventory_order (state, order_id) VALUES (?, ?)"
        : "UPDATE inventory_order SET state = ? WHERE order_id = ?")) {
      write.setString(1, state);
      write.setString(2, orderId);
      write.executeUpdate();
    }
  }

  private static Map<String, Long> reservation(Connection store, String orderId) throws SQLException {
    Map<String, Long> units = new LinkedHashMap<>();
    try (PreparedStatement select = store.prepareStatement(
        "SELECT sku, units FROM inventory_reservation WHERE order_id = ? ORDER BY sku")) {
      select.setString(1, orderId);
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          units.put(rows.getString(1), rows.getLong(2));
        }
      }
    }
    return units;
  }
}
