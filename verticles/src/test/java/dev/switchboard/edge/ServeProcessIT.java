package dev.switchboard.edge;

import dev.switchboard.node.Blocking;

import dev.switchboard.checkout.v1.OrderStatus;
import dev.switchboard.checkout.v1.PlaceOrderResponse;
import dev.switchboard.experiment.CheckoutGrpcClient;
import dev.switchboard.testing.Eventually;
import dev.switchboard.testing.GrpcProbe;
import dev.switchboard.testing.Orders;
import dev.switchboard.testing.ServeProcess;
import io.vertx.core.Vertx;
import io.vertx.grpc.health.v1.HealthCheckResponse.ServingStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The fat jar as users run it: a real JVM process, real gRPC and HTTP on loopback. */
@DisplayName("java -jar switchboard.jar")
class ServeProcessIT {

  private final Vertx clientVertx = Vertx.vertx();
  private ServeProcess process;

  @TempDir
  Path storeDirectory;

  @AfterEach
  void stop() throws InterruptedException {
    if (process != null) {
      process.close();
    }
    Blocking.await(clientVertx.close());
  }

  @Test
  @DisplayName("serve starts from the default config, takes an order over gRPC, serves /ready and /metrics, and stops on SIGTERM")
  void serves() throws Exception {
    process = ServeProcess.launch("serve-process-it", List.of("serve", "--set", "grpc.port=0", "--set", "http.port=0",
        "--set", "grpc.host=127.0.0.1", "--set", "http.host=127.0.0.1", "--set", "operations.payment.charge.mode=event",
        "--set", "store.path=" + storeDirectory));
    int[] ports = process.awaitReady(60);

    CheckoutGrpcClient client = new CheckoutGrpcClient(clientVertx, "127.0.0.1", ports[0]);
    PlaceOrderResponse answer = Blocking.await(client.placeOrder(Orders.order("SKU-APPLE", 1, 100), "it-1"));
    assertThat(answer.getStatus()).isEqualTo(OrderStatus.ORDER_STATUS_CONFIRMED);

    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> readiness = http.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + ports[1] + "/ready")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(readiness.statusCode()).isEqualTo(200);
    HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + ports[1] + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(metrics.body()).contains("switchboard_operation_calls_seconds_count")
        .contains("operation=\"payment.charge\"").contains("mode=\"event\"");

    try (GrpcProbe probe = new GrpcProbe(clientVertx, ports[0])) {
      assertThat(probe.health("")).isEqualTo(ServingStatus.SERVING);
      process.terminate();
      // the default file keeps the process up, NOT_SERVING, for shutdown.graceMs before it stops taking calls
      Eventually.holds("health reports NOT_SERVING during the shutdown", Duration.ofSeconds(5), () ->
          probe.health("") == ServingStatus.NOT_SERVING
              && probe.health("switchboard.checkout.v1.OrderService") == ServingStatus.NOT_SERVING);
    }
    process.awaitExit(60);
    assertThat(process.text()).as("the shutdown hook closed the node").contains("shutting down")
        .contains("NOT_SERVING for 1000 ms").contains("store closed: H2 database in " + storeDirectory);
  }

  @Test
  @DisplayName("bad config stops start-up with exit code 1 and a message naming the key, the value and what is allowed")
  void badConfigStopsStartUp() throws Exception {
    process = ServeProcess.launch("serve-process-it-bad-config",
        List.of("serve", "--set", "operations.payment.charge.mode=sometimes"));

    assertThat(process.awaitExit(30)).isEqualTo(1);
    assertThat(process.text()).contains("operations.payment.charge.mode").contains("sometimes")
        .contains("allowed values are rpc, event");
  }

  @Test
  @DisplayName("--help lists the subcommands and options")
  void help() throws Exception {
    process = ServeProcess.launch("serve-process-it-help", List.of("--help"));

    assertThat(process.awaitExit(30)).isZero();
    assertThat(process.text()).contains("serve").contains("demo").contains("--config").contains("--set");
  }
}
