package dev.switchboard.split;

import dev.switchboard.checkout.v1.OrderStatus;
import dev.switchboard.checkout.v1.PlaceOrderRequest;
import dev.switchboard.checkout.v1.PlaceOrderResponse;
import dev.switchboard.checkout.v1.StockLevel;
import dev.switchboard.node.Blocking;
import dev.switchboard.experiment.CheckoutGrpcClient;
import dev.switchboard.experiment.GrpcCallException;
import dev.switchboard.checkout.v1.RefundRequest;
import dev.switchboard.platform.Operation;
import dev.switchboard.platform.transport.InternalGrpcServer;
import dev.switchboard.testing.Eventually;
import dev.switchboard.testing.GrpcProbe;
import dev.switchboard.testing.Orders;
import dev.switchboard.testing.Orders.Placed;
import dev.switchboard.testing.ServeProcess;
import io.vertx.core.Vertx;
import io.vertx.grpc.common.GrpcStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Two real JVM processes on loopback: payment alone in one, the rest of the checkout in the other,
 * {@code payment.charge} and {@code payment.refund} called over the gRPC transport, at the payment
 * process's internal listener, with the shared token.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("split deployment: payment in its own process, called over gRPC")
class SplitDeploymentIT {

  static final String APPLE = "SKU-APPLE";
  static final long STOCK = 50;
  static final String CHECKOUT_SERVICES = "orders,inventory,shipping,notifications,analytics";
  static final String TOKEN = "split-deployment-it-token-0123456789";

  private final Vertx client = Vertx.vertx();
  private final List<ServeProcess> processes = new ArrayList<>();
  private ServeProcess payment;
  private int paymentPort;
  private int started;

  @TempDir
  static Path stores;

  @BeforeAll
  void startPayment() throws Exception {
    payment = launch("split-payment", paymentArgs(0));
    paymentPort = payment.awaitReady(60)[2];
  }

  @AfterEach
  void stopCheckouts() throws InterruptedException {
    for (ServeProcess process : processes) {
      if (process != payment) {
        process.close();
      }
    }
    processes.removeIf(process -> process != payment);
    processes.add(payment);
  }

  @AfterAll
  void stopAll() throws InterruptedException {
    for (ServeProcess process : processes) {
      process.close();
    }
    Blocking.await(client.close());
  }

  static Stream<Arguments> modes() {
    List<Arguments> combinations = new ArrayList<>();
    for (int bits = 0; bits < 8; bits++) {
      combinations.add(Arguments.of((bits & 1) == 1 ? "event" : "rpc", (bits & 2) == 2 ? "event" : "rpc",
          (bits & 4) == 4 ? "event" : "rpc"));
    }
    return combinations.stream();
  }

  @ParameterizedTest(name = "place={0} reserve={1} schedule={2}, charge rpc over gRPC")
  @MethodSource("modes")
  @DisplayName("the checkout scenarios hold with payment.charge in another process")
  void scenarios(String place, String reserve, String schedule) throws Exception {
    CheckoutGrpcClient orders = startCheckout(paymentPort, List.of(
        "--set", "operations.orders.place.mode=" + place,
        "--set", "operations.inventory.reserve.mode=" + reserve,
        "--set", "operations.shipping.schedule.mode=" + schedule));

    assertCheckoutScenarios(orders);
  }

  /**
   * The checkout scenarios against a process whose payment is elsewhere (payment limit 10,000 cents,
   * {@value #STOCK} of {@value #APPLE}): confirmed, out of stock, declined in the payment process,
   * and a retried request placed once.
   */
  static void assertCheckoutScenarios(CheckoutGrpcClient orders) {
    Placed confirmed = Orders.placeAndFollow(orders, Orders.order(APPLE, 3, 1_000));
    assertThat(confirmed.terminal().getStatus()).as("within stock and limit").isEqualTo(OrderStatus.ORDER_STATUS_CONFIRMED);
    assertStockSettles(orders, STOCK - 3);

    Placed outOfStock = Orders.placeAndFollow(orders, Orders.order(APPLE, (int) STOCK + 1, 100));
    assertThat(outOfStock.terminal().getStatus()).isEqualTo(OrderStatus.ORDER_STATUS_REJECTED);
    assertThat(outOfStock.terminal().getReason()).contains("stock");

    Placed declined = Orders.placeAndFollow(orders, Orders.order(APPLE, 1, 20_000));
    assertThat(declined.terminal().getStatus()).isEqualTo(OrderStatus.ORDER_STATUS_REJECTED);
    assertThat(declined.terminal().getReason()).as("declined in the payment process").contains("payment.charge")
        .contains("exceeds the limit");
    assertStockSettles(orders, STOCK - 3);

    PlaceOrderRequest request = Orders.order(APPLE, 1, 500);
    Placed first = Orders.placeAndFollow(orders, request);
    Placed retry = Orders.placeAndFollow(orders, request);
    assertThat(retry.answer().getOrderId()).isEqualTo(first.answer().getOrderId());
    assertThat(retry.terminal().getStatus()).isEqualTo(OrderStatus.ORDER_STATUS_CONFIRMED);
    assertStockSettles(orders, STOCK - 4);
  }

