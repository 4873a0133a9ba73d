package dev.switchboard.testing;

import dev.switchboard.checkout.v1.LineItem;
import dev.switchboard.checkout.v1.Order;
import dev.switchboard.checkout.v1.OrderStatus;
import dev.switchboard.checkout.v1.PlaceOrderRequest;
import dev.switchboard.checkout.v1.PlaceOrderResponse;
import dev.switchboard.node.Blocking;
import dev.switchboard.experiment.CheckoutGrpcClient;

import java.util.List;
import java.util.UUID;

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

  public static Placed placeAndFollow(CheckoutGrpcClient client, PlaceOrderRequest request) {
    PlaceOrderResponse answer = Blocking.await(client.placeOrder(request, "test-" + UUID.randomUUID()));
    if (answer.getStatus() == OrderStatus.ORDER_STATUS_PENDING) {
      List<Order> watched = Blocking.await(client.watchOrder(answer.getOrderId(), update -> { }));
      return new Placed(answer, watched.get(watched.size() - 1), watched);
    }
    return new Placed(answer, Blocking.await(client.getOrder(answer.getOrderId())), List.of());
  }
}
