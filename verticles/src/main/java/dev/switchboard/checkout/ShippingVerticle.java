package dev.switchboard.checkout;

import dev.switchboard.checkout.v1.Shipment;
import dev.switchboard.platform.Switchboard;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/** Serves shipping.schedule, idempotent per order. */
public final class ShippingVerticle extends VerticleBase {

  private static final Logger LOGGER = LoggerFactory.getLogger(ShippingVerticle.class);

  private final Switchboard switchboard;
  private final Map<String, Shipment> shipments = new ConcurrentHashMap<>();

  public ShippingVerticle(Switchboard switchboard) {
    this.switchboard = switchboard;
  }

  @Override
  public Future<?> start() {
    return switchboard.serve(CheckoutOperations.SHIPPING_SCHEDULE, (request, context) -> {
      Shipment shipment = shipments.computeIfAbsent(request.getOrderId(), order -> Shipment.newBuilder()
          .setOrderId(order).setShipmentId(UUID.randomUUID().toString()).build());
      LOGGER.debug("{} shipment {} scheduled", context.logTag(), shipment.getShipmentId());
      return Future.succeededFuture(shipment);
    });
  }

  public int shipmentCount() {
    return shipments.size();
  }
}
