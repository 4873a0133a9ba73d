package dev.switchboard.testing;

import dev.switchboard.checkout.OrderBook;
import dev.switchboard.checkout.v1.LineItem;
import dev.switchboard.checkout.v1.Order;
import dev.switchboard.checkout.v1.OrderStatus;
import dev.switchboard.checkout.v1.PlaceOrderRequest;
import dev.switchboard.checkout.v1.PlaceOrderResponse;
import dev.switchboard.node.Blocking;
import dev.switchboard.experiment.CheckoutGrpcClient;
import dev.switchboard.experiment.GrpcCallException;
import io.vertx.core.Future;
import io.vertx.grpc.common.GrpcStatus;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/** Builds orders and follows them to their terminal state the way an outside client does. */
public final class Orders {

  private Orders() {
  }

  public static PlaceOrderRequest order(String sku, int quantity, long unitPriceCents) {
    return PlaceOrderRequest.newBuilder()
        .setCustomerId("customer-1")
        .addItems(LineItem.newBuilder().setSku(sku).setQuantity(quantity).setUnitPriceCents(unitPriceCents))
        .setIdempotencyKey(UUID.randomUUID().toString())
        .build();
  }

  /** The answer of PlaceOrder and the order's terminal state (followed with WatchOrder when PENDING). */
  public record Placed(PlaceOrderResponse answer, Order terminal, List<Order> watched) {
  }

  /**
   * The order a PlaceOrder answer leads to: the answer itself when terminal (rpc mode), else the last
   * state WatchOrder sends on the same client.
   */
  public static Future<Order> follow(CheckoutGrpcClient client, PlaceOrderResponse answer) {
    if (answer.getStatus() != OrderStatus.ORDER_STATUS_PENDING) {
      return Future.succeededFuture(Order.newBuilder().setOrderId(answer.getOrderId())
          .setStatus(answer.getStatus()).setReason(answer.getReason()).build());
    }
    return client.watchOrder(answer.getOrderId(), update -> { }).map(updates -> updates.get(updates.size() - 1));
  }

  /** How long {@link #placeAndFollow} waits for each answer: far beyond a healthy checkout, well within a test's timeout. */
  public static final Duration FOLLOW_WITHIN = Duration.ofSeconds(60);

  /**
   * Places the order and follows it to its terminal state, waiting at most {@link #FOLLOW_WITHIN} for
   * each answer. Past that it fails naming the order, the last state WatchOrder sent and the state
   * GetOrder reads now, which tells an order stuck in the checkout from a watch that missed its end.
   */
  public static Placed placeAndFollow(CheckoutGrpcClient client, PlaceOrderRequest request) {
    PlaceOrderResponse answer = Blocking.await(client.placeOrder(request, "test-" + UUID.randomUUID()),
        FOLLOW_WITHIN.toMillis(), () -> new IllegalStateException("PlaceOrder (idempotency key "
            + request.getIdempotencyKey() + ") not answered within " + FOLLOW_WITHIN.toSeconds() + " s"));
    String orderId = answer.getOrderId();
    if (answer.getStatus() == OrderStatus.ORDER_STATUS_PENDING) {
      List<Order> seen = new CopyOnWriteArrayList<>();
      List<Order> watched = Blocking.await(client.watchOrder(orderId, seen::add), FOLLOW_WITHIN.toMillis(),
          () -> new IllegalStateException("order " + orderId + " did not end within " + FOLLOW_WITHIN.toSeconds()
              + " s: WatchOrder sent " + (seen.isEmpty() ? "nothing"
              : seen.stream().map(order -> order.getStatus().name()).toList() + ", last " + describe(seen.get(seen.size() - 1)))
              + "; GetOrder reads " + current(client, orderId)));
      return new Placed(answer, watched.get(watched.size() - 1), watched);
    }
    return new Placed(answer, Blocking.await(client.getOrder(orderId), FOLLOW_WITHIN.toMillis(),
        () -> new IllegalStateException("GetOrder " + orderId + " not answered within " + FOLLOW_WITHIN.toSeconds()
            + " s")), List.of());
  }

  /** The order's state as GetOrder answers it now, for a failure message (never throws). */
  private static String current(CheckoutGrpcClient client, String orderId) {
    try {
      return describe(Blocking.await(client.getOrder(orderId), 5_000,
          () -> new IllegalStateException("no answer within 5 s")));
    } catch (RuntimeException e) {
      return "nothing (" + e.getMessage() + ")";
    }
  }

  private static String describe(Order order) {
    return order.getStatus().name() + (order.getReason().isEmpty() ? "" : " (" + order.getReason() + ")");
  }

  /**
   * Places an order and returns it once it has ended, as a client of a replicated deployment does: while
   * PlaceOrder answers that the order is still pending (DEADLINE_EXCEEDED after orders.place's
   * timeoutMs), it places again with the same idempotency key (the same order, answered at once when
   * it has ended); answered PENDING, it reads the order with GetOrder until it ends. Asserts the
   * outcome, never how long it took; fails if the order has not ended {@code within}.
   */
  public static Order placeUntilEnded(CheckoutGrpcClient client, PlaceOrderRequest request, Duration within) {
    long deadline = System.nanoTime() + within.toNanos();
    String correlationId = "test-" + UUID.randomUUID();
    PlaceOrderResponse answer = null;
    while (answer == null) {
      try {
        answer = Blocking.await(client.placeOrder(request, correlationId), leftMs(deadline),
            () -> new IllegalStateException("PlaceOrder unanswered within " + within.toMillis() + " ms"));
      } catch (GrpcCallException stillPending) {
        if (stillPending.status() != GrpcStatus.DEADLINE_EXCEEDED || leftMs(deadline) == 0) {
          throw stillPending;
        }
      }
    }
    String orderId = answer.getOrderId();
    Order[] last = {null};
    Eventually.holds("order " + orderId + " ends", Duration.ofMillis(leftMs(deadline)), Duration.ofMillis(200), () -> {
      last[0] = Blocking.await(client.getOrder(orderId));
      return OrderBook.isTerminal(last[0]);
    });
    return last[0];
  }

  private static long leftMs(long deadlineNanos) {
    return Math.max(0, (deadlineNanos - System.nanoTime()) / 1_000_000);
  }
}
