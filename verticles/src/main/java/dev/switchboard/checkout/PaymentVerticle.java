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
        switchboard.serve(CheckoutOperations.PAYMENT_CHARGE, (request, context) -> {
          var receipt = ledger.charge(request.getOrderId(), request.getAmountCents());
          LOGGER.debug("{} charged {} cents", context.logTag(), receipt.getAmountCents());
          return Future.succeededFuture(receipt);
        }),
        switchboard.serve(CheckoutOperations.PAYMENT_REFUND, (request, context) -> {
          long cents = ledger.refund(request.getOrderId());
          LOGGER.debug("{} refunded {} cents", context.logTag(), cents);
          return Future.succeededFuture(RefundReceipt.newBuilder()
              .setOrderId(request.getOrderId()).setRefundedCents(cents).build());
        }));
  }
}
