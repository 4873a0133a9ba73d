package dev.switchboard.checkout;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.switchboard.checkout.v1.Order;
import dev.switchboard.checkout.v1.OrderStatus;
import dev.switchboard.checkout.v1.PlaceOrderRequest;
import dev.switchboard.platform.ErrorCode;
import dev.switchboard.platform.OperationException;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The orders: accepted once per idempotency key, terminal exactly once. Every change is announced
 * on the local event bus ({@code checkout.order.<id>}) for whoever watches the order.
 */
public final class OrderBook {

  /** The order, and whether this request created it (false: a retry got the earlier order). */
  public record Acceptance(Order order, boolean created) {
  }

  private final Vertx vertx;
  private final Map<String, Order> orders = new HashMap<>();
  private final Map<String, String> byIdempotencyKey = new HashMap<>();
  private final java.util.Set<String> checkoutStarted = new java.util.HashSet<>();

  public OrderBook(Vertx vertx) {
    this.vertx = vertx;
  }

  static String address(String orderId) {
    return "checkout.order." + orderId;
  }

  /** Accepts a valid request as a PENDING order, or returns the order placed earlier with the same key. */
  public Future<Acceptance> accept(PlaceOrderRequest request, String correlationId) {
    Acceptance acceptance;
    synchronized (this) {
      String key = request.getIdempotencyKey();
      String existingId = key.isEmpty() ? null : byIdempotencyKey.get(key);
      if (existingId != null) {
        Order existing = orders.get(existingId);
        if (!existing.getCustomerId().equals(request.getCustomerId())
            || !existing.getItemsList().equals(request.getItemsList())) {
          return Future.failedFuture(new OperationException(ErrorCode.ALREADY_EXISTS,
              "idempotency_key '" + key + "' was used for a different order (" + existingId + ")"));
        }
        acceptance = new Acceptance(existing, false);
      } else {
        Order order = Order.newBuilder()
            .setOrderId(UUID.randomUUID().toString())
            .setStatus(OrderStatus.ORDER_STATUS_PENDING)
            .setCustomerId(request.getCustomerId())
            .addAllItems(request.getItemsList())
            .setTotalCents(OrderValidation.totalCents(request.getItemsList()))
            .setCorrelationId(correlationId)
            .setIdempotencyKey(key)
            .setAcceptedAtMs(System.currentTimeMillis())
            .build();
        orders.put(order.getOrderId(), order);
        if (!key.isEmpty()) {
          byIdempotencyKey.put(key, order.getOrderId());
        }
        acceptance = new Acceptance(order, true);
      }
    }
    if (acceptance.created()) {
      announce(acceptance.order());
    }
    return Future.succeededFuture(acceptance);
  }

  /**
   * Claims the order for its checkout: true while it is PENDING (the first claim and any later one);
   * false once it is terminal. Atomic with {@link #rejectUnlessCheckoutStarted}, so an order is never
   * both rejected for not starting and checked out.
   */
  public synchronized boolean claimCheckout(String orderId) {
    Order order = orders.get(orderId);
    if (order == null || isTerminal(order)) {
      return false;
    }
    checkoutStarted.add(orderId);
    return true;
  }

  /**
   * Rejects the order unless its checkout has been claimed (then the checkout will end it): completes
   * with the rejected order, or empty when it was left to its checkout.
   */
  public Future<Optional<Order>> rejectUnlessCheckoutStarted(String orderId, String reason) {
    return transition(orderId, OrderStatus.ORDER_STATUS_REJECTED, reason, true);
  }

  public synchronized Future<Optional<Order>> get(String orderId) {
    return Future.succeededFuture(Optional.ofNullable(orders.get(orderId)));
  }

  /**
   * Moves the order to its terminal status. The first terminal status wins; a second one is
   * refused, so an order ends in exactly one terminal state.
   */
  public Future<Order> complete(String orderId, OrderStatus status, String reason) {
    return transition(orderId, status, reason, false).map(Optional::orElseThrow);
  }

  private Future<Optional<Order>> transition(String orderId, OrderStatus status, String reason,
                                             boolean onlyUnclaimed) {
    Order updated;
    synchronized (this) {
      Order current = orders.get(orderId);
      if (current == null) {
        return Future.failedFuture(new OperationException(ErrorCode.NOT_FOUND, "no order " + orderId));
      }
      if (onlyUnclaimed && checkoutStarted.contains(orderId)) {
        return Future.succeededFuture(Optional.empty());
      }
      if (isTerminal(current)) {
        return Future.failedFuture(new IllegalStateException("order " + orderId + " is already "
            + current.getStatus() + "; refusing " + status));
      }
      updated = current.toBuilder().setStatus(status).setReason(reason)
          .setCompletedAtMs(System.currentTimeMillis()).build();
      orders.put(orderId, updated);
    }
    announce(updated);
    return Future.succeededFuture(Optional.of(updated));
  }

  /** Follows the order: {@code handler} gets every change after this call. Unregister when done. */
  public MessageConsumer<Buffer> watch(String orderId, Handler<Order> handler) {
    return vertx.eventBus().<Buffer>localConsumer(address(orderId), message -> handler.handle(parse(message.body())));
  }

  /** Completes when the order reaches a terminal status (at once if it has). */
  public Future<Order> awaitTerminal(String orderId) {
    Promise<Order> terminal = Promise.promise();
    MessageConsumer<Buffer> consumer = watch(orderId, order -> {
      if (isTerminal(order)) {
        terminal.tryComplete(order);
      }
    });
    get(orderId).onSuccess(current -> current.filter(OrderBook::isTerminal).ifPresent(terminal::tryComplete));
    return terminal.future().onComplete(done -> consumer.unregister());
  }

  public synchronized List<Order> all() {
    return new ArrayList<>(orders.values());
  }

  public static boolean isTerminal(Order order) {
    return order.getStatus() == OrderStatus.ORDER_STATUS_CONFIRMED
        || order.getStatus() == OrderStatus.ORDER_STATUS_REJECTED;
  }

  private void announce(Order order) {
    vertx.eventBus().publish(address(order.getOrderId()), Buffer.buffer(order.toByteArray()));
  }

  private static Order parse(Buffer body) {
    try {
      return Order.parseFrom(body.getBytes());
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("order update cannot be decoded", e);
    }
  }
}
