package dev.switchboard.checkout;

import dev.switchboard.checkout.v1.PaymentReceipt;
import dev.switchboard.platform.ErrorCode;
import dev.switchboard.platform.Ids;
import dev.switchboard.platform.OperationException;
import dev.switchboard.platform.store.Database;
import io.vertx.core.Future;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * Charges and refunds, in the store. Every charge is a row of its own (table {@code payment_charge},
 * keyed by payment id), as a call to a card processor would be: charging the same order twice
 * charges it twice. That a command handled again charges nothing again is the platform's doing
 * (it records each message in the charge's own transaction). A refund refunds every charge of the
 * order and marks the order refunded ({@code payment_order}), so a charge that lands after it is
 * refused. Charges and refunds of one order lock its {@code payment_order} row first, so they take
 * turns even when several writers (or processes) handle them at once.
 */
public final class PaymentLedger {

  private final Database database;
  private final long maxChargeCents;
  /** Whether the order was refunded, its row locked where the store needs it ({@link Database#forUpdate}). */
  private final String selectRefunded;

  PaymentLedger(Database database, long maxChargeCents) {
    this.database = database;
    this.selectRefunded = "SELECT refunded FROM payment_order WHERE order_id = ?" + database.forUpdate();
    this.maxChargeCents = maxChargeCents;
  }

  PaymentReceipt charge(Connection store, String orderId, long amountCents) throws SQLException {
    if (lockOrder(store, orderId)) {
      throw new OperationException(ErrorCode.FAILED_PRECONDITION,
          "payment for order " + orderId + " was already refunded; charge refused");
    }
    if (amountCents > maxChargeCents) {
      throw new OperationException(ErrorCode.FAILED_PRECONDITION, "payment declined: " + amountCents
          + " cents exceeds the limit of " + maxChargeCents + " cents");
    }
    String paymentId = Ids.next();
    try (PreparedStatement insert = store.prepareStatement(
        "INSERT INTO payment_charge (payment_id, order_id, amount_cents, refunded) VALUES (?, ?, ?, FALSE)")) {
      insert.setString(1, paymentId);
      insert.setString(2, orderId);
      insert.setLong(3, amountCents);
      insert.executeUpdate();
    }
    return PaymentReceipt.newBuilder().setOrderId(orderId).setPaymentId(paymentId).setAmountCents(amountCents)
        .build();
  }

  /**
   * Refunds every charge of the order not refunded yet; returns the refunded cents (0 the second
   * time). Refuses any later charge of the order.
   */
  long refund(Connection store, String orderId) throws SQLException {
    boolean refundedBefore = lockOrder(store, orderId);
    long refunded;
    try (PreparedStatement select = store.prepareStatement(
        "SELECT COALESCE(SUM(amount_cents), 0) FROM payment_charge WHERE order_id = ? AND NOT refunded")) {
      select.setString(1, orderId);
      try (ResultSet row = select.executeQuery()) {
        row.next();
        refunded = row.getLong(1);
      }
    }
    try (PreparedStatement update = store.prepareStatement(
        "UPDATE payment_charge SET refunded = TRUE WHERE order_id = ? AND NOT refunded")) {
      update.setString(1, orderId);
      update.executeUpdate();
    }
    if (!refundedBefore) {
      try (PreparedStatement mark = store.prepareStatement(
          "UPDATE payment_order SET refunded = TRUE WHERE order_id = ?")) {
        mark.setString(1, orderId);
        mark.executeUpdate();
      }
    }
    return refunded;
  }

  /** Money held for charges not refunded. */
  public Future<Long> capturedCents() {
    return database.queryLong("SELECT COALESCE(SUM(amount_cents), 0) FROM payment_charge WHERE NOT refunded");
  }

  /** Charges ever made (refunded ones included): a duplicate effect would show here. */
  public Future<Long> chargeCount() {
    return database.queryLong("SELECT COUNT(*) FROM payment_charge");
  }

  /**
   * How many charges each order got (refunded ones included), for the orders charged at all: more
   * than one is a double charge.
   */
  public Future<Map<String, Long>> chargesByOrder() {
    return database.queryTotals("SELECT order_id, COUNT(*) FROM payment_charge GROUP BY order_id");
  }

  /** Cents still held per order (charged and not refunded), for the orders holding any. */
  public Future<Map<String, Long>> heldCentsByOrder() {
    return database.queryTotals("SELECT order_id, SUM(amount_cents) FROM payment_charge WHERE NOT refunded GROUP BY order_id");
  }

  /**
   * Adds the order's row if payment has not seen the order yet, and locks it until the transaction
   * ends where pieces of work run concurrently ({@link Database#forUpdate}); tells whether the order
   * was refunded. Two first sights of one order meet on the primary key, and the store runs the later
   * one again.
   */
  private boolean lockOrder(Connection store, String orderId) throws SQLException {
    try (PreparedStatement insert = store.prepareStatement("INSERT INTO payment_order (order_id, refunded) "
        + "SELECT ?, FALSE WHERE NOT EXISTS (SELECT 1 FROM payment_order WHERE order_id = ?)")) {
      insert.setString(1, orderId);
      insert.setString(2, orderId);
      insert.executeUpdate();
    }
    try (PreparedStatement select = store.prepareStatement(selectRefunded)) {
      select.setString(1, orderId);
      try (ResultSet row = select.executeQuery()) {
        row.next();
        return row.getBoolean(1);
      }
    }
  }
}
