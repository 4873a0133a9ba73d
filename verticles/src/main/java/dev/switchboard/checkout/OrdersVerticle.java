package dev.switchboard.checkout;

import dev.switchboard.checkout.v1.CheckoutSagaData;
import dev.switchboard.checkout.v1.Order;
import dev.switchboard.platform.Switchboard;
import dev.switchboard.platform.saga.SagaDefinition;
import dev.switchboard.platform.saga.SagaEngine;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves orders.place: starts the checkout saga of an accepted order (once, however often it is
 * asked) and replies with the order's terminal status.
 */
public final class OrdersVerticle extends VerticleBase {

  private static final Logger LOGGER = LoggerFactory.getLogger(OrdersVerticle.class);

  private final Switchboard switchboard;
  private final SagaEngine sagas;
  private final SagaDefinition<CheckoutSagaData> checkout;
  private final OrderBook orders;
  private final OrderDesk desk;

  OrdersVerticle(Switchboard switchboard, SagaEngine sagas, OrderBook orders, OrderEvents events, OrderDesk desk) {
    this.switchboard = switchboard;
    this.desk = desk;
    this.sagas = sagas;
    this.orders = orders;
    this.checkout = CheckoutSaga.definition(orders, events);
  }

  /**
   * On a store shared by replicas, places again now and then the orders a dead replica accepted
   * and never placed (see {@link OrderDesk#placeUnplaced}); the timer ends with this verticle.
   */
  private void sweepUnplaced() {
    if (!switchboard.store().postgres()) {
      return;
    }
    vertx.setPeriodic(switchboard.config().sagaSweepEveryMs(), tick -> desk.placeUnplaced()
        .onSuccess(placed -> {
          if (placed > 0) {
            LOGGER.info("placed again {} accepted orders whose checkout never started", placed);
          }
        })
        .onFailure(failure -> LOGGER.warn("accepted orders not placed again: {}", failure.getMessage())));
  }

  @Override
  public Future<?> stop() {
    sagas.stop();
    return Future.succeededFuture();
  }

  @Override
  public Future<?> start() {
    return sagas.register(checkout)
        .compose(registered -> switchboard.serve(CheckoutOperations.ORDERS_PLACE, (order, context) -> {
          // followed before its checkout is claimed: every end after the claim is seen without a read
          OrderBook.Ending ending = orders.followToEnd(order.getOrderId());
          return orders.claimCheckout(order.getOrderId()).compose(claimed -> {
            if (!claimed) {
              // rejected before its checkout could start (the command came late): nothing to do
              return orders.get(order.getOrderId()).map(current -> OrderDesk.response(current.orElse(order)));
            }
            LOGGER.debug("{} checkout of order {} starting", context.logTag(), order.getOrderId());
            return sagas.start(checkout, order.getOrderId(), CheckoutSagaData.newBuilder().setOrder(order).build(),
                    context.withAggregate(order.getOrderId()))
                // bounded: an order whose checkout takes longer is answered PENDING (and followed), so a
                // stalled checkout does not hold a consumer slot for ever
                .compose(started -> ending.await(switchboard.settings(CheckoutOperations.ORDERS_PLACE).timeoutMs()))
                .map(OrderDesk::response);
          }).onComplete(done -> ending.stop());
        }))
        // the desk invokes orders.place; in event mode a failed command comes back as a result event
        .compose(serving -> switchboard.onResult(CheckoutOperations.ORDERS_PLACE, desk::placeResult))
        .compose(listening -> sagas.resumeUnfinished())
        .onSuccess(resumed -> {
          if (resumed > 0) {
            LOGGER.info("resumed {} unfinished checkouts", resumed);
          }
        })
        .compose(resumed -> desk.resumePending())
        .onSuccess(pending -> sagas.startSweeper())
        .onSuccess(pending -> sweepUnplaced())
        .onSuccess(pending -> {
          if (pending > 0) {
            LOGGER.info("placed again {} accepted orders still pending (a running checkout is not started twice)",
                pending);
          }
        });
  }
}
