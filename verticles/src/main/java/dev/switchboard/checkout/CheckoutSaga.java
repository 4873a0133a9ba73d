package dev.switchboard.checkout;

import dev.switchboard.checkout.v1.CancelShipmentRequest;
import dev.switchboard.checkout.v1.ChargeRequest;
import dev.switchboard.checkout.v1.CheckoutSagaData;
import dev.switchboard.checkout.v1.OrderStatus;
import dev.switchboard.checkout.v1.RefundRequest;
import dev.switchboard.checkout.v1.ReleaseStockRequest;
import dev.switchboard.checkout.v1.ReserveStockRequest;
import dev.switchboard.checkout.v1.ScheduleShipmentRequest;
import dev.switchboard.platform.saga.SagaDefinition;
import dev.switchboard.platform.saga.SagaOutline;

import static dev.switchboard.checkout.CheckoutOperations.INVENTORY_RELEASE;
import static dev.switchboard.checkout.CheckoutOperations.ORDERS_PLACE;
import static dev.switchboard.checkout.CheckoutOperations.INVENTORY_RESERVE;
import static dev.switchboard.checkout.CheckoutOperations.PAYMENT_CHARGE;
import static dev.switchboard.checkout.CheckoutOperations.PAYMENT_REFUND;
import static dev.switchboard.checkout.CheckoutOperations.SHIPPING_CANCEL;
import static dev.switchboard.checkout.CheckoutOperations.SHIPPING_SCHEDULE;

/**
 * The checkout: reserve stock → charge payment → schedule shipping; a failure releases the stock
 * and refunds the payment that were taken (and cancels a shipment whose scheduling timed out). Whatever the steps' modes, the order ends CONFIRMED or
 * REJECTED (with the failing step's reason) exactly once.
 */
final class CheckoutSaga {

  static final String NAME = "checkout";

  private CheckoutSaga() {
  }

  static SagaDefinition<CheckoutSagaData> definition(OrderBook orders, OrderEvents events) {
    return steps()
        .onCompleted((data, context) -> orders
            .complete(data.getOrder().getOrderId(), OrderStatus.ORDER_STATUS_CONFIRMED, "")
            .compose(order -> events.confirmed(order, data.getPaymentId(), data.getShipmentId(), context)))
        .onAborted((data, reason, context) -> orders
            .complete(data.getOrder().getOrderId(), OrderStatus.ORDER_STATUS_REJECTED, reason)
            .compose(order -> events.rejected(order, reason, context)))
        .build();
  }

  /** What the checkout invokes and which operation starts it, read from the same steps {@link #definition} runs. */
  static SagaOutline outline() {
    return steps().build().outline();
  }

  /** The steps, started by {@code orders.place} (whose handler waits for the checkout's outcome). */
  private static SagaDefinition.Builder<CheckoutSagaData> steps() {
    return SagaDefinition.builder(NAME, CheckoutSagaData.parser())
        .startedBy(ORDERS_PLACE)
        .step(INVENTORY_RESERVE,
            data -> ReserveStockRequest.newBuilder()
                .setOrderId(data.getOrder().getOrderId()).addAllItems(data.getOrder().getItemsList()).build(),
            (data, reservation) -> data,
            INVENTORY_RELEASE,
            data -> ReleaseStockRequest.newBuilder().setOrderId(data.getOrder().getOrderId()).build())
        .step(PAYMENT_CHARGE,
            data -> ChargeRequest.newBuilder().setOrderId(data.getOrder().getOrderId())
                .setCustomerId(data.getOrder().getCustomerId()).setAmountCents(data.getOrder().getTotalCents()).build(),
            (data, receipt) -> data.toBuilder().setPaymentId(receipt.getPaymentId()).build(),
            PAYMENT_REFUND,
            data -> RefundRequest.newBuilder().setOrderId(data.getOrder().getOrderId()).build())
        .step(SHIPPING_SCHEDULE,
            data -> ScheduleShipmentRequest.newBuilder().setOrderId(data.getOrder().getOrderId())
                .setCustomerId(data.getOrder().getCustomerId()).addAllItems(data.getOrder().getItemsList()).build(),
            (data, shipment) -> data.toBuilder().setShipmentId(shipment.getShipmentId()).build(),
            SHIPPING_CANCEL,
            data -> CancelShipmentRequest.newBuilder().setOrderId(data.getOrder().getOrderId()).build());
  }
}
