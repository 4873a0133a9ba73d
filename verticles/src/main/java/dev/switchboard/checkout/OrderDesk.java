package dev.switchboard.checkout;

import dev.switchboard.checkout.v1.Order;
import dev.switchboard.checkout.v1.OrderStatus;
import dev.switchboard.checkout.v1.PlaceOrderRequest;
import dev.switchboard.checkout.v1.PlaceOrderResponse;
import dev.switchboard.checkout.v1.StockLevel;
import dev.switchboard.platform.CallContext;
import dev.switchboard.platform.ErrorCode;
import dev.switchboard.platform.LogSafe;
import dev.switchboard.platform.OperationException;
import dev.switchboard.platform.OperationResult;
import dev.switchboard.platform.Switchboard;
import io.vertx.core.Future;
import io.vertx.core.Handler;

import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the edges call: place an order, read it, watch it, read stock. Placing validates the request,
 * accepts the order (idempotent per key), announces OrderPlaced and invokes {@code orders.place};
 * the answer is the terminal status when that operation completes (rpc mode) or PENDING when it is
 * accepted (event mode). The desk never asks which.
 */
public final class OrderDesk {

  private static final Logger LOGGER = LoggerFactory.getLogger(OrderDesk.class);
  /** How many unplaced orders one replica claims at a time. */
  private static final int UNPLACED_BATCH = 500;

  private final Switchboard switchboard;
  private final OrderBook orders;
  private final OrderEvents events;
  private final StockLedger stock;

  OrderDesk(Switchboard switchboard, OrderBook orders, OrderEvents events, StockLedger stock) {
    this.switchboard = switchboard;
    this.orders = orders;
    this.events = events;
    this.stock = stock;
  }

  /**
   * Places an order. Fails with INVALID_ARGUMENT (naming the field) before anything is stored, with
   * ALREADY_EXISTS when the idempotency key was used for another order, with DEADLINE_EXCEEDED when
   * the checkout did not answer in time (the order goes on and can be followed).
   */
  public Future<PlaceOrderResponse> place(PlaceOrderRequest request, CallContext context) {
    try {
      OrderValidation.validate(request);
    } catch (OperationException invalid) {
      return Future.failedFuture(invalid);
    }
    return orders.accept(request, context.correlationId()).compose(acceptance -> {
      Order order = acceptance.order();
      CallContext orderContext = context.withAggregate(order.getOrderId());
      if (acceptance.created()) {
        LOGGER.debug("{} order accepted: {} items, {} cents", orderContext.logTag(), order.getItemsCount(),
            order.getTotalCents());
      } else {
        LOGGER.debug("{} retry of order with idempotency key {}", orderContext.logTag(),
            LogSafe.quote(order.getIdempotencyKey()));
        if (OrderBook.isTerminal(order)) {
          return Future.succeededFuture(response(order));
        }
      }
      Future<Void> announced = acceptance.created() ? events.placed(order, orderContext) : Future.succeededFuture();
      return announced.compose(done -> checkout(order, orderContext));
    });
  }

  /**
   * Invokes orders.place for the order. Its message id is derived from the order, so placing the
   * same order again (a client's retry, a restart) is a duplicate to the consumer, not a second checkout.
   */
  private Future<PlaceOrderResponse> checkout(Order order, CallContext orderContext) {
    return switchboard.invoke(CheckoutOperations.ORDERS_PLACE, order, orderContext, placeMessageId(order))
        .map(invocation -> invocation.reply().orElseGet(() -> response(order)))
        .recover(failure -> notPlaced(order, OperationException.from(CheckoutOperations.ORDERS_PLACE.name(), failure),
            orderContext));
  }

  /** The message id of an order's orders.place: the same every time, so a second one is a duplicate. */
  private static String placeMessageId(Order order) {
    return order.getOrderId() + "/place";
  }

  /**
   * After a restart: every accepted order still pending is announced and placed again, so that it
   * ends even if its checkout never started (the process stopped between accepting it and starting
   * the saga). One whose checkout runs is not checked out twice: the saga exists, and orders.place
   * waits for it. On a store shared by replicas this is {@link #placeUnplaced} instead: the pending
   * orders of live replicas are theirs.
   */
  public Future<Integer> resumePending() {
    if (switchboard.store().postgres()) {
      return placeUnplaced();
    }
    return orders.pending().map(this::placeAgain);
  }

