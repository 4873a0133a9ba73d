package dev.switchboard.split;

import dev.switchboard.checkout.v1.ChargeRequest;
import dev.switchboard.checkout.v1.OrderStatus;
import dev.switchboard.experiment.CheckoutGrpcClient;
import dev.switchboard.node.Blocking;
import dev.switchboard.platform.Operation;
import dev.switchboard.platform.transport.InternalGrpcServer;
import dev.switchboard.testing.GrpcProbe;
import dev.switchboard.testing.Orders;
import dev.switchboard.testing.RunningNode;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientOptions;
import io.vertx.grpc.common.GrpcStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.switchboard.testing.TestNodes.APPLE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The internal listener over TLS, and mutual TLS when a CA is given. A throwaway CA, a certificate
 * for the processes (for 127.0.0.1) and one from a stranger CA are made with {@code openssl} for the
 * test (CI installs openssl and sets {@code SWITCHBOARD_REQUIRE_OPENSSL=1}; elsewhere, without it, the
 * tests are skipped with a note).
 */
@DisplayName("the internal listener over TLS and mutual TLS")
class InternalTlsTest {

  private static final String TOKEN = InternalListenerTest.TOKEN;
  private static final String CHARGE = Operation.grpcMethod("payment.charge");

  @TempDir
  static Path certs;

  private final Vertx vertx = Vertx.vertx();
  private final List<RunningNode> nodes = new ArrayList<>();

  @BeforeAll
  static void makeCertificates() throws Exception {
    boolean installed = run("openssl", "version");
    if (!installed && "1".equals(System.getenv("SWITCHBOARD_REQUIRE_OPENSSL"))) {
      throw new AssertionError("openssl is required to make the test certificates (apt-get install -y openssl)");
    }
    assumeTrue(installed, "openssl is not installed (apt-get install -y openssl); test skipped");
    Files.writeString(certs.resolve("ext.cnf"),
        "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n");
    for (String ca : List.of("ca", "stranger-ca")) {
      require("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=" + ca,
          "-keyout", ca + ".key", "-out", ca + ".pem");
    }
    for (String[] cert : new String[][] {{"node", "ca"}, {"stranger", "stranger-ca"}}) {
      require("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=" + cert[0],
          "-keyout", cert[0] + ".key", "-out", cert[0] + ".csr");
      require("openssl", "x509", "-req", "-in", cert[0] + ".csr", "-CA", cert[1] + ".pem", "-CAkey", cert[1] + ".key",
          "-CAcreateserial", "-days", "1", "-extfile", "ext.cnf", "-out", cert[0] + ".pem");
    }
  }

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

  private static Map<String, String> tls(boolean mutual) {
    Map<String, String> settings = new HashMap<>(Map.of("internal.token", TOKEN, "internal.port", "0",
        "internal.tls.keyFile", certs.resolve("node.key").toString(),
        "internal.tls.certFile", certs.resolve("node.pem").toString()));
    if (mutual) {
      settings.put("internal.tls.caFile", certs.resolve("ca.pem").toString());
    }
    return settings;
  }

  private RunningNode payment(boolean mutual) {
    Map<String, String> settings = tls(mutual);
    settings.put("services", "payment");
    return start(settings);
  }

  @Test
  @DisplayName("mutual TLS: the gRPC transport presents the process's certificate; orders are confirmed")
  void transportOverMutualTls() {
    RunningNode payment = payment(true);
    String target = "127.0.0.1:" + payment.node().internalPort();
    Map<String, String> settings = tls(true);
    settings.putAll(Map.of("services", "orders,inventory,shipping,notifications,analytics",
        "operations.payment.charge.transport", "grpc", "operations.payment.charge.target", target,
        "operations.payment.refund.transport", "grpc", "operations.payment.refund.target", target));
    CheckoutGrpcClient orders = start(settings).newClient();

    var placed = Orders.placeAndFollow(orders, Orders.order(APPLE, 1, 500));

    assertThat(placed.terminal().getStatus()).isEqualTo(OrderStatus.ORDER_STATUS_CONFIRMED);
    assertThat(Blocking.await(payment.node().checkout().payments().chargeCount())).isEqualTo(1);
  }

  @Test
  @DisplayName("mutual TLS: a call without a client certificate, or with one from another CA, is refused; with one it is served")
  void clientCertificateRequired() {
    RunningNode payment = payment(true);
    int port = payment.node().internalPort();

    assertThat(charge(port, tlsClient(null), "no-client-cert")).as("without a client certificate").isNotEqualTo(GrpcStatus.OK);
    assertThat(charge(port, tlsClient("stranger"), "stranger-cert")).as("with a stranger's certificate")
        .isNotEqualTo(GrpcStatus.OK);
    assertThat(charge(port, plainClient(), "plain")).as("without TLS").isNotEqualTo(GrpcStatus.OK);
    assertThat(Blocking.await(payment.node().checkout().payments().chargeCount())).isZero();

    assertThat(charge(port, tlsClient("node"), "with-cert")).isEqualTo(GrpcStatus.OK);
    assertThat(Blocking.await(payment.node().checkout().payments().chargeCount())).isEqualTo(1);
  }

  @Test
  @DisplayName("TLS without a CA: served over TLS to a client that trusts the certificate, refused in clear")
  void serverTlsOnly() {
    RunningNode payment = payment(false);
    int port = payment.node().internalPort();

    assertThat(charge(port, plainClient(), "plain")).isNotEqualTo(GrpcStatus.OK);
    assertThat(charge(port, tlsClient(null), "tls")).isEqualTo(GrpcStatus.OK);
  }

  /** One payment.charge with the right token; the status, or UNAVAILABLE when no call could be made. */
  private GrpcStatus charge(int port, GrpcClient client, String orderId) {
    try (GrpcProbe probe = new GrpcProbe(client, port)) {
      return probe.call(CHARGE, ChargeRequest.newBuilder().setOrderId(orderId).setCustomerId("c").setAmountCents(100)
          .build(), Map.of(InternalGrpcServer.AUTHORIZATION, InternalGrpcServer.BEARER + TOKEN)).status();
    } catch (RuntimeException refused) {
      return GrpcStatus.UNAVAILABLE;
    }
  }

  /** A client over TLS that trusts the test CA, presenting {@code identity}'s certificate unless it is null. */
  private GrpcClient tlsClient(String identity) {
    HttpClientOptions options = new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2).setSsl(true)
        .setUseAlpn(true).setTrustOptions(new PemTrustOptions().addCertPath(certs.resolve("ca.pem").toString()));
    if (identity != null) {
      options.setKeyCertOptions(new PemKeyCertOptions().setKeyPath(certs.resolve(identity + ".key").toString())
          .setCertPath(certs.resolve(identity + ".pem").toString()));
    }
    return GrpcClient.client(vertx, new GrpcClientOptions(), options);
  }

  private GrpcClient plainClient() {
    return GrpcClient.client(vertx, new GrpcClientOptions(), new HttpClientOptions()
        .setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false));
  }

  private static void require(String... command) throws IOException, InterruptedException {
    assertThat(run(command)).as(String.join(" ", command)).isTrue();
  }

  private static boolean run(String... command) {
    try {
      Process process = new ProcessBuilder(command).directory(certs.toFile()).redirectErrorStream(true)
          .redirectOutput(certs.resolve("openssl.log").toFile()).start();
      return process.waitFor(60, TimeUnit.SECONDS) && process.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
