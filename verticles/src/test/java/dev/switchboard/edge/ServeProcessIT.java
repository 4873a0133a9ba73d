package dev.switchboard.edge;

import dev.switchboard.checkout.v1.OrderStatus;
import dev.switchboard.checkout.v1.PlaceOrderResponse;
import dev.switchboard.experiment.CheckoutGrpcClient;
import dev.switchboard.testing.Orders;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The fat jar as users run it: a real JVM process, real gRPC and HTTP on loopback. */
@DisplayName("java -jar switchboard.jar")
class ServeProcessIT {

  private static final Path JAR = Path.of("target", "switchboard.jar");
  private static final Pattern READY = Pattern.compile("gRPC on port (\\d+), management on port (\\d+)");

  private final Vertx clientVertx = Vertx.vertx();
  private Process process;

  @AfterEach
  void stop() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    Blocking.await(clientVertx.close());
  }

  private Process launch(String... args) throws IOException {
    assertThat(JAR).as("the fat jar is built by 'package' before integration tests").exists();
    List<String> command = new ArrayList<>(List.of(javaBinary(), "-jar", JAR.toString()));
    command.addAll(List.of(args));
    return new ProcessBuilder(command).redirectErrorStream(true).start();
  }

  @TempDir
  Path storeDirectory;

  private static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  @Test
  @DisplayName("serve starts from the default config, takes an order over gRPC, serves /ready and /metrics, and stops on SIGTERM")
  void serves() throws Exception {
    process = launch("serve", "--set", "grpc.port=0", "--set", "http.port=0", "--set", "grpc.host=127.0.0.1",
        "--set", "http.host=127.0.0.1", "--set", "operations.payment.charge.mode=event",
        "--set", "store.path=" + storeDirectory);
    BufferedReader output = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    Matcher ready = awaitLine(output, READY);
    int grpcPort = Integer.parseInt(ready.group(1));
    int httpPort = Integer.parseInt(ready.group(2));
    CompletableFuture.runAsync(() -> output.lines().forEach(line -> { })); // keep draining

    CheckoutGrpcClient client = new CheckoutGrpcClient(clientVertx, "127.0.0.1", grpcPort);
    PlaceOrderResponse answer = Blocking.await(client.placeOrder(Orders.order("SKU-APPLE", 1, 100), "it-1"));
    assertThat(answer.getStatus()).isEqualTo(OrderStatus.ORDER_STATUS_CONFIRMED);

    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> readiness = http.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + httpPort + "/ready")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(readiness.statusCode()).isEqualTo(200);
    HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + httpPort + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(metrics.body()).contains("switchboard_operation_calls_seconds_count")
        .contains("operation=\"payment.charge\"").contains("mode=\"event\"");

    process.destroy(); // SIGTERM: the shutdown hook closes Vert.x
    assertThat(process.waitFor(20, TimeUnit.SECONDS)).as("the process exits after SIGTERM").isTrue();
  }

  @Test
  @DisplayName("bad config stops start-up with exit code 1 and a message naming the key, the value and what is allowed")
  void badConfigStopsStartUp() throws Exception {
    process = launch("serve", "--set", "operations.payment.charge.mode=sometimes");

    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isEqualTo(1);
    assertThat(output).contains("operations.payment.charge.mode").contains("sometimes")
        .contains("allowed values are rpc, event");
  }

  @Test
  @DisplayName("--help lists the subcommands and options")
  void help() throws Exception {
    process = launch("--help");

    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isZero();
    assertThat(output).contains("serve").contains("demo").contains("--config").contains("--set");
  }

  private static Matcher awaitLine(BufferedReader output, Pattern pattern) throws IOException {
    StringBuilder seen = new StringBuilder();
    String line;
    while ((line = output.readLine()) != null) {
      seen.append(line).append('\n');
      Matcher matcher = pattern.matcher(line);
      if (matcher.find()) {
        return matcher;
      }
    }
    throw new AssertionError("the process ended before it was ready:\n" + seen);
  }

}
