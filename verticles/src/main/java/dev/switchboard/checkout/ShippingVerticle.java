package dev.switchboard.checkout;

import dev.switchboard.checkout.v1.Shipment;
import dev.switchboard.checkout.v1.ShipmentCancellation;
import dev.switchboard.platform.ErrorCode;
import dev.switchboard.platform.OperationException;
import dev.switchboard.platform.Switchboard;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.UUID;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;

/** Serves shipping.schedule and its compensation shipping.cancel, each idempotent per order. */
public final class ShippingVerticle extends VerticleBase {

  private static final Logger LOGGER = LoggerFactory.getLogger(ShippingVerticle.class);

  private final Switchboard switchboard;
  private final Map<String, Shipment> shipments = new HashMap<>();
  private final Set<String> cancelled = new HashSet<>();

  public ShippingVerticle(Switchboard switchboard) {
    this.switchboard = switchboard;
  }

  @Override
  public Future<?> start() {
    return Future.all(
        switchboard.serve(CheckoutOperations.SHIPPING_SCHEDULE, (request, context) -> {
          Shipment shipment = schedule(request.getOrderId());
          LOGGER.debug("{} shipment {} scheduled", context.logTag(), shipment.getShipmentId());
          return Future.succeededFuture(shipment);
        }),
        switchboard.serve(CheckoutOperations.SHIPPING_CANCEL, (request, context) -> {
          boolean wasScheduled = cancel(request.getOrderId());
          LOGGER.debug("{} shipment cancelled (was scheduled: {})", context.logTag(), wasScheduled);
          return Future.succeededFuture(ShipmentCancellation.newBuilder().setOrderId(request.getOrderId())
              .setCancelled(wasScheduled).build());
        }));
  }

  private synchronized Shipment schedule(String orderId) {
    if (cancelled.contains(orderId)) {
      throw new OperationException(ErrorCode.FAILED_PRECONDITION,
          "shipment of order " + orderId + " was already cancelled; scheduling refused");
    }
    return shipments.computeIfAbsent(orderId, order -> Shipment.newBuilder()
        .setOrderId(order).setShipmentId(UUID.randomUUID().toString()).build());
  }

  private synchronized boolean cancel(String orderId) {
    cancelled.add(orderId);
    return shipments.remove(orderId) != null;
  }

  /** Shipments scheduled and not cancelled. */
  public synchronized int shipmentCount() {
    return shipments.size();
  }
}
