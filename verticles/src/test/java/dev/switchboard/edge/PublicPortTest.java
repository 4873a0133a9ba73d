package dev.switchboard.edge;

import dev.switchboard.checkout.v1.LineItem;
import dev.switchboard.checkout.v1.OrderStatus;
import dev.switchboard.checkout.v1.RefundRequest;
import dev.switchboard.checkout.v1.ReleaseStockRequest;
import dev.switchboard.checkout.v1.ReserveStockRequest;
import dev.switchboard.checkout.v1.StockLevel;
import dev.switchboard.experiment.CheckoutGrpcClient;
import dev.switchboard.experiment.GrpcCallException;
import dev.switchboard.node.Blocking;
import dev.switchboard.platform.Operation;
import dev.switchboard.platform.transport.InternalGrpcServer;
import dev.switchboard.testing.GrpcProbe;
import dev.switchboard.testing.Orders;
import dev.switchboard.testing.RunningNode;
import io.vertx.core.Vertx;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.health.v1.HealthCheckRequest;
import io.vertx.grpc.health.v1.HealthCheckResponse.ServingStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static dev.switchboard.testing.TestNodes.APPLE;
import static dev.switchboard.testing.TestNodes.APPLE_STOCK;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

@DisplayName("the public gRPC port serves clients only: nothing of the platform's inside is callable there")
class PublicPortTest {

  private static final String TOKEN = "public-port-test-token-0123456789";
  /** Even the right token does not open the inside on the public port. */
  private static final Map<String, String> WITH_TOKEN = Map.of(InternalGrpcServer.AUTHORIZATION,
      InternalGrpcServer.BEARER + TOKEN);

  private final Vertx vertx = Vertx.vertx();
  private RunningNode running;
  private CheckoutGrpcClient client;
  private GrpcProbe publicPort;

  @BeforeEach
  void start() {
    // the internal listener is open too (a token is set): the public port must still not serve the inside
    running = RunningNode.start(Map.of("internal.token", TOKEN, "internal.port", "0"));
    client = running.newClient();
    publicPort = new GrpcProbe(vertx, running.node().grpcPort());
  }

  @AfterEach
  void stop() {
    publicPort.close();
    running.close();
    Blocking.await(vertx.close());
  }

  @Test
  @DisplayName("Operations/payment_refund for a confirmed order is not served on the public port: the charge stays captured")
  void refundNotCallable() {
    var confirmed = Orders.placeAndFollow(client, Orders.order(APPLE, 2, 1_000));
    assertThat(confirmed.terminal().getStatus()).isEqualTo(OrderStatus.ORDER_STATUS_CONFIRMED);
    long captured = Blocking.await(running.node().checkout().payments().capturedCents());
    assertThat(captured).isEqualTo(2_000);

    GrpcProbe.Answer answer = publicPort.call(Operation.grpcMethod("payment.refund"),
        RefundRequest.newBuilder().setOrderId(confirmed.answer().getOrderId()).build(), WITH_TOKEN);

    assertThat(answer.status()).isEqualTo(GrpcStatus.UNIMPLEMENTED);
    assertThat(Blocking.await(running.node().checkout().payments().capturedCents())).isEqualTo(captured);
  }

  @Test
  @DisplayName("Operations/inventory_reserve and inventory_release are not served on the public port: the stock is unchanged")
  void inventoryOperationsNotCallable() {
    GrpcProbe.Answer reserve = publicPort.call(Operation.grpcMethod("inventory.reserve"),
        ReserveStockRequest.newBuilder().setOrderId("drain-1")
            .addItems(LineItem.newBuilder().setSku(APPLE).setQuantity(5)).build(), WITH_TOKEN);
    GrpcProbe.Answer release = publicPort.call(Operation.grpcMethod("inventory.release"),
        ReleaseStockRequest.newBuilder().setOrderId("drain-1").build(), Map.of());

    assertThat(reserve.status()).isEqualTo(GrpcStatus.UNIMPLEMENTED);
    assertThat(release.status()).isEqualTo(GrpcStatus.UNIMPLEMENTED);
    assertStockUntouched();
  }

  @Test
  @DisplayName("InventoryService.Reserve and Release are refused with PERMISSION_DENIED, saying they are internal; GetStock is served")
  void inventoryServiceChangesRefused() {
    var request = ReserveStockRequest.newBuilder().setOrderId("outside-1")
        .addItems(LineItem.newBuilder().setSku(APPLE).setQuantity(3)).build();

    Throwable reserve = catchThrowable(() -> Blocking.await(client.reserve(request)));
    Throwable release = catchThrowable(() -> Blocking.await(client.release("outside-1")));

    for (Throwable refused : new Throwable[] {reserve, release}) {
      assertThat(refused).isInstanceOf(GrpcCallException.class).hasMessageContaining("internal");
      assertThat(((GrpcCallException) refused).status()).isEqualTo(GrpcStatus.PERMISSION_DENIED);
    }
    assertStockUntouched();
  }

  @Test
  @DisplayName("reflection lists the public services, health and reflection only; health knows no internal service")
  void reflectionListsNoInternalService() {
    assertThat(publicPort.listServices()).containsExactlyInAnyOrder("switchboard.checkout.v1.OrderService",
        "switchboard.checkout.v1.InventoryService", "grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection");
    assertThat(publicPort.health("")).isEqualTo(ServingStatus.SERVING);
    assertThat(publicPort.call("grpc.health.v1.Health/Check",
        HealthCheckRequest.newBuilder().setService(Operation.GRPC_SERVICE).build(), Map.of()).status())
        .isEqualTo(GrpcStatus.NOT_FOUND);
  }

  private void assertStockUntouched() {
    StockLevel level = Blocking.await(client.getStock(APPLE));
    assertThat(level.getAvailable()).isEqualTo(APPLE_STOCK);
    assertThat(level.getReserved()).isZero();
  }
}
