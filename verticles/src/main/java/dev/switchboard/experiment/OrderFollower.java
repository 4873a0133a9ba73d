package dev.switchboard.experiment;

import dev.switchboard.checkout.v1.Order;
import dev.switchboard.checkout.v1.OrderStatus;
import dev.switchboard.checkout.v1.PlaceOrderRequest;
import dev.switchboard.checkout.v1.PlaceOrderResponse;
import io.vertx.core.Vertx;

import java.util.function.BooleanSupplier;

/**
 * Places one order and follows it to its terminal state, as an outside client does. PlaceOrder
 * answers the terminal status (rpc mode) or PENDING (event mode, or a call degraded to an event); a
 * PENDING order is followed with WatchOrder on the watcher's connections, so that thousands of open
 * watches do not hold PlaceOrder calls back, and, if the stream breaks or ends before a terminal
 * state, with GetOrder every {@value #POLL_MS} ms: the order goes on whatever happened to the stream.
 * Callbacks run on the context the order was placed from.
 */
final class OrderFollower {

  /** What became of one order; {@link #ended} comes at most once. */
  interface Listener {
    /** PlaceOrder answered: the terminal status in rpc mode, PENDING otherwise. */
    void answered(PlaceOrderResponse response);

    /** The order is CONFIRMED or REJECTED. */
    void ended(Order order);

    /** PlaceOrder failed: no order id came back (a {@link GrpcCallException}, or the connection's failure). */
    void failed(Throwable failure);
  }

  /** How often an order whose watch broke is read again. */
  static final long POLL_MS = 200;

  private final Vertx vertx;
  private final BooleanSupplier over;

  /** @param over true once the run stops following orders: polling stops with it */
  OrderFollower(Vertx vertx, BooleanSupplier over) {
    this.vertx = vertx;
    this.over = over;
  }

  /** Places {@code request} on {@code placer} (with a deadline unless {@code deadlineMs} is 0), follows it on {@code watcher}. */
  void place(CheckoutGrpcClient placer, CheckoutGrpcClient watcher, PlaceOrderRequest request, String correlationId,
             long deadlineMs, Listener listener) {
    placer.placeOrder(request, correlationId, deadlineMs).onComplete(answer -> {
      if (answer.failed()) {
        listener.failed(answer.cause());
        return;
      }
      PlaceOrderResponse response = answer.result();
      listener.answered(response);
      if (response.getStatus() == OrderStatus.ORDER_STATUS_PENDING) {
        new Following(watcher, response.getOrderId(), listener).watch();
      } else {
        listener.ended(Order.newBuilder().setOrderId(response.getOrderId()).setStatus(response.getStatus())
            .setReason(response.getReason()).setCustomerId(request.getCustomerId())
            .addAllItems(request.getItemsList()).build());
      }
    });
  }

  static boolean isTerminal(OrderStatus status) {
    return status == OrderStatus.ORDER_STATUS_CONFIRMED || status == OrderStatus.ORDER_STATUS_REJECTED;
  }

  /** One PENDING order, watched until it ends. */
  private final class Following {
    private final CheckoutGrpcClient watcher;
    private final String orderId;
    private final Listener listener;
    private boolean ended;

    Following(CheckoutGrpcClient watcher, String orderId, Listener listener) {
      this.watcher = watcher;
      this.orderId = orderId;
      this.listener = listener;
    }

    void watch() {
      watcher.watchOrder(orderId, update -> {
        if (isTerminal(update.getStatus())) {
          end(update);
        }
      }).onComplete(closed -> poll());
    }

    private void poll() {
      if (ended || over.getAsBoolean()) {
        return;
      }
      watcher.getOrder(orderId).onComplete(read -> {
        if (read.succeeded() && isTerminal(read.result().getStatus())) {
          end(read.result());
        } else {
          vertx.setTimer(POLL_MS, again -> poll());
        }
      });
    }

    private void end(Order order) {
      if (!ended) {
        ended = true;
        listener.ended(order);
      }
    }
  }
}
