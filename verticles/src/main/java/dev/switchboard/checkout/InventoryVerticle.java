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
        switchboard.serve(CheckoutOperations.INVENTORY_RESERVE, (request, context, store) -> {
          var reserved = ledger.reserve(store, request.getOrderId(), request.getItemsList());
          LOGGER.debug("{} reserved {}", context.logTag(), reserved);
          StockReservation.Builder reply = StockReservation.newBuilder().setOrderId(request.getOrderId());
          reserved.forEach((sku, units) -> reply.addItems(LineItem.newBuilder().setSku(sku).setQuantity(units.intValue())));
          return reply.build();
        }),
        switchboard.serve(CheckoutOperations.INVENTORY_RELEASE, (request, context, store) -> {
          long units = ledger.release(store, request.getOrderId());
          LOGGER.debug("{} released {} units", context.logTag(), units);
          return StockRelease.newBuilder().setOrderId(request.getOrderId()).setUnitsReleased(units).build();
        }),
        switchboard.serve(CheckoutOperations.INVENTORY_ORDER_EVENTS, (event, context, store) -> {
          // it takes OrderConfirmed only, but an event without a type (from outside, or kept from before
          // types were stamped) reaches every subscriber: the kind is checked here all the same
          if (event.getKindCase() == OrderEvent.KindCase.CONFIRMED && ledger.commit(store, event.getOrderId())) {
            LOGGER.debug("{} reservation of confirmed order sold", context.logTag());
          }
          return EventAck.newBuilder().setEventId(event.getEventId()).build();
        }));
  }
}
