package dev.switchboard.checkout;

import dev.switchboard.checkout.v1.Shipment;
import dev.switchboard.checkout.v1.ShipmentCancellation;
import dev.switchboard.platform.Switchboard;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;


/** Serves shipping.schedule and its compensation shipping.cancel, each idempotent per order. */
public final class ShippingVerticle extends VerticleBase {

  private static final Logger LOGGER = LoggerFactory.getLogger(ShippingVerticle.class);

  private final Switchboard switchboard;
  private final ShipmentBook shipments;

  public ShippingVerticle(Switchboard switchboard, ShipmentBook shipments) {
    this.switchboard = switchboard;
    this.shipments = shipments;
  }

  @Override
  public Future<?> start() {
    return Future.all(
        switchboard.serve(CheckoutOperations.SHIPPING_SCHEDULE, (request, context, store) -> {
          Shipment shipment = shipments.schedule(store, request.getOrderId());
          LOGGER.debug("{} shipment {} scheduled", context.logTag(), shipment.getShipmentId());
          return shipment;
        }),
        switchboard.serve(CheckoutOperations.SHIPPING_CANCEL, (request, context, store) -> {
          boolean wasScheduled = shipments.cancel(store, request.getOrderId());
          LOGGER.debug("{} shipment cancelled (was scheduled: {})", context.logTag(), wasScheduled);
          return ShipmentCancellation.newBuilder().setOrderId(request.getOrderId()).setCancelled(wasScheduled).build();
        }));
  }
}