  @Test
  @DisplayName("payment killed: rpc orders are rejected naming the unavailable operation, in time; payment back: confirmed again")
  void paymentKilledAndBack() throws Exception {
    ServeProcess ownPayment = launch("split-payment-killed", paymentArgs(0));
    int port = ownPayment.awaitReady(60)[2];
    CheckoutGrpcClient orders = startCheckout(port, List.of());
    assertThat(Orders.placeAndFollow(orders, Orders.order(APPLE, 1, 500)).terminal().getStatus())
        .isEqualTo(OrderStatus.ORDER_STATUS_CONFIRMED);

    ownPayment.kill();
    long before = System.nanoTime();
    PlaceOrderResponse whileDown = Blocking.await(orders.placeOrder(Orders.order(APPLE, 1, 500), "split-down"));
    long tookMs = (System.nanoTime() - before) / 1_000_000;
    assertThat(whileDown.getStatus()).isEqualTo(OrderStatus.ORDER_STATUS_REJECTED);
    assertThat(whileDown.getReason()).contains("payment.charge").contains("unavailable");
    assertThat(tookMs).as("answered within the charge deadline (2 s), not hanging").isLessThan(20_000);
    assertStockSettles(orders, STOCK - 1);

    ServeProcess again = launch("split-payment-again", paymentArgs(port));
    again.awaitReady(60);
    PlaceOrderResponse afterRestart = Blocking.await(orders.placeOrder(Orders.order(APPLE, 1, 500), "split-back"));
    assertThat(afterRestart.getStatus()).as("confirmed without restarting the checkout process")
        .isEqualTo(OrderStatus.ORDER_STATUS_CONFIRMED);
    assertStockSettles(orders, STOCK - 2);
  }

  @Test
  @DisplayName("a deadline set by the outside client is honoured down the chain: the slow payment is not run, the order is rejected")
  void clientDeadlineHonouredDownTheChain() throws Exception {
    List<String> slowPayment = new ArrayList<>(paymentArgs(0));
    slowPayment.addAll(List.of("--set", "operations.payment.charge.faults.latencyMs=4000"));
    ServeProcess ownPayment = launch("split-payment-slow", slowPayment);
    int[] paymentPorts = ownPayment.awaitReady(60);
    // the charge's own deadline (10 s) is far away: only the client's can end the call in time
    CheckoutGrpcClient orders = startCheckout(paymentPorts[2], List.of(
        "--set", "operations.payment.charge.timeoutMs=10000"));

    PlaceOrderRequest request = Orders.order(APPLE, 1, 500);
    Throwable failure = catchThrowable(() -> Blocking.await(orders.placeOrder(request, "split-deadline", 1500)));
    assertThat(failure).isInstanceOf(GrpcCallException.class);
    assertThat(((GrpcCallException) failure).status()).isEqualTo(GrpcStatus.DEADLINE_EXCEEDED);

    // the client follows up with the same idempotency key: the order has ended, rejected for the deadline
    Eventually.holds("the order ends rejected", Duration.ofSeconds(15), () -> {
      PlaceOrderResponse again = Blocking.await(orders.placeOrder(request, "split-deadline-follow-up"));
      return again.getStatus() == OrderStatus.ORDER_STATUS_REJECTED && again.getReason().contains("deadline");
    });
    assertStockSettles(orders, STOCK);
    // the payment process got the charge with the client's deadline and did not run it once it had passed
    Eventually.holds("payment.charge refused for the deadline in the payment process", Duration.ofSeconds(10), () ->
        metrics(paymentPorts[1]).lines().anyMatch(line -> line.startsWith("switchboard_operation_handled_seconds_count")
            && line.contains("operation=\"payment.charge\"") && line.contains("outcome=\"deadline_exceeded\"")));
    assertThat(metrics(paymentPorts[1]).lines().noneMatch(line ->
        line.startsWith("switchboard_operation_handled_seconds_count") && line.contains("operation=\"payment.charge\"")
            && line.contains("outcome=\"ok\""))).as("no charge made").isTrue();
  }

