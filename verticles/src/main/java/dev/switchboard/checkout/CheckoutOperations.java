package dev.switchboard.checkout;

import dev.switchboard.checkout.v1.CancelShipmentRequest;
import dev.switchboard.checkout.v1.ChargeRequest;
import dev.switchboard.checkout.v1.EventAck;
import dev.switchboard.checkout.v1.Order;
import dev.switchboard.checkout.v1.OrderConfirmed;
import dev.switchboard.checkout.v1.OrderEvent;
import dev.switchboard.checkout.v1.PaymentReceipt;
import dev.switchboard.checkout.v1.PlaceOrderResponse;
import dev.switchboard.checkout.v1.RefundReceipt;
import dev.switchboard.checkout.v1.RefundRequest;
import dev.switchboard.checkout.v1.ReleaseStockRequest;
import dev.switchboard.checkout.v1.ReserveStockRequest;
import dev.switchboard.checkout.v1.ScheduleShipmentRequest;
import dev.switchboard.checkout.v1.Shipment;
import dev.switchboard.checkout.v1.ShipmentCancellation;
import dev.switchboard.checkout.v1.StockRelease;
import dev.switchboard.checkout.v1.StockReservation;
import dev.switchboard.platform.Handling;
import dev.switchboard.platform.Operation;

import java.util.List;

/**
 * The operations of the checkout application: the names configuration refers to, and how each one's
 * handler takes a message handed in twice ({@link Handling}; the verticles serve them accordingly,
 * and the platform refuses a handler of another kind). Every service that changes state does it in
 * the store with its message recorded ({@link Handling#TRANSACTIONAL}); {@code orders.place} starts
 * an order's checkout once however often it is asked ({@link Handling#IDEMPOTENT}); analytics counts
 * in memory and accepts a rare double count ({@link Handling#DUPLICATES_ACCEPTED}).
 */
public final class CheckoutOperations {

  /** The stream of order domain events (OrderPlaced, OrderConfirmed, OrderRejected). */
  public static final String ORDER_EVENTS = "orders.events";

  /**
   * Runs the checkout of an accepted order; replies with its terminal status. Idempotent: the handler
   * claims the order's checkout in the store, and a second request for the order reads its status.
   */
  public static final Operation<Order, PlaceOrderResponse> ORDERS_PLACE =
      Operation.of("orders.place", Order.parser(), PlaceOrderResponse.parser()).handled(Handling.IDEMPOTENT);
  public static final Operation<ReserveStockRequest, StockReservation> INVENTORY_RESERVE =
      Operation.of("inventory.reserve", ReserveStockRequest.parser(), StockReservation.parser())
          .handled(Handling.TRANSACTIONAL);
  public static final Operation<ReleaseStockRequest, StockRelease> INVENTORY_RELEASE =
      Operation.of("inventory.release", ReleaseStockRequest.parser(), StockRelease.parser())
          .handled(Handling.TRANSACTIONAL);
  public static final Operation<ChargeRequest, PaymentReceipt> PAYMENT_CHARGE =
      Operation.of("payment.charge", ChargeRequest.parser(), PaymentReceipt.parser())
          .handled(Handling.TRANSACTIONAL);
  public static final Operation<RefundRequest, RefundReceipt> PAYMENT_REFUND =
      Operation.of("payment.refund", RefundRequest.parser(), RefundReceipt.parser())
          .handled(Handling.TRANSACTIONAL);
  public static final Operation<ScheduleShipmentRequest, Shipment> SHIPPING_SCHEDULE =
      Operation.of("shipping.schedule", ScheduleShipmentRequest.parser(), Shipment.parser())
          .handled(Handling.TRANSACTIONAL);
  public static final Operation<CancelShipmentRequest, ShipmentCancellation> SHIPPING_CANCEL =
      Operation.of("shipping.cancel", CancelShipmentRequest.parser(), ShipmentCancellation.parser())
          .handled(Handling.TRANSACTIONAL);

  /** Subscribers of {@link #ORDER_EVENTS}. */
  public static final Operation<OrderEvent, EventAck> NOTIFICATIONS_ORDER_EVENTS =
      Operation.subscriber("notifications.orderEvents", ORDER_EVENTS, OrderEvent.parser(), EventAck.parser())
          .handled(Handling.TRANSACTIONAL);
  /**
   * Counts orders and revenue in this process's meters: an event handled again after a crash between
   * the count and the platform's record of the event counts twice (the meters of a process that
   * crashed restart from zero anyway).
   */
  public static final Operation<OrderEvent, EventAck> ANALYTICS_ORDER_EVENTS =
      Operation.subscriber("analytics.orderEvents", ORDER_EVENTS, OrderEvent.parser(), EventAck.parser())
          .handled(Handling.DUPLICATES_ACCEPTED);
  /**
   * Turns the reservation of a confirmed order into a sale; takes only OrderConfirmed (a rejected
   * order's stock is released by its saga's compensation).
   */
  public static final Operation<OrderEvent, EventAck> INVENTORY_ORDER_EVENTS =
      Operation.subscriber("inventory.orderEvents", ORDER_EVENTS, OrderEvent.parser(), EventAck.parser())
          .takes(OrderConfirmed.getDescriptor())
          .handled(Handling.TRANSACTIONAL);

  /** At most this many read models ({@code views.count}). */
  public static final int MAX_VIEWS = 32;

  /**
   * The subscribers of {@link #ORDER_EVENTS} that keep the read models, {@code views.orderEvents1} to
   * {@code views.orderEvents<count>}: as many as configured.
   */
  public static List<Operation<OrderEvent, EventAck>> views(int count) {
    List<Operation<OrderEvent, EventAck>> views = new java.util.ArrayList<>(count);
    for (int i = 1; i <= count; i++) {
      views.add(Operation.subscriber("views.orderEvents" + i, ORDER_EVENTS, OrderEvent.parser(), EventAck.parser())
          .handled(Handling.TRANSACTIONAL));
    }
    return List.copyOf(views);
  }

  public static final List<Operation<?, ?>> ALL = List.of(
      ORDERS_PLACE, INVENTORY_RESERVE, INVENTORY_RELEASE, PAYMENT_CHARGE, PAYMENT_REFUND, SHIPPING_SCHEDULE,
      SHIPPING_CANCEL,
      NOTIFICATIONS_ORDER_EVENTS, ANALYTICS_ORDER_EVENTS, INVENTORY_ORDER_EVENTS);

  private CheckoutOperations() {
  }
}
