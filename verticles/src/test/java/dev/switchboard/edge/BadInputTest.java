package dev.switchboard.edge;

import dev.switchboard.node.Blocking;

import dev.switchboard.node.SwitchboardNode;

import dev.switchboard.checkout.v1.LineItem;
import dev.switchboard.checkout.v1.OrderStatus;
import dev.switchboard.checkout.v1.PlaceOrderRequest;
import dev.switchboard.checkout.v1.PlaceOrderResponse;
import dev.switchboard.checkout.v1.StockLevel;
import dev.switchboard.experiment.CheckoutGrpcClient;
import dev.switchboard.experiment.GrpcCallException;
import dev.switchboard.testing.Eventually;
import dev.switchboard.testing.Orders;
import dev.switchboard.testing.RunningNode;
import io.vertx.core.Future;
import io.vertx.grpc.common.GrpcStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static dev.switchboard.testing.TestNodes.APPLE;
import static dev.switchboard.testing.TestNodes.APPLE_STOCK;
import static dev.switchboard.testing.TestNodes.CHERRY;
import static dev.switchboard.testing.TestNodes.CHERRY_STOCK;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Malformed and conflicting requests through the real gRPC edge: each ends with the gRPC status
 * that says why, a message naming the field, and nothing stored.
 */
@DisplayName("The gRPC edge refuses bad input with a status and a message naming the field")
class BadInputTest {

  private static final Duration SETTLE = Duration.ofSeconds(10);

  private RunningNode running;
  private SwitchboardNode node;
  private CheckoutGrpcClient client;

  @BeforeEach
  void start() {
    running = RunningNode.start(Map.of());
    node = running.node();
    client = running.newClient();
  }

  @AfterEach
  void stop() {
    if (running != null) {
      running.close();
    }
  }

  @Nested
  @DisplayName("PlaceOrder")
  class PlaceOrder {

    /** A valid order of one apple, broken in one way; the field the message must name. */
    static Stream<Arguments> malformedOrders() {
      return Stream.of(
          malformed("without items", "items", order -> order.clearItems()),
          malformed("with an empty SKU", "items[0].sku", order -> order.setItems(0, item("", 1, 100))),
          malformed("with a blank SKU", "items[0].sku", order -> order.setItems(0, item("   ", 1, 100))),
          malformed("with quantity 0", "items[0].quantity", order -> order.setItems(0, item(APPLE, 0, 100))),
          malformed("with a negative quantity", "items[0].quantity",
              order -> order.setItems(0, item(APPLE, -2, 100))),
          malformed("with a negative unit price", "items[0].unit_price_cents",
              order -> order.setItems(0, item(APPLE, 1, -1))),
          malformed("with a bad second item", "items[1].quantity",
              order -> order.addItems(item(CHERRY, 0, 100))),
          malformed("whose total overflows", "items: the order total overflows",
              order -> order.setItems(0, item(APPLE, Integer.MAX_VALUE, Long.MAX_VALUE / 2))),
          malformed("with an empty customer id", "customer_id", order -> order.setCustomerId("")),
          malformed("with a blank customer id", "customer_id", order -> order.setCustomerId(" ")));
    }

    private static Arguments malformed(String description, String field,
                                       UnaryOperator<PlaceOrderRequest.Builder> breakIt) {
      PlaceOrderRequest valid = Orders.order(APPLE, 1, 100);
      return arguments(Named.of(description, breakIt.apply(valid.toBuilder()).build()), field);
    }

    @ParameterizedTest(name = "an order {0} is INVALID_ARGUMENT naming {1}")
    @MethodSource("malformedOrders")
    @DisplayName("a malformed order is refused as INVALID_ARGUMENT naming the field, and nothing is stored")
    void malformedOrderIsRefused(PlaceOrderRequest request, String field) {
      GrpcCallException refused = callFails(client.placeOrder(request, "test-" + UUID.randomUUID()));

      assertThat(refused.status()).isEqualTo(GrpcStatus.INVALID_ARGUMENT);
      assertThat(refused.getMessage()).contains(field);
      assertThat(Blocking.await(node.checkout().orders().all())).as("stored orders").isEmpty();
      assertStock(APPLE, APPLE_STOCK);
      assertStock(CHERRY, CHERRY_STOCK);
      assertThat(Blocking.await(node.checkout().payments().chargeCount())).as("charges").isZero();
    }

    /** A second request with the key of a placed order, differing in one way. */
    static Stream<Arguments> conflictingRetries() {
      return Stream.of(
          arguments(Named.<UnaryOperator<PlaceOrderRequest.Builder>>of("another quantity",
              retry -> retry.setItems(0, item(APPLE, 2, 100)))),
          arguments(Named.<UnaryOperator<PlaceOrderRequest.Builder>>of("another SKU",
              retry -> retry.setItems(0, item(CHERRY, 1, 100)))),
          arguments(Named.<UnaryOperator<PlaceOrderRequest.Builder>>of("another customer",
              retry -> retry.setCustomerId("customer-2"))));
    }

