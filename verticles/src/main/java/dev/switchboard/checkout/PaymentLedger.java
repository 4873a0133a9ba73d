package dev.switchboard.checkout;

import dev.switchboard.checkout.v1.PaymentReceipt;
import dev.switchboard.platform.ErrorCode;
import dev.switchboard.platform.OperationException;
import dev.switchboard.platform.store.Database;
import io.vertx.core.Future;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.UUID;

/**
 * Charges and refunds per order, in the store (table {@code payment_charge}); each is idempotent per
 * order, and a charge after a refund is refused (the refund leaves a tombstone).
 */
public final class PaymentLedger {

  private final Database database;
  private final long maxChargeCents;

  PaymentLedger(Database database, long maxChargeCents) {
    this.database = database;
    this.maxChargeCents = maxChargeCents;
  }

  Future<Void> createTables() {
    return database.createTables("CREATE TABLE IF NOT EXISTS payment_charge (order_id VARCHAR(100) PRIMARY KEY, "
        + "payment_id VARCHAR(100), amount_cents BIGINT NOT NULL, refunded BOOLEAN NOT NULL)");
  }

  PaymentReceipt charge(Connection store, String orderId, long amountCents) throws SQLException {
    try (PreparedStatement select = store.prepareStatement(
        "SELECT payment_id, amount_cents, refunded FROM payment_charge WHERE order_id = ?")) {
      select.setString(1, orderId);
      try (ResultSet row = select.executeQuery()) {
        if (row.next()) {
          if (row.getBoolean(3)) {
            throw new OperationException(ErrorCode.FAILED_PRECONDITION,
                "payment for order " + orderId + " was already refunded; charge refused");
          }
          return receipt(orderId, row.getString(1), row.getLong(2));
        }
      }
    }
    if (amountCents > maxChargeCents) {
      throw new OperationException(ErrorCode.FAILED_PRECONDITION, "payment declined: " + amountCents
          + " cents exceeds the limit of " + maxChargeCents + " cents");
    }
    String paymentId = UUID.randomUUID().toString();
    try (PreparedStatement insert = store.prepareStatement(
        "INSERT INTO payment_charge (order_id, payment_id, amount_cents, refunded) VALUES (?, ?, ?, FALSE)")) {
      insert.setString(1, orderId);
      insert.setString(2, paymentId);
      insert.setLong(3, amountCents);
      insert.executeUpdate();
    }
    return receipt(orderId, paymentId, amountCents);
  }

  /** Refunds the order's charge, if any; returns the refunded cents. Refuses any later charge. */
  long refund(Connection store, String orderId) throws SQLException {
    long refunded = 0;
    boolean known = false;
    try (PreparedStatement select = store.prepareStatement(
        "SELECT amount_cents, refunded FROM payment_charge WHERE order_id = ?")) {
      select.setString(1, orderId);
      try (ResultSet row = select.executeQuery()) {
        if (row.next()) {
          known = true;
          refunded = row.getBoolean(2) ? 0 : row.getLong(1);
        }
      }
    }
    try (PreparedStatement write = store.prepareStatement(known
        ? "UPDATE payment_charge SET refunded = TRUE WHERE order_id = ?"
        : "INSERT INTO payment_charge (order_id, payment_id, amount_cents, refunded) VALUES (?, NULL, 0, TRUE)")) {
      write.setString(1, orderId);
      write.executeUpdate();
    }
    return refunded;
  }

  /** Money held for orders that were charged and not refunded. */
  public Future<Long> capturedCents() {
    return database.queryLong("SELECT COALESCE(SUM(amount_cents), 0) FROM payment_charge WHERE NOT refunded");
  }

  /** Charges ever made (a refunded one included): a duplicate effect would show here. */
  public Future<Long> chargeCount() {
    return database.queryLong("SELECT COUNT(*) FROM payment_charge WHERE payment_id IS NOT NULL");
  }

  private static PaymentReceipt receipt(String orderId, String paymentId, long amountCents) {
    return PaymentReceipt.newBuilder().setOrderId(orderId).setPaymentId(paymentId).setAmountCents(amountCents).build();
  }
}
