package dev.switchboard.checkout;

import com.google.protobuf.Timestamp;
import dev.switchboard.checkout.v1.Order;
import dev.switchboard.checkout.v1.OrderConfirmed;
import dev.switchboard.checkout.v1.OrderEvent;
import dev.switchboard.checkout.v1.OrderPlaced;
import dev.switchboard.checkout.v1.OrderRejected;
import dev.switchboard.platform.CallContext;
import dev.switchboard.platform.Switchboard;
import io.vertx.core.Future;

/**
 * Builds and emits the order domain events. Event ids are derived from the order id and the kind,
 * so an event emitted again (a retry, a resumed saga) carries the same id and subscribers
 * deduplicate it.
 */
final class OrderEvents {

  private final Switchboard switchboard;

  OrderEvents(Switchboard switchboard) {
    this.switchboard = switchboard;
  }

  Future<Void> placed(Order order, CallContext context) {
    return emit(base(order, "placed").setPlaced(OrderPlaced.newBuilder()
        .setCustomerId(order.getCustomerId()).addAllItems(order.getItemsList()).setTotalCents(order.getTotalCents()))
        .build(), context);
  }

  Future<Void> confirmed(Order order, String paymentId, String shipmentId, CallContext context) {
    return emit(base(order, "confirmed").setConfirmed(OrderConfirmed.newBuilder()
        .setPaymentId(paymentId).setShipmentId(shipmentId).setTotalCents(order.getTotalCents())).build(), context);
  }

  Future<Void> rejected(Order order, String reason, CallContext context) {
    return emit(base(order, "rejected").setRejected(OrderRejected.newBuilder().setReason(reason)).build(), context);
  }

  private static OrderEvent.Builder base(Order order, String kind) {
    long now = System.currentTimeMillis();
    return OrderEvent.newBuilder()
        .setEventId(order.getOrderId() + ":" + kind)
        .setOrderId(order.getOrderId())
        .setOccurredAt(Timestamp.newBuilder().setSeconds(now / 1000).setNanos((int) (now % 1000) * 1_000_000));
  }

  /**
   * Emits to every subscriber. A subscriber that did not get it never undoes the order: the platform
   * keeps the event and delivers it again until every subscriber has it (and has logged why).
   */
  private Future<Void> emit(OrderEvent event, CallContext context) {
    return switchboard.emit(CheckoutOperations.ORDER_EVENTS, event.getEventId(), event, context)
        .recover(late -> Future.succeededFuture());
  }
}
