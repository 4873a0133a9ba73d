package dev.switchboard.edge;

import dev.switchboard.checkout.v1.GetOrderRequest;
import dev.switchboard.checkout.v1.GetStockRequest;
import dev.switchboard.checkout.v1.Order;
import dev.switchboard.checkout.v1.OrderStatus;
import dev.switchboard.checkout.v1.PlaceOrderRequest;
import dev.switchboard.checkout.v1.PlaceOrderResponse;
import dev.switchboard.node.Blocking;
import dev.switchboard.testing.Eventually;
import dev.switchboard.testing.OutsideValues;
import dev.switchboard.testing.RawGrpcClient;
import dev.switchboard.testing.RunningNode;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Thousands of random and malformed requests through the real gRPC edge of one node (every operation
 * in event mode, so that orders end quickly), sent by a client that passes metadata on unvalidated,
 * control characters included: every answer is OK, INVALID_ARGUMENT, ALREADY_EXISTS or NOT_FOUND —
 * never INTERNAL, UNKNOWN or a reset stream — and every order the edge accepted ends.
 */
@Label("Random and malformed requests through the real gRPC edge")
class EdgeFuzzTest {

  private static final int OK = 0;
  private static final int INVALID_ARGUMENT = 3;
  private static final int NOT_FOUND = 5;
  private static final int ALREADY_EXISTS = 6;
  private static final String ORDER_SERVICE = "/switchboard.checkout.v1.OrderService/";
  private static final String GET_STOCK = "/switchboard.checkout.v1.InventoryService/GetStock";

  private static RunningNode running;
  private static RawGrpcClient client;
  private static final Set<String> accepted = ConcurrentHashMap.newKeySet();

  @BeforeContainer
  static void start() {
    running = RunningNode.start(Map.of("defaults.mode", "event", "inventory.stock.SKU-APPLE", "1000000"));
    client = new RawGrpcClient("127.0.0.1", running.node().grpcPort());
  }

  @AfterContainer
  static void stop() {
    if (client != null) {
      client.close();
    }
    if (running != null) {
      running.close();
    }
  }

  @Property(tries = 1500)
  @Label("PlaceOrder with any request and metadata answers OK, INVALID_ARGUMENT or ALREADY_EXISTS")
  void placeOrder(@ForAll("orders") PlaceOrderRequest request, @ForAll("metadata") List<Map.Entry<String, String>> metadata)
      throws Exception {
    RawGrpcClient.Outcome outcome = call(ORDER_SERVICE + "PlaceOrder", request.toByteArray(), metadata);

    assertThat(outcome.status()).as("status of %s with %s: %s", request, metadata, outcome.message())
        .isIn(OK, INVALID_ARGUMENT, ALREADY_EXISTS);
    if (outcome.status() == OK) {
      PlaceOrderResponse answer = PlaceOrderResponse.parseFrom(outcome.messages().get(0));
      assertThat(answer.getOrderId()).isNotEmpty();
      accepted.add(answer.getOrderId());
    } else {
      assertThat(outcome.message()).as("the refusal says why").isNotBlank();
    }
  }

  @Property(tries = 300)
  @Label("PlaceOrder with bytes that are no PlaceOrderRequest answers INVALID_ARGUMENT (or OK when they happen to be one)")
  void placeOrderWithAnyBytes(@ForAll("bytes") byte[] body) throws Exception {
    RawGrpcClient.Outcome outcome = call(ORDER_SERVICE + "PlaceOrder", body, List.of());

    assertThat(outcome.status()).as("status: %s", outcome.message()).isIn(OK, INVALID_ARGUMENT, ALREADY_EXISTS);
    if (outcome.status() == OK) {
      accepted.add(PlaceOrderResponse.parseFrom(outcome.messages().get(0)).getOrderId());
    }
  }

