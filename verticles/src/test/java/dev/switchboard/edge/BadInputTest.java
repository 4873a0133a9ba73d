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
import dev.switchboard.testing.StoreRows;
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
import org.junit.jupiter.params.provider.ValueSource;

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
          malformed("with a quantity beyond the limit", "items[0].quantity must be 1 to 100000, was 100001",
              order -> order.setItems(0, item(APPLE, 100_001, 100))),
          malformed("with the largest quantity a client can send", "items[0].quantity",
              order -> order.setItems(0, item(APPLE, Integer.MAX_VALUE, Long.MAX_VALUE / 2))),
          malformed("with a unit price beyond the limit", "items[0].unit_price_cents must be 0 to 100000000000",
              order -> order.setItems(0, item(APPLE, 1, Long.MAX_VALUE))),
          malformed("whose total is beyond the limit", "items: the order total must be at most",
              order -> order.clearItems().addAllItems(java.util.Collections.nCopies(20,
                  item(APPLE, 100_000, 100_000_000_000L)))),
          malformed("with 101 items", "items must be at most 100, was 101",
              order -> order.clearItems().addAllItems(java.util.Collections.nCopies(101, item(APPLE, 1, 1)))),
          malformed("with a SKU of 65 characters", "items[0].sku must be at most 64 characters of [A-Za-z0-9_-], "
              + "was 65 characters", order -> order.setItems(0, item("S".repeat(65), 1, 100))),
          malformed("with a newline in a SKU", "items[0].sku must be at most 64 characters of [A-Za-z0-9_-], has "
              + "\"\\n\" at position 3", order -> order.setItems(0, item("SKU\nX", 1, 100))),
          malformed("with an empty customer id", "customer_id", order -> order.setCustomerId("")),
          malformed("with a blank customer id", "customer_id", order -> order.setCustomerId(" ")),
          malformed("with a customer id of 300 characters", "customer_id must be at most 128 characters of "
              + "[A-Za-z0-9._:-], was 300 characters", order -> order.setCustomerId("c".repeat(300))),
          malformed("with a control character in the customer id", "customer_id",
              order -> order.setCustomerId("c\u0007")),
          malformed("with an idempotency key of 300 characters", "idempotency_key must be at most 128 characters",
              order -> order.setIdempotencyKey("k".repeat(300))),
          malformed("with a space in the idempotency key", "idempotency_key",
              order -> order.setIdempotencyKey("my key")));
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
      assertNothingStored();
      assertStock(CHERRY, CHERRY_STOCK);
    }

    @Test
    @DisplayName("a 300-character x-correlation-id is INVALID_ARGUMENT naming the limit; no order, no saga is stored")
    void overlongCorrelationIdIsRefused() {
      GrpcCallException refused = callFails(client.placeOrder(Orders.order(APPLE, 1, 100), "c".repeat(300)));

      assertThat(refused.status()).isEqualTo(GrpcStatus.INVALID_ARGUMENT);
      assertThat(refused.getMessage())
          .contains("x-correlation-id must be at most 128 characters of [A-Za-z0-9._:-], was 300 characters");
      assertNothingStored();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"with space", "caf\u00e9", "a/b", "semi;colon"})
    @DisplayName("an x-correlation-id with a character outside [A-Za-z0-9._:-] is INVALID_ARGUMENT; nothing is stored")
    void correlationIdWithOtherCharactersIsRefused(String correlationId) {
      GrpcCallException refused = callFails(client.placeOrder(Orders.order(APPLE, 1, 100), correlationId));

      assertThat(refused.status()).isEqualTo(GrpcStatus.INVALID_ARGUMENT);
      assertThat(refused.getMessage()).contains("x-correlation-id must be at most 128 characters of [A-Za-z0-9._:-]");
      assertNothingStored();
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
    @DisplayName("an order id beyond 100 characters of [A-Za-z0-9._:-] is INVALID_ARGUMENT naming order_id and the limit")
    void overlongOrderId(BiFunction<CheckoutGrpcClient, String, Future<?>> lookup) {
      GrpcCallException refused = callFails(lookup.apply(client, "o".repeat(101)));

      assertThat(refused.status()).isEqualTo(GrpcStatus.INVALID_ARGUMENT);
      assertThat(refused.getMessage()).contains("order_id must be at most 100 characters of [A-Za-z0-9._:-]");
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
    @DisplayName("a SKU beyond 64 characters is INVALID_ARGUMENT naming sku and the limit")
    void overlongSku() {
      GrpcCallException refused = callFails(client.getStock("S".repeat(65)));

      assertThat(refused.status()).isEqualTo(GrpcStatus.INVALID_ARGUMENT);
      assertThat(refused.getMessage()).contains("sku must be at most 64 characters of [A-Za-z0-9_-], was 65 characters");
    }

    @Test
    @DisplayName("an empty SKU is INVALID_ARGUMENT naming sku")
    void emptySku() {
      GrpcCallException refused = callFails(client.getStock(""));

      assertThat(refused.status()).isEqualTo(GrpcStatus.INVALID_ARGUMENT);
      assertThat(refused.getMessage()).contains("sku");
    }
  }

  /** No order, no saga, no stock taken, no charge. */
  private void assertNothingStored() {
    assertThat(Blocking.await(node.checkout().orders().all())).as("stored orders").isEmpty();
    assertThat(StoreRows.count(node, "sb_saga")).as("stored sagas").isZero();
    assertStock(APPLE, APPLE_STOCK);
    assertThat(Blocking.await(node.checkout().payments().chargeCount())).as("charges").isZero();
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
