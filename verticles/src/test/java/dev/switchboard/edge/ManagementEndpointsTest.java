package dev.switchboard.edge;

import dev.switchboard.node.Blocking;

import dev.switchboard.node.SwitchboardNode;

import dev.switchboard.checkout.CheckoutOperations;
import dev.switchboard.checkout.v1.OrderStatus;
import dev.switchboard.experiment.CheckoutGrpcClient;
import dev.switchboard.platform.Operation;
import dev.switchboard.testing.Eventually;
import dev.switchboard.testing.Orders;
import dev.switchboard.testing.Orders.Placed;
import dev.switchboard.testing.RunningNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static dev.switchboard.testing.TestNodes.APPLE;
import static dev.switchboard.testing.TestNodes.CHERRY;
import static dev.switchboard.testing.TestNodes.CHERRY_STOCK;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * The management port over real HTTP: {@code /metrics} in Prometheus text with the operation
 * timers and saga meters tagged as documented, {@code /health}, {@code /ready}, and
 * {@code /operations} showing each operation's effective mode and transport.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("The management port serves metrics, health, readiness and the operations' settings")
class ManagementEndpointsTest {

  private static final Duration SETTLE = Duration.ofSeconds(10);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);
  private static final String CALLS = "switchboard_operation_calls_seconds_count";
  private static final String HANDLED = "switchboard_operation_handled_seconds_count";
  private static final String SAGAS_FINISHED = "switchboard_saga_finished_total";
  private static final String SAGAS_IN_FLIGHT = "switchboard_saga_inflight";

  private Vertx vertx;
  private HttpClientAgent http;
  private RunningNode running;
  private SwitchboardNode node;
  private CheckoutGrpcClient client;

  @BeforeEach
  void httpClient(Vertx vertx) {
    this.vertx = vertx;
    this.http = vertx.createHttpClient();
  }

  @AfterEach
  void stop() {
    if (running != null) {
      running.close();
    }
    Blocking.await(http.close());
  }

  private void start(Map<String, String> overrides) {
    running = RunningNode.start(overrides);
    node = running.node();
    client = running.newClient();
  }

  @Nested
  @DisplayName("GET /metrics")
  class Metrics {

    /**
     * The default mode; the outcome a caller sees of a successful invocation in it; and the
     * inventory.reserve calls by outcome: in rpc mode the caller sees the declined reservation, in
     * event mode it sees both commands accepted.
     */
    static Stream<Arguments> modes() {
      return Stream.of(
          arguments("rpc", "completed", Map.of("completed", 1, "failed_precondition", 1)),
          arguments("event", "accepted", Map.of("accepted", 2)));
    }

    @ParameterizedTest(name = "defaults.mode={0}: calls end {1}")
    @MethodSource("modes")
    @DisplayName("counts calls, handled requests and finished sagas with their tags after one confirmed and one rejected order")
    void operationAndSagaMeters(String mode, String callOutcome, Map<String, Integer> reserveCalls) {
      start(Map.of("defaults.mode", mode));

      Placed confirmed = Orders.placeAndFollow(client, Orders.order(APPLE, 2, 1_000));
      Placed rejected = Orders.placeAndFollow(client, Orders.order(CHERRY, (int) CHERRY_STOCK + 1, 100));
      assertThat(confirmed.terminal().getStatus()).isEqualTo(OrderStatus.ORDER_STATUS_CONFIRMED);
      assertThat(rejected.terminal().getStatus()).isEqualTo(OrderStatus.ORDER_STATUS_REJECTED);

      Eventually.asserts(SETTLE, () -> {
        Scrape metrics = scrape();
        assertThat(metrics.value(CALLS, operation("orders.place", mode, callOutcome)))
            .as("orders.place calls, both orders").isEqualTo(2);
        assertThat(metrics.value(CALLS, operation("payment.charge", mode, callOutcome)))
            .as("payment.charge calls, the confirmed order only").isEqualTo(1);
        reserveCalls.forEach((outcome, count) -> assertThat(
            metrics.value(CALLS, operation("inventory.reserve", mode, outcome)))
            .as("inventory.reserve calls ending " + outcome).isEqualTo(count.doubleValue()));
        assertThat(metrics.value(HANDLED, operation("inventory.reserve", mode, "ok")))
            .as("reservations made").isEqualTo(1);
        assertThat(metrics.value(HANDLED, operation("inventory.reserve", mode, "failed_precondition")))
            .as("reservations declined for stock").isEqualTo(1);
        assertThat(metrics.value(HANDLED, operation("payment.charge", mode, "ok")))
            .as("charges made").isEqualTo(1);
        assertThat(metrics.value(SAGAS_FINISHED, Map.of("saga", "checkout", "outcome", "completed")))
            .as("checkout sagas completed").isEqualTo(1);
        assertThat(metrics.value(SAGAS_FINISHED, Map.of("saga", "checkout", "outcome", "compensated")))
            .as("checkout sagas compensated").isEqualTo(1);
        assertThat(metrics.value(SAGAS_IN_FLIGHT, Map.of("saga", "checkout")))
            .as("checkout sagas in flight").isZero();
      });
    }

    @Test
    @DisplayName("tags every metric, the platform's and Vert.x's, with the process's instance.id")
    void instanceTag() {
      start(Map.of("instance.id", "checkout-7"));
      Orders.placeAndFollow(client, Orders.order(APPLE, 1, 1_000));

      Eventually.asserts(SETTLE, () -> {
        Scrape metrics = scrape();
        assertThat(metrics.samples(CALLS)).as(CALLS).isNotEmpty();
        assertThat(metrics.samples().stream().filter(sample -> sample.name().startsWith("vertx_"))).isNotEmpty();
        assertThat(metrics.samples()).allSatisfy(sample ->
            assertThat(sample.labels()).as(sample.name()).containsEntry("instance", "checkout-7"));
      });
    }

    @Test
    @DisplayName("tags operation timers with operation, mode, transport and outcome only (and the instance)")
    void fewMeaningfulTags() {
      start(Map.of("operations.payment.charge.mode", "event"));
      Orders.placeAndFollow(client, Orders.order(APPLE, 1, 1_000));

      Eventually.asserts(SETTLE, () -> {
        Scrape metrics = scrape();
        assertThat(metrics.samples(CALLS)).as(CALLS).isNotEmpty()
            .allSatisfy(sample -> assertThat(sample.labels().keySet())
                .containsExactlyInAnyOrder("operation", "mode", "transport", "outcome", "instance"));
        assertThat(metrics.samples(HANDLED)).as(HANDLED).isNotEmpty()
            .allSatisfy(sample -> assertThat(sample.labels().keySet())
                .containsExactlyInAnyOrder("operation", "mode", "transport", "outcome", "instance"));
        assertThat(metrics.value(CALLS, operation("payment.charge", "event", "accepted"))).isEqualTo(1);
        assertThat(metrics.value(CALLS, operation("inventory.reserve", "rpc", "completed"))).isEqualTo(1);
      });
    }

    /**
     * java.net.http's client asks to upgrade a plain-http request to HTTP/2 (h2c) unless told
     * otherwise. When the port took the upgrade, about one such scrape in ten was never answered
     * (and the client's request timeout did not end the wait): the port answers in HTTP/1.1.
     */
    @Test
    @DisplayName("answers a request asking to upgrade to h2c in plain HTTP/1.1, as java.net.http's default client gets it")
    void noH2cUpgrade() throws Exception {
      start(Map.of());
      int port = node.httpPort();
      try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
        socket.setSoTimeout((int) REQUEST_TIMEOUT.toMillis());
        // the upgrade request as java.net.http sends it
        socket.getOutputStream().write(("GET /metrics HTTP/1.1\r\nConnection: Upgrade, HTTP2-Settings\r\n"
            + "Content-Length: 0\r\nHost: 127.0.0.1:" + port + "\r\n"
            + "HTTP2-Settings: AAEAAEAAAAIAAAABAAMAAABkAAQBAAAAAAUAAEAA\r\nUpgrade: h2c\r\n\r\n")
            .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        String statusLine = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
            java.nio.charset.StandardCharsets.US_ASCII)).readLine();
        assertThat(statusLine).isEqualTo("HTTP/1.1 200 OK");
      }
      for (int scrape = 0; scrape < 20; scrape++) {
        // a new client each time: each one asks for the upgrade on its first request
        java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newHttpClient()
            .sendAsync(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/metrics"))
                .timeout(REQUEST_TIMEOUT).build(), java.net.http.HttpResponse.BodyHandlers.ofString())
            .get(2 * REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(response.version()).as("scrape " + scrape).isEqualTo(java.net.http.HttpClient.Version.HTTP_1_1);
        assertThat(response.statusCode()).as("scrape " + scrape).isEqualTo(200);
        assertThat(response.body()).as("scrape " + scrape).contains("switchboard_");
      }
    }

    private Scrape scrape() {
      Response response = Blocking.await(get("/metrics"));
      assertThat(response.status()).isEqualTo(200);
      assertThat(response.contentType()).startsWith("text/plain");
      return Scrape.parse(response.body());
    }

    private static Map<String, String> operation(String operation, String mode, String outcome) {
      return Map.of("operation", operation, "mode", mode, "transport", "local", "outcome", outcome);
    }
  }

  @Nested
  @DisplayName("GET /health, /ready and /operations")
  class Status {

    @Test
    @DisplayName("/health answers 200 with status UP")
    void health(VertxTestContext testContext) {
      start(Map.of());

      get("/health").onComplete(testContext.succeeding(response -> testContext.verify(() -> {
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.contentType()).startsWith("application/json");
        assertThat(new JsonObject(response.body())).isEqualTo(new JsonObject().put("status", "UP"));
        testContext.completeNow();
      })));
    }

    @Test
    @DisplayName("/ready answers 200 with status READY once the node has started")
    void ready(VertxTestContext testContext) {
      start(Map.of());

      get("/ready").onComplete(testContext.succeeding(response -> testContext.verify(() -> {
        assertThat(response.status()).isEqualTo(200);
        assertThat(new JsonObject(response.body()).getString("status")).isEqualTo("READY");
        testContext.completeNow();
      })));
    }

    @Test
    @DisplayName("/instance names the process (instance.id), its services and its store's id, /operations names it in every entry, and every answer carries X-Switchboard-Instance")
    void instance(VertxTestContext testContext) {
      start(Map.of("instance.id", "orders-2.eu_west:8080", "services", "orders,inventory,payment,shipping"));

      Future.all(get("/instance"), get("/operations"), get("/ready"), get("/no-such-page"))
          .onComplete(testContext.succeeding(all -> testContext.verify(() -> {
            Response instance = all.resultAt(0);
            assertThat(instance.status()).isEqualTo(200);
            assertThat(new JsonObject(instance.body())).isEqualTo(new JsonObject().put("instance", "orders-2.eu_west:8080")
                .put("services", new JsonArray(List.of("orders", "inventory", "payment", "shipping")))
                .put("storeId", node.switchboard().store().storeId()));
            assertThat(node.switchboard().store().storeId()).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
            for (int i = 0; i < all.size(); i++) {
              assertThat(((Response) all.resultAt(i)).instance()).as("header of answer %d", i)
                  .isEqualTo("orders-2.eu_west:8080");
            }
            assertThat(new JsonArray(((Response) all.resultAt(1)).body())).as("/operations stays an array").isNotEmpty()
                .allSatisfy(operation -> assertThat(((JsonObject) operation).getString("instance"))
                    .as("each operation names the instance").isEqualTo("orders-2.eu_west:8080"));
            testContext.completeNow();
          })));
    }

    @Test
    @DisplayName("instance.id defaults to the host and the management port, or the host and the pid on a free port")
    void defaultInstance(VertxTestContext testContext) {
      start(Map.of());

      get("/instance").onComplete(testContext.succeeding(response -> testContext.verify(() -> {
        String instance = new JsonObject(response.body()).getString("instance");
        assertThat(instance).isEqualTo(node.config().instance()).endsWith("-" + ProcessHandle.current().pid())
            .matches("[a-z0-9][a-z0-9.-]*-\\d+");
        assertThat(response.instance()).isEqualTo(instance);
        testContext.completeNow();
      })));
    }

    @Test
    @DisplayName("/operations lists every operation with its effective mode, transport, deadline and faults")
    void operations(VertxTestContext testContext) {
      start(Map.of(
          "operations.payment.charge.mode", "event",
          "operations.shipping.schedule.faults.errorRate", "0.25",
          "operations.inventory.reserve.idempotent", "true",
          "operations.inventory.reserve.breaker.failures", "5"));
      Set<String> declared = CheckoutOperations.ALL.stream().map(Operation::name).collect(Collectors.toSet());

      get("/operations").onComplete(testContext.succeeding(response -> testContext.verify(() -> {
        assertThat(response.status()).isEqualTo(200);
        Map<String, JsonObject> byName = new LinkedHashMap<>();
        new JsonArray(response.body()).forEach(entry -> {
          JsonObject operation = (JsonObject) entry;
          byName.put(operation.getString("operation"), operation);
        });
        assertThat(byName.keySet()).containsExactlyInAnyOrderElementsOf(declared);
        byName.forEach((name, operation) -> {
          assertThat(operation.getString("mode")).as(name + " mode")
              .isEqualTo(name.equals("payment.charge") ? "event" : "rpc");
          assertThat(operation.getString("transport")).as(name + " transport").isEqualTo("local");
        });
        assertThat(byName.get("orders.place").getLong("timeoutMs")).isEqualTo(20_000L);
        assertThat(byName.get("shipping.schedule").getJsonObject("faults").getDouble("errorRate")).isEqualTo(0.25);
        JsonObject policy = byName.get("inventory.reserve").getJsonObject("policy");
        assertThat(policy.getBoolean("idempotent")).isTrue();
        assertThat(policy.getJsonObject("breaker").getInteger("failures")).isEqualTo(5);
        assertThat(byName.get("payment.charge").getJsonObject("policy").getBoolean("idempotent")).isFalse();
        assertThat(byName.get("payment.charge").getJsonObject("faults"))
            .isEqualTo(new JsonObject().put("latencyMs", 0L).put("errorRate", 0.0).put("down", false)
                .put("capacityPerSecond", 0).put("duplicateRate", 0.0).put("dedup", true));
        testContext.completeNow();
      })));
    }
  }

  /**
   * GET on the management port. The response is read inside the {@code send} composition: composed
   * one level up, from a thread outside Vert.x, the body can end before it is asked for and the
   * future never completes (eclipse-vertx/vert.x#4705).
   */
  private Future<Response> get(String path) {
    return http.request(HttpMethod.GET, node.httpPort(), "127.0.0.1", path)
        .compose(request -> request.send().compose(response -> response.body().map(body ->
            new Response(response.statusCode(), response.getHeader("content-type"),
                response.getHeader("X-Switchboard-Instance"), body.toString()))))
        .timeout(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
  }

  private record Response(int status, String contentType, String instance, String body) {
  }

  /** The samples of a Prometheus text scrape. */
  private record Scrape(List<Sample> samples) {

    private static final Pattern LINE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})?\\s+(\\S+).*$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    record Sample(String name, Map<String, String> labels, double value) {
    }

    static Scrape parse(String text) {
      List<Sample> samples = new ArrayList<>();
      for (String line : text.split("\n")) {
        Matcher matcher = LINE.matcher(line);
        if (line.startsWith("#") || !matcher.matches()) {
          continue;
        }
        Map<String, String> labels = new LinkedHashMap<>();
        if (matcher.group(2) != null) {
          Matcher label = LABEL.matcher(matcher.group(2));
          while (label.find()) {
            labels.put(label.group(1), label.group(2));
          }
        }
        samples.add(new Sample(matcher.group(1), labels, Double.parseDouble(matcher.group(3))));
      }
      return new Scrape(samples);
    }

    List<Sample> samples(String name) {
      return samples.stream().filter(sample -> sample.name().equals(name)).toList();
    }

    /**
     * The value of the one sample of {@code name} with exactly {@code labels} besides {@code instance} (which
     * every sample has); fails listing the ones there are.
     */
    double value(String name, Map<String, String> labels) {
      List<Sample> found = samples(name).stream().filter(sample -> {
        Map<String, String> own = new LinkedHashMap<>(sample.labels());
        own.remove("instance");
        return own.equals(labels);
      }).toList();
      assertThat(found).as("%s%s among:%n%s", name, labels, samples(name).stream().map(Sample::toString)
          .collect(Collectors.joining(System.lineSeparator()))).hasSize(1);
      return found.get(0).value();
    }
  }
}