    @ParameterizedTest(name = "same key, {0}")
    @MethodSource("conflictingRetries")
    @DisplayName("an idempotency key reused for a different order is ALREADY_EXISTS and places nothing more")
    void reusedIdempotencyKeyIsRefused(UnaryOperator<PlaceOrderRequest.Builder> change) {
      PlaceOrderRequest first = Orders.order(APPLE, 1, 100);
      PlaceOrderResponse placed = Blocking.await(client.placeOrder(first, "test-" + UUID.randomUUID()));
      assertThat(placed.getStatus()).isEqualTo(OrderStatus.ORDER_STATUS_CONFIRMED);

      GrpcCallException refused = callFails(
          client.placeOrder(change.apply(first.toBuilder()).build(), "test-" + UUID.randomUUID()));

      assertThat(refused.status()).isEqualTo(GrpcStatus.ALREADY_EXISTS);
      assertThat(refused.getMessage()).contains("idempotency_key", first.getIdempotencyKey(), placed.getOrderId());
      assertThat(Blocking.await(node.checkout().orders().all())).as("stored orders").hasSize(1);
      assertStock(APPLE, APPLE_STOCK - 1);
      assertStock(CHERRY, CHERRY_STOCK);
      assertThat(Blocking.await(node.checkout().payments().chargeCount())).as("charges").isEqualTo(1);
    }
  }

  @Nested
  @DisplayName("GetOrder and WatchOrder")
  class OrderLookups {

    /** The two ways to look an order up; both complete with nothing but whether the call succeeded. */
    static Stream<Arguments> lookups() {
      BiFunction<CheckoutGrpcClient, String, Future<?>> getOrder = CheckoutGrpcClient::getOrder;
      BiFunction<CheckoutGrpcClient, String, Future<?>> watchOrder = (client, id) -> client.watchOrder(id, update -> { });
      return Stream.of(arguments(Named.of("GetOrder", getOrder)), arguments(Named.of("WatchOrder", watchOrder)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("lookups")
    @DisplayName("an unknown order id is NOT_FOUND, naming the id")
    void unknownOrder(BiFunction<CheckoutGrpcClient, String, Future<?>> lookup) {
      String unknown = UUID.randomUUID().toString();

      GrpcCallException refused = callFails(lookup.apply(client, unknown));

      assertThat(refused.status()).isEqualTo(GrpcStatus.NOT_FOUND);
      assertThat(refused.getMessage()).contains(unknown);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("lookups")
    @DisplayName("an empty order id is INVALID_ARGUMENT naming order_id")
    void emptyOrderId(BiFunction<CheckoutGrpcClient, String, Future<?>> lookup) {
      GrpcCallException refused = callFails(lookup.apply(client, ""));

      assertThat(refused.status()).isEqualTo(GrpcStatus.INVALID_ARGUMENT);
      assertThat(refused.getMessage()).contains("order_id");
    }
  }

  @Nested
  @DisplayName("GetStock")
  class GetStock {

    @Test
    @DisplayName("an unknown SKU is NOT_FOUND, naming the SKU")
    void unknownSku() {
      GrpcCallException refused = callFails(client.getStock("SKU-DURIAN"));

      assertThat(refused.status()).isEqualTo(GrpcStatus.NOT_FOUND);
      assertThat(refused.getMessage()).contains("SKU-DURIAN");
    }

    @Test
    @DisplayName("an empty SKU is INVALID_ARGUMENT naming sku")
    void emptySku() {
      GrpcCallException refused = callFails(client.getStock(""));

      assertThat(refused.status()).isEqualTo(GrpcStatus.INVALID_ARGUMENT);
      assertThat(refused.getMessage()).contains("sku");
    }
  }

  private static LineItem item(String sku, int quantity, long unitPriceCents) {
    return LineItem.newBuilder().setSku(sku).setQuantity(quantity).setUnitPriceCents(unitPriceCents).build();
  }

  private static GrpcCallException callFails(Future<?> call) {
    Throwable failure = catchThrowable(() -> Blocking.await(call));
    assertThat(failure).as("the call's failure").isInstanceOf(GrpcCallException.class);
    return (GrpcCallException) failure;
  }

  /** A confirmed order's units leave {@code reserved} when its OrderConfirmed event is handled: poll, as a client would. */
  private void assertStock(String sku, long available) {
    Eventually.asserts(SETTLE, () -> {
      StockLevel level = Blocking.await(client.getStock(sku));
      assertThat(level.getAvailable()).as("available " + sku).isEqualTo(available);
      assertThat(level.getReserved()).as("reserved " + sku).isZero();
    });
  }
}
