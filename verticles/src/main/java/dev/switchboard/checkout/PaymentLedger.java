package dev.switchboard.checkout;

import dev.switchboard.checkout.v1.PaymentReceipt;
import dev.switchboard.platform.ErrorCode;
import dev.switchboard.platform.OperationException;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** Charges and refunds per order, each idempotent per order; a charge after a refund is refused. */
public final class PaymentLedger {

  private final long maxChargeCents;
  private final Map<String, PaymentReceipt> charges = new HashMap<>();
  private final Set<String> refunded = new HashSet<>();
  private long capturedCents;
  private long chargeCount;

  public PaymentLedger(long maxChargeCents) {
    this.maxChargeCents = maxChargeCents;
  }

  public synchronized PaymentReceipt charge(String orderId, long amountCents) {
    PaymentReceipt existing = charges.get(orderId);
    if (existing != null) {
      return existing;
    }
    if (refunded.contains(orderId)) {
      throw new OperationException(ErrorCode.FAILED_PRECONDITION,
          "payment for order " + orderId + " was already refunded; charge refused");
    }
    if (amountCents > maxChargeCents) {
      throw new OperationException(ErrorCode.FAILED_PRECONDITION, "payment declined: " + amountCents
          + " cents exceeds the limit of " + maxChargeCents + " cents");
    }
    PaymentReceipt receipt = PaymentReceipt.newBuilder()
        .setOrderId(orderId).setPaymentId(UUID.randomUUID().toString()).setAmountCents(amountCents).build();
    charges.put(orderId, receipt);
    capturedCents += amountCents;
    chargeCount++;
    return receipt;
  }

  /** Refunds the order's charge, if any; returns the refunded cents. */
  public synchronized long refund(String orderId) {
    refunded.add(orderId);
    PaymentReceipt charge = charges.remove(orderId);
    if (charge == null) {
      return 0;
    }
    capturedCents -= charge.getAmountCents();
    return charge.getAmountCents();
  }

  /** Money held for orders that were charged and not refunded. */
  public synchronized long capturedCents() {
    return capturedCents;
  }

  /** Charges ever made (a refunded one included): a duplicate effect would show here. */
  public synchronized long chargeCount() {
    return chargeCount;
  }
}
