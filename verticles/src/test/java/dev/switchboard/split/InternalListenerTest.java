package dev.switchboard.split;

import dev.switchboard.checkout.v1.ChargeRequest;
import dev.switchboard.checkout.v1.OrderStatus;
import dev.switchboard.checkout.v1.PaymentReceipt;
import dev.switchboard.experiment.CheckoutGrpcClient;
import dev.switchboard.node.Blocking;
import dev.switchboard.node.ConfigLoader;
import dev.switchboard.node.NodeConfig;
import dev.switchboard.platform.Operation;
import dev.switchboard.platform.config.ConfigException;
import dev.switchboard.platform.config.InternalSettings;
import dev.switchboard.platform.config.Settings;
import dev.switchboard.platform.transport.InternalGrpcServer;
import dev.switchboard.testing.CapturedLogs;
import dev.switchboard.testing.GrpcProbe;
import dev.switchboard.testing.Orders;
import dev.switchboard.testing.RunningNode;
import dev.switchboard.testing.TestNodes;
import io.vertx.core.Vertx;
import io.vertx.grpc.common.GrpcStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.switchboard.testing.TestNodes.APPLE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

@DisplayName("the internal listener: the platform's operations for the other processes, with the shared token")
class InternalListenerTest {

  static final String TOKEN = "internal-listener-test-token-0123456789";
  private static final String CHARGE = Operation.grpcMethod("payment.charge");

  private final Vertx vertx = Vertx.vertx();
  private final List<RunningNode> nodes = new ArrayList<>();

  @AfterEach
  void stop() {
    nodes.forEach(RunningNode::close);
    Blocking.await(vertx.close());
  }

  private RunningNode start(Map<String, String> overrides) {
    RunningNode running = RunningNode.start(overrides);
    nodes.add(running);
    return running;
  }

  private RunningNode payment(String token) {
    return start(Map.of("services", "payment", "internal.token", token, "internal.port", "0"));
  }

  private static ChargeRequest charge(String orderId) {
    return ChargeRequest.newBuilder().setOrderId(orderId).setCustomerId("c-1").setAmountCents(700).build();
  }

  private static long charges(RunningNode node) {
    return Blocking.await(node.node().checkout().payments().chargeCount());
  }

  @Nested
  @DisplayName("a call straight to the listener")
  class Calls {

    @Test
    @DisplayName("without a token is refused with UNAUTHENTICATED, and nothing is charged")
    void withoutToken() {
      RunningNode payment = payment(TOKEN);
      try (GrpcProbe internal = new GrpcProbe(vertx, payment.node().internalPort())) {
        GrpcProbe.Answer answer = internal.call(CHARGE, charge("no-token"), Map.of());

        assertThat(answer.status()).isEqualTo(GrpcStatus.UNAUTHENTICATED);
        assertThat(answer.message()).contains("without a token");
      }
      assertThat(charges(payment)).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"internal-listener-test-token-0123456788", "short", "Basic dXNlcjpwYXNz",
        "internal-listener-test-token-0123456789-and-more"})
    @DisplayName("with a wrong token is refused with UNAUTHENTICATED, and nothing is charged")
    void wrongToken(String presented) {
      RunningNode payment = payment(TOKEN);
      String value = presented.startsWith("Basic") ? presented : InternalGrpcServer.BEARER + presented;
      try (GrpcProbe internal = new GrpcProbe(vertx, payment.node().internalPort())) {
        GrpcProbe.Answer answer = internal.call(CHARGE, charge("wrong-token"),
            Map.of(InternalGrpcServer.AUTHORIZATION, value));

        assertThat(answer.status()).isEqualTo(GrpcStatus.UNAUTHENTICATED);
        assertThat(answer.message()).doesNotContain(TOKEN);
      }
      assertThat(charges(payment)).isZero();
    }

    @Test
    @DisplayName("with the right token is served")
    void rightToken() throws Exception {
      RunningNode payment = payment(TOKEN);
      try (GrpcProbe internal = new GrpcProbe(vertx, payment.node().internalPort())) {
        GrpcProbe.Answer answer = internal.call(CHARGE, charge("right-token"),
            Map.of(InternalGrpcServer.AUTHORIZATION, InternalGrpcServer.BEARER + TOKEN));

        assertThat(answer.status()).isEqualTo(GrpcStatus.OK);
        assertThat(PaymentReceipt.parseFrom(answer.reply().getBytes()).getAmountCents()).isEqualTo(700);
      }
      assertThat(charges(payment)).isEqualTo(1);
    }