  @Property(tries = 500)
  @Label("GetOrder, WatchOrder and GetStock with any id answer OK, INVALID_ARGUMENT or NOT_FOUND")
  void lookups(@ForAll("lookupMethods") String method, @ForAll("lookupIds") String id,
               @ForAll("metadata") List<Map.Entry<String, String>> metadata) throws Exception {
    byte[] request = method.equals(GET_STOCK) ? GetStockRequest.newBuilder().setSku(id).build().toByteArray()
        : GetOrderRequest.newBuilder().setOrderId(id).build().toByteArray();

    RawGrpcClient.Outcome outcome = call(method, request, metadata);

    assertThat(outcome.status()).as("status of %s(%s) with %s: %s", method, id, metadata, outcome.message())
        .isIn(OK, INVALID_ARGUMENT, NOT_FOUND);
  }

  /** After each property: every order the edge accepted ends CONFIRMED or REJECTED. */
  @AfterProperty
  void everyAcceptedOrderEnds() {
    Eventually.holds(accepted.size() + " accepted orders all terminal", Duration.ofSeconds(30),
        Duration.ofMillis(200), () -> accepted.stream().allMatch(EdgeFuzzTest::terminal));
  }

  private static boolean terminal(String orderId) {
    Order order = Blocking.await(running.node().checkout().orders().get(orderId)).orElseThrow();
    return order.getStatus() == OrderStatus.ORDER_STATUS_CONFIRMED || order.getStatus() == OrderStatus.ORDER_STATUS_REJECTED;
  }

  private static RawGrpcClient.Outcome call(String method, byte[] request, List<Map.Entry<String, String>> metadata)
      throws Exception {
    RawGrpcClient.Outcome outcome = client.call(method, request, metadata).get(30, TimeUnit.SECONDS);
    Statistics.collect(method.substring(method.lastIndexOf('/') + 1), outcome.status());
    return outcome;
  }

  @Provide
  Arbitrary<PlaceOrderRequest> orders() {
    return OutsideValues.order();
  }

  @Provide
  Arbitrary<byte[]> bytes() {
    return Arbitraries.bytes().array(byte[].class).ofMaxSize(200);
  }

  @Provide
  Arbitrary<String> lookupMethods() {
    return Arbitraries.of(ORDER_SERVICE + "GetOrder", ORDER_SERVICE + "WatchOrder", GET_STOCK);
  }

  /** An order id or SKU: one that exists, or anything. */
  @Provide
  Arbitrary<String> lookupIds() {
    return Arbitraries.frequencyOf(
        Tuple.of(2, Arbitraries.create(() -> accepted.stream().findAny().orElse("none"))),
        Tuple.of(1, OutsideValues.sku()),
        Tuple.of(2, OutsideValues.identifier()));
  }

  /**
   * Metadata: an x-correlation-id (none, valid, or anything), and sometimes other headers of the
   * platform's envelope or of no meaning, with any value.
   */
  @Provide
  Arbitrary<List<Map.Entry<String, String>>> metadata() {
    Arbitrary<List<Map.Entry<String, String>>> correlation = Arbitraries.frequencyOf(
        Tuple.of(3, Arbitraries.just(List.of())),
        Tuple.of(3, Arbitraries.strings().withChars("abcdef0123456789-").ofMinLength(1).ofMaxLength(36)
            .map(id -> List.of(Map.entry("x-correlation-id", id)))),
        Tuple.of(2, OutsideValues.headerValue().map(id -> List.of(Map.entry("x-correlation-id", id)))));
    Arbitrary<String> names = Arbitraries.frequencyOf(
        Tuple.of(3, Arbitraries.of("x-correlation-id", "x-message-id", "x-aggregate-id", "x-causation-id",
            "x-deadline", "x-sent-at", "x-attr-saga.id", "x-error-code", "grpc-timeout", "grpc-encoding")),
        Tuple.of(1, Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyz-").ofMinLength(1).ofMaxLength(12)));
    Arbitrary<List<Map.Entry<String, String>>> others = Arbitraries.entries(names, OutsideValues.headerValue())
        .list().ofMaxSize(3);
    return Arbitraries.frequencyOf(Tuple.of(4, correlation), Tuple.of(1, others.flatMap(extra ->
        correlation.map(first -> {
          List<Map.Entry<String, String>> all = new ArrayList<>(first);
          all.addAll(extra);
          return all;
        }))));
  }
}
