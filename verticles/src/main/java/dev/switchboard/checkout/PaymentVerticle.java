package dev.switchboard.checkout;

import dev.switchboard.checkout.v1.RefundReceipt;
import dev.switchboard.platform.Switchboard;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Serves payment.charge and its compensation payment.refund. */
public final class PaymentVerticle extends VerticleBase {

  private static final Logger LOGGER = LoggerFactory.getLogger(PaymentVerticle.class);

  private final Switchboard switchboard;
  private final PaymentLedger ledger;

  public PaymentVerticle(Switchboard switchboard, PaymentLedger ledger) {
    this.switchboard = switchboard;
    this.ledger = ledger;
  }

  @Override
  public Future<?> start() {
    return Future.all(
        switchboard.serve(CheckoutOperations.PAYMENT_CHARGE, (request, context, store) -> {
          var receipt = ledger.charge(store, request.getOrderId(), request.getAmountCents());
          LOGGER.debug("{} charged {} cents", context.logTag(), receipt.getAmountCents());
          return receipt;
        }),
        switchboard.serve(CheckoutOperations.PAYMENT_REFUND, (request, context, store) -> {
          long cents = ledger.refund(store, request.getOrderId());
          LOGGER.debug("{} refunded {} cents", context.logTag(), cents);
          return RefundReceipt.newBuilder().setOrderId(request.getOrderId()).setRefundedCents(cents).build();
        }));
  }
}