  private static String metrics(int httpPort) {
    try {
      return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + httpPort + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  @DisplayName("the payment process serves its operations on the internal listener only, and neither process prints the token")
  void internalOnlyAndTokenNeverPrinted() throws Exception {
    CheckoutGrpcClient orders = startCheckout(paymentPort, List.of());
    assertThat(Orders.placeAndFollow(orders, Orders.order(APPLE, 1, 500)).terminal().getStatus())
        .isEqualTo(OrderStatus.ORDER_STATUS_CONFIRMED);

    try (GrpcProbe paymentPublic = new GrpcProbe(client, payment.awaitReady(1)[0])) {
      GrpcProbe.Answer answer = paymentPublic.call(Operation.grpcMethod("payment.refund"),
          RefundRequest.newBuilder().setOrderId("any").build(),
          Map.of(InternalGrpcServer.AUTHORIZATION, InternalGrpcServer.BEARER + TOKEN));
      assertThat(answer.status()).as("payment.refund on the payment process's public port")
          .isEqualTo(GrpcStatus.UNIMPLEMENTED);
    }
    for (ServeProcess process : processes) {
      assertThat(process.text()).as("a process's output").contains("internal on port").doesNotContain(TOKEN);
    }
  }

  /** The payment process; {@code port} is its internal listener's (0: any free one). */
  private List<String> paymentArgs(int port) {
    return List.of("serve", "--services", "payment",
        "--set", "grpc.host=127.0.0.1", "--set", "grpc.port=0",
        "--set", "internal.port=" + port, "--set", "internal.token=" + TOKEN,
        "--set", "http.host=127.0.0.1", "--set", "http.port=0",
        "--set", "store.path=" + stores.resolve("payment-" + (++started)),
        "--set", "payment.maxChargeCents=10000");
  }

  /** A process running the rest of the checkout, calling payment at {@code paymentGrpcPort} (its internal listener). */
  private CheckoutGrpcClient startCheckout(int paymentGrpcPort, List<String> more) throws Exception {
    List<String> args = new ArrayList<>(List.of("serve", "--services", CHECKOUT_SERVICES,
        "--set", "grpc.host=127.0.0.1", "--set", "grpc.port=0",
        "--set", "internal.port=0", "--set", "internal.token=" + TOKEN,
        "--set", "http.host=127.0.0.1", "--set", "http.port=0",
        "--set", "store.path=" + stores.resolve("checkout-" + (++started)),
        "--set", "inventory.stock." + APPLE + "=" + STOCK,
        "--set", "operations.orders.place.timeoutMs=20000",
        "--set", "operations.payment.charge.transport=grpc",
        "--set", "operations.payment.charge.target=127.0.0.1:" + paymentGrpcPort,
        "--set", "operations.payment.charge.timeoutMs=2000",
        "--set", "operations.payment.refund.transport=grpc",
        "--set", "operations.payment.refund.target=127.0.0.1:" + paymentGrpcPort,
        "--set", "operations.payment.refund.timeoutMs=2000"));
    args.addAll(more);
    ServeProcess checkout = launch("split-checkout-" + started, args);
    return new CheckoutGrpcClient(client, "127.0.0.1", checkout.awaitReady(60)[0]);
  }

  private ServeProcess launch(String name, List<String> args) throws Exception {
    ServeProcess process = ServeProcess.launch(name, args);
    processes.add(process);
    return process;
  }

  static void assertStockSettles(CheckoutGrpcClient orders, long available) {
    Eventually.holds("available " + APPLE + " settles at " + available + ", none reserved", Duration.ofSeconds(10),
        () -> {
          StockLevel level = Blocking.await(orders.getStock(APPLE));
          return level.getAvailable() == available && level.getReserved() == 0;
        });
  }
}