    @Test
    @DisplayName("no listener opens without a token: nothing inside is callable")
    void closedWithoutToken() {
      RunningNode payment = start(Map.of("services", "payment"));

      assertThat(payment.node().internalPort()).isEqualTo(-1);
    }
  }

  @Nested
  @DisplayName("the gRPC transport between two processes")
  class Transport {

    private CheckoutGrpcClient checkout(RunningNode payment, String token) {
      String target = "127.0.0.1:" + payment.node().internalPort();
      return start(Map.of("services", "orders,inventory,shipping,notifications,analytics",
          "internal.token", token, "internal.port", "0",
          "operations.payment.charge.transport", "grpc", "operations.payment.charge.target", target,
          "operations.payment.refund.transport", "grpc", "operations.payment.refund.target", target)).newClient();
    }

    @Test
    @DisplayName("sends the token: orders are confirmed with the charge made in the payment process")
    void sameToken() {
      RunningNode payment = payment(TOKEN);
      CheckoutGrpcClient orders = checkout(payment, TOKEN);

      var placed = Orders.placeAndFollow(orders, Orders.order(APPLE, 1, 500));

      assertThat(placed.terminal().getStatus()).isEqualTo(OrderStatus.ORDER_STATUS_CONFIRMED);
      assertThat(charges(payment)).isEqualTo(1);
    }

    @Test
    @DisplayName("with another token than the callee's: the order is rejected naming the refusal, nothing charged")
    void otherToken() {
      RunningNode payment = payment(TOKEN);
      CheckoutGrpcClient orders = checkout(payment, "some-other-token-0123456789");

      var placed = Orders.placeAndFollow(orders, Orders.order(APPLE, 1, 500));

      assertThat(placed.terminal().getStatus()).isEqualTo(OrderStatus.ORDER_STATUS_REJECTED);
      assertThat(placed.terminal().getReason()).contains("wrong token").doesNotContain(TOKEN);
      assertThat(charges(payment)).isZero();
    }
  }

  @Nested
  @DisplayName("configuration")
  class Configuration {

    @Test
    @DisplayName("an operation on transport grpc without internal.token stops start-up naming the key")
    void grpcNeedsToken() {
      Throwable failure = catchThrowable(() -> TestNodes.start(Map.of(
          "operations.payment.charge.transport", "grpc", "operations.payment.charge.target", "127.0.0.1:1")));

      assertThat(failure).isInstanceOf(ConfigException.class);
      assertThat(((ConfigException) failure).key()).isEqualTo("internal.token");
      assertThat(failure.getMessage()).contains("payment.charge", "transport grpc");
    }

    @Test
    @DisplayName("a token too short is refused without printing it")
    void shortToken() {
      Throwable failure = catchThrowable(() -> TestNodes.start(Map.of("internal.token", "secret-123")));

      assertThat(failure).isInstanceOf(ConfigException.class);
      assertThat(((ConfigException) failure).key()).isEqualTo("internal.token");
      assertThat(failure.getMessage()).contains("at least 16").doesNotContain("secret-123");
    }

    @Test
    @DisplayName("a TLS key without its certificate stops start-up naming the missing key")
    void keyWithoutCertificate() throws Exception {
      java.nio.file.Path key = java.nio.file.Files.createTempFile("internal", ".key");
      try {
        Throwable failure = catchThrowable(() -> TestNodes.start(Map.of("internal.token", TOKEN,
            "internal.tls.keyFile", key.toString())));

        assertThat(failure).isInstanceOf(ConfigException.class);
        assertThat(((ConfigException) failure).key()).isEqualTo("internal.tls.certFile");
      } finally {
        java.nio.file.Files.deleteIfExists(key);
      }
    }

    @Test
    @DisplayName("config/split: both files are valid, share a token, and checkout calls payment at its internal listener")
    void splitFilesAgree() {
      Vertx reader = Vertx.vertx();
      try {
        NodeConfig checkout = NodeConfig.from(Blocking.await(ConfigLoader.readFile(reader, "../config/split/checkout.yaml")));
        NodeConfig payment = NodeConfig.from(Blocking.await(ConfigLoader.readFile(reader, "../config/split/payment.yaml")));

        InternalSettings paymentInternal = payment.platform().internal();
        assertThat(checkout.platform().internal().token()).isNotEmpty().isEqualTo(paymentInternal.token());
        for (String operation : List.of("payment.charge", "payment.refund")) {
          assertThat(checkout.platform().operation(operation).targets())
              .containsExactly(paymentInternal.host() + ":" + paymentInternal.port());
        }
        assertThat(payment.edge().grpcPort()).isNotEqualTo(paymentInternal.port());
      } finally {
        Blocking.await(reader.close());
      }
    }

    @Test
    @DisplayName("the token is masked in every toString: Settings, InternalSettings, NodeConfig")
    void maskedInToString() {
      Settings settings = TestNodes.settings(Map.of("internal.token", TOKEN));

      assertThat(settings.toString()).doesNotContain(TOKEN).contains("internal.token=*****");
      assertThat(InternalSettings.from(settings).toString()).doesNotContain(TOKEN).contains("token=*****");
      assertThat(NodeConfig.from(settings).toString()).doesNotContain(TOKEN).contains("token=*****");
      assertThat(NodeConfig.from(settings).edge().toString()).doesNotContain(TOKEN);
    }

    @Test
    @DisplayName("the token appears in no log line while a node starts, serves an internal call and stops")
    void maskedInLog() {
      try (CapturedLogs captured = new CapturedLogs()) {
        RunningNode payment = payment(TOKEN);
        try (GrpcProbe internal = new GrpcProbe(vertx, payment.node().internalPort())) {
          internal.call(CHARGE, charge("logged"), Map.of(InternalGrpcServer.AUTHORIZATION,
              InternalGrpcServer.BEARER + TOKEN));
          internal.call(CHARGE, charge("logged-wrong"), Map.of(InternalGrpcServer.AUTHORIZATION,
              InternalGrpcServer.BEARER + TOKEN + "x"));
        }
        nodes.remove(payment);
        payment.close();

        List<String> lines = captured.lines();
        assertThat(lines).anyMatch(line -> line.contains("internal gRPC listening") && line.contains("token required"));
        assertThat(lines).noneMatch(line -> line.contains(TOKEN));
      }
    }
  }
}