  /**
   * On a store shared by replicas, run every {@code saga.stallAfterMs}: the orders accepted longer
   * ago than that whose checkout has not started (a replica died between accepting and placing
   * them) are claimed by one replica and placed again. An order still queued as an orders.place
   * command may be placed twice; the second is a duplicate to the consumer.
   */
  public Future<Integer> placeUnplaced() {
    long stallAfterMs = switchboard.config().sagaStallAfterMs();
    return orders.claimUnplaced(System.currentTimeMillis() - stallAfterMs, stallAfterMs, UNPLACED_BATCH)
        .map(this::placeAgain);
  }

  private int placeAgain(List<Order> pending) {
    for (Order order : pending) {
      CallContext context = CallContext.begin(order.getCorrelationId()).withAggregate(order.getOrderId());
      LOGGER.debug("{} accepted order still pending: placing it again", context.logTag());
      events.placed(order, context)
          .compose(announced -> checkout(order, context))
          .onFailure(failure -> LOGGER.warn("{} order not placed again: {}", context.logTag(), failure.getMessage()));
    }
    return pending.size();
  }

  /**
   * orders.place failed when invoked. A deadline leaves the outcome open: the checkout may be
   * running, so the order stays and the caller is told to follow it. Any other failure means the
   * checkout did not start.
   */
  private Future<PlaceOrderResponse> notPlaced(Order order, OperationException failure, CallContext context) {
    if (failure.code() == ErrorCode.DEADLINE_EXCEEDED && context.deadlineMs() > 0) {
      // The client's deadline passed: the checkout may be running, or may have been refused before it
      // started. Place the order again without the deadline (a running checkout is not started
      // twice), so that it ends either way; the client is told it is still pending.
      switchboard.invoke(CheckoutOperations.ORDERS_PLACE, order, context.withDeadline(0), placeMessageId(order))
          .onFailure(again -> LOGGER.warn("{} order not placed again after the deadline: {}", context.logTag(),
              again.getMessage()));
    }
    if (failure.code() == ErrorCode.DEADLINE_EXCEEDED && failure.outcomeUncertain()) {
      return Future.failedFuture(new OperationException(ErrorCode.DEADLINE_EXCEEDED,
          "order " + order.getOrderId() + " is still pending: " + failure.getMessage()));
    }
    return rejectUnlessStarted(order.getOrderId(), failure.getMessage(), context);
  }

  /**
   * The result event of an orders.place command. A failure there (the handler was down or
   * failed before starting the checkout) would leave the order PENDING for ever: reject it.
   */
  void placeResult(OperationResult<PlaceOrderResponse> result) {
    if (!result.succeeded() && !result.context().aggregateId().isEmpty()) {
      rejectUnlessStarted(result.context().aggregateId(), result.failure().getMessage(), result.context())
          .onFailure(failure -> LOGGER.error("{} could not reject the order: {}", result.context().logTag(),
              failure.getMessage()));
    }
  }

  /** Rejects the order, so that it still ends terminal, unless its checkout has started and will end it. */
  private Future<PlaceOrderResponse> rejectUnlessStarted(String orderId, String reason, CallContext context) {
    return orders.rejectUnlessCheckoutStarted(orderId, reason).compose(rejected -> {
      if (rejected.isEmpty()) {
        return get(orderId).map(OrderDesk::response);
      }
      LOGGER.warn("{} checkout could not start, order rejected: {}", context.logTag(), reason);
      return events.rejected(rejected.get(), reason, context).map(response(rejected.get()));
    });
  }

  public Future<Order> get(String orderId) {
    return orders.get(orderId).compose(found -> found
        .map(Future::succeededFuture)
        .orElseGet(() -> Future.failedFuture(new OperationException(ErrorCode.NOT_FOUND, "no order " + orderId))));
  }

  /**
   * Follows an order: {@code handler} gets its current state, then every change. Fails with
   * NOT_FOUND for an unknown id. The returned consumer must be unregistered by the caller.
   */
  public Future<OrderBook.Watch> watch(String orderId, Handler<Order> handler) {
    OrderBook.Watch watch = orders.watch(orderId, handler);
    return get(orderId)
        .onSuccess(handler::handle)
        .map(current -> watch)
        .onFailure(missing -> watch.stop());
  }

  public Future<StockLevel> stock(String sku) {
    return stock.level(sku);
  }

  static PlaceOrderResponse response(Order order) {
    return PlaceOrderResponse.newBuilder().setOrderId(order.getOrderId()).setStatus(order.getStatus())
        .setReason(order.getReason()).build();
  }
}
