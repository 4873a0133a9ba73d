package dev.switchboard.checkout;

import dev.switchboard.checkout.v1.EventAck;
import dev.switchboard.checkout.v1.LineItem;
import dev.switchboard.checkout.v1.OrderEvent;
import dev.switchboard.checkout.v1.StockRelease;
import dev.switchboard.checkout.v1.StockReservation;
import dev.switchboard.platform.Switchboard;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Serves inventory.reserve, inventory.release, and turns reservations of confirmed orders into sales. */
public final class InventoryVerticle extends VerticleBase {

  private static final Logger LOGGER = LoggerFactory.getLogger(InventoryVerticle.class);

  private final Switchboard switchboard;
  private final StockLedger ledger;

  public InventoryVerticle(Switchboard switchboard, StockLedger ledger) {
    this.switchboard = switchboard;
    this.ledger = ledger;
  }

  @Override
  public Future<?> start() {
    return Future.all(
        switchboard.serve(CheckoutOperations.INVENTORY_RESERVE, (request, context) -> {
          var reserved = ledger.reserve(request.getOrderId(), request.getItemsList());
          LOGGER.debug("{} reserved {}", context.logTag(), reserved);
          StockReservation.Builder reply = StockReservation.newBuilder().setOrderId(request.getOrderId());
          reserved.forEach((sku, units) -> reply.addItems(LineItem.newBuilder().setSku(sku).setQuantity(units.intValue())));
          return Future.succeededFuture(reply.build());
        }),
        switchboard.serve(CheckoutOperations.INVENTORY_RELEASE, (request, context) -> {
          long units = ledger.release(request.getOrderId());
          LOGGER.debug("{} released {} units", context.logTag(), units);
          return Future.succeededFuture(StockRelease.newBuilder()
              .setOrderId(request.getOrderId()).setUnitsReleased(units).build());
        }),
        switchboard.serve(CheckoutOperations.INVENTORY_ORDER_EVENTS, (event, context) -> {
          if (event.getKindCase() == OrderEvent.KindCase.CONFIRMED && ledger.commit(event.getOrderId())) {
            LOGGER.debug("{} reservation of confirmed order sold", context.logTag());
          }
          return Future.succeededFuture(EventAck.newBuilder().setEventId(event.getEventId()).build());
        }));
  }
}
