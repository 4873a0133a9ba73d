package dev.switchboard.edge;

import dev.switchboard.checkout.CheckoutOperations;
import dev.switchboard.checkout.v1.ChargeRequest;
import dev.switchboard.checkout.v1.PaymentReceipt;
import dev.switchboard.node.Blocking;
import dev.switchboard.node.NodeConfig;
import dev.switchboard.platform.CallContext;
import dev.switchboard.platform.ErrorCode;
import dev.switchboard.platform.OperationException;
import dev.switchboard.platform.config.ConfigException;
import dev.switchboard.platform.config.FaultSettings;
import dev.switchboard.platform.metrics.SwitchboardMetrics;
import dev.switchboard.testing.CapturedLogs;
import dev.switchboard.testing.Eventually;
import dev.switchboard.testing.ManagementClient;
import dev.switchboard.testing.ManagementClient.Response;
import dev.switchboard.testing.RunningNode;
import dev.switchboard.testing.TestNodes;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Live control on the management port over real HTTP: the state-changing endpoints take the bearer
 * token {@code management.token}; {@code PUT /operations/{name}/faults} sets an operation's fault
 * knobs, {@code PUT /operations/{name}/breaker} forces its breaker open or closed, and
 * {@code GET /operations} shows breakers and work in flight. Behaviour is asserted by outcomes, never
 * by how long something took.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("Live control on the management port")
class ManagementControlTest {

  private static final String TOKEN = "management-control-test-token-0123456789";
  private static final Duration SETTLE = Duration.ofSeconds(10);
  private static final String CHARGE = "payment.charge";
  private static final AtomicInteger ORDERS = new AtomicInteger();

  private HttpClientAgent http;
  private RunningNode running;

  @BeforeEach
  void httpClient(Vertx vertx) {
    this.http = vertx.createHttpClient();
  }

  @AfterEach
  void stop() {
    if (running != null) {
      running.close();
    }
    Blocking.await(http.close());
  }

  private void start(String... keysAndValues) {
    Map<String, String> overrides = new HashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      overrides.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    running = RunningNode.start(overrides);
  }

  private void startWithToken(String... more) {
    String[] keysAndValues = Stream.concat(Stream.of("management.token", TOKEN), Stream.of(more))
        .toArray(String[]::new);
    start(keysAndValues);
  }

  @Nested
  @DisplayName("authentication")
  class Authentication {

    @Test
    @DisplayName("without a configured token, a change is refused with 403 saying to set management.token")
    void disabledWithoutToken() {
      start();

      Response response = put("/operations/payment.charge/faults", TOKEN, "{\"down\":true}");

      assertThat(response.status()).isEqualTo(403);
      assertThat(response.json().getString("error")).contains("management.token");
      assertThat(faults()).isEqualTo(FaultSettings.NONE);
    }

    @Test
    @DisplayName("without Authorization, a change is refused with 401")
    void missingToken() {
      startWithToken();

      Response response = put("/operations/payment.charge/faults", null, "{\"down\":true}");

      assertThat(response.status()).isEqualTo(401);
      assertThat(response.json().getString("error")).contains("Authorization: Bearer");
      assertThat(faults()).isEqualTo(FaultSettings.NONE);
    }

    @Test
    @DisplayName("with a wrong token, a change is refused with 403")
    void wrongToken() {
      startWithToken();

      for (String wrong : List.of(TOKEN + "x", TOKEN.substring(1), "short", TOKEN.replace('0', '1'))) {
        Response response = put("/operations/payment.charge/faults", wrong, "{\"down\":true}");
        assertThat(response.status()).as("token %s", wrong).isEqualTo(403);
        assertThat(response.json().getString("error")).isEqualTo("wrong token");
      }
      assertThat(faults()).isEqualTo(FaultSettings.NONE);
    }

    @Test
    @DisplayName("with the right token, the change is made and answered with 200")
    void rightToken() {
      startWithToken();

      Response response = put("/operations/payment.charge/faults", TOKEN, "{\"latencyMs\":5}");

      assertThat(response.status()).isEqualTo(200);
      assertThat(faults()).isEqualTo(FaultSettings.NONE.withLatencyMs(5));
    }

    @Test
    @DisplayName("GET endpoints stay open without a token")
    void readsStayOpen() {
      startWithToken();

      assertThat(get("/operations").status()).isEqualTo(200);
      assertThat(get("/health").status()).isEqualTo(200);
    }

    @Test
    @DisplayName("a token too short stops start-up naming management.token without printing the value")
    void shortTokenRefused() {
      Throwable failure = catchThrowable(() -> TestNodes.start(Map.of("management.token", "secret-123")));

      assertThat(failure).isInstanceOf(ConfigException.class);
      assertThat(((ConfigException) failure).key()).isEqualTo("management.token");
      assertThat(failure.getMessage()).doesNotContain("secret-123");
    }
  }

  @Nested
  @DisplayName("PUT /operations/{name}/faults")
  class Faults {

    @Test
    @DisplayName("down: the next call answers UNAVAILABLE; {} clears it and calls pass again")
    void downAndReset() {
      startWithToken();

      Response down = put("/operations/payment.charge/faults", TOKEN, "{\"down\":true}");
      assertThat(down.status()).isEqualTo(200);
      assertThat(down.json().getJsonObject("faults").getBoolean("down")).isTrue();
      assertThat(faults().down()).isTrue();
      assertThat(failureOfCharge()).satisfies(failure -> {
        assertThat(failure.code()).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(failure.getMessage()).contains("down");
      });

      Response reset = put("/operations/payment.charge/faults", TOKEN, "{}");
      assertThat(reset.status()).isEqualTo(200);
      assertThat(faults()).isEqualTo(FaultSettings.NONE);
      assertThat(charge()).isNotNull();
    }

    @Test
    @DisplayName("answers the new settings; knobs left out are off; the change shows in GET /operations")
    void answersNewSettings() {
      startWithToken();

      Response response = put("/operations/payment.charge/faults", TOKEN,
          "{\"latencyMs\":20,\"errorRate\":0.5,\"capacityPerSecond\":100,\"duplicateRate\":0.25,\"dedup\":false}");

      assertThat(response.status()).isEqualTo(200);
      JsonObject expected = new JsonObject().put("latencyMs", 20L).put("errorRate", 0.5).put("down", false)
          .put("capacityPerSecond", 100).put("duplicateRate", 0.25).put("dedup", false);
      assertThat(response.json()).isEqualTo(new JsonObject().put("operation", CHARGE).put("faults", expected));
      assertThat(faults()).isEqualTo(new FaultSettings(20, 0.5, false, 100, 0.25, false));
      assertThat(operation(CHARGE).getJsonObject("faults")).isEqualTo(expected);

      put("/operations/payment.charge/faults", TOKEN, "{\"down\":true}");
      assertThat(faults()).isEqualTo(FaultSettings.NONE.withDown(true));
    }

    /** body, the field the answer names, a fragment of what it says is allowed. */
    static Stream<Arguments> badBodies() {
      return Stream.of(
          arguments("not json", "body", "a JSON object"),
          arguments("[1,2]", "body", "a JSON object"),
          arguments("", "body", "a JSON object"),
          arguments("{\"latency\":5}", "latency", "latencyMs"),
          arguments("{\"latencyMs\":-1}", "latencyMs", "an integer from 0 to 600000"),
          arguments("{\"latencyMs\":1.5}", "latencyMs", "an integer from 0 to 600000"),
          arguments("{\"latencyMs\":\"5\"}", "latencyMs", "an integer from 0 to 600000"),
          arguments("{\"errorRate\":2}", "errorRate", "a number from 0 to 1"),
          arguments("{\"errorRate\":\"half\"}", "errorRate", "a number from 0 to 1"),
          arguments("{\"down\":\"yes\"}", "down", "true or false"),
          arguments("{\"down\":null}", "down", "true or false"),
          arguments("{\"capacityPerSecond\":2000000}", "capacityPerSecond", "an integer from 0 to 1000000"),
          arguments("{\"duplicateRate\":-0.1}", "duplicateRate", "a number from 0 to 1"),
          arguments("{\"dedup\":1}", "dedup", "true or false"));
    }

    @ParameterizedTest(name = "{0} -> 400 naming {1}")
    @MethodSource("dev.switchboard.edge.ManagementControlTest$Faults#badBodies")
    @DisplayName("a bad body is refused with 400 naming the field, the value and what is allowed; nothing changes")
    void badBody(String body, String field, String allowed) {
      startWithToken();

      Response response = put("/operations/payment.charge/faults", TOKEN, body);

      assertThat(response.status()).isEqualTo(400);
      JsonObject error = response.json();
      assertThat(error.getString("field")).isEqualTo(field);
      assertThat(error.getString("allowed")).contains(allowed);
      assertThat(error.getString("error")).startsWith(field + ": ").contains(allowed);
      assertThat(error.containsKey("value")).isTrue();
      assertThat(faults()).isEqualTo(FaultSettings.NONE);
    }

    @Test
    @DisplayName("an unknown operation is a bad request (400) naming the field, the value and the known ones")
    void unknownOperation() {
      startWithToken();

      Response response = put("/operations/payment.chrage/faults", TOKEN, "{\"down\":true}");

      assertThat(response.status()).isEqualTo(400);
      assertThat(response.json().getString("field")).isEqualTo("name");
      assertThat(response.json().getString("value")).isEqualTo("payment.chrage");
      assertThat(response.json().getString("error")).contains("\"payment.chrage\"", "payment.charge");
    }
  }

  @Nested
  @DisplayName("PUT /operations/{name}/breaker")
  class Breaker {

    @Test
    @DisplayName("forced open, calls fail fast with UNAVAILABLE naming the breaker; forced closed, they pass")
    void forceOpenThenClosed() {
      startWithToken("operations.payment.charge.breaker.failures", "5");
      assertThat(operation(CHARGE).getJsonObject("breakers")).isEqualTo(new JsonObject().put("local", "closed"));

      Response opened = put("/operations/payment.charge/breaker", TOKEN, "{\"state\":\"open\"}");
      assertThat(opened.status()).isEqualTo(200);
      assertThat(opened.json().getJsonObject("breakers")).isEqualTo(new JsonObject().put("local", "open"));
      assertThat(operation(CHARGE).getJsonObject("breakers")).isEqualTo(new JsonObject().put("local", "open"));
      long chargesBefore = charges();
      for (int i = 0; i < 3; i++) {
        OperationException failure = failureOfCharge();
        assertThat(failure.code()).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(failure.getMessage()).contains("circuit breaker", "forced open");
      }
      assertThat(charges()).as("charges made while the breaker was open").isEqualTo(chargesBefore);

      Response closed = put("/operations/payment.charge/breaker", TOKEN, "{\"state\":\"closed\"}");
      assertThat(closed.status()).isEqualTo(200);
      assertThat(closed.json().getJsonObject("breakers")).isEqualTo(new JsonObject().put("local", "closed"));
      assertThat(charge()).isNotNull();
      assertThat(charges()).isEqualTo(chargesBefore + 1);
    }

    @Test
    @DisplayName("a breaker tripped by failures is closed at once when forced closed, before its reset time")
    void forceClosedAfterTripping() {
      startWithToken("operations.payment.charge.breaker.failures", "2",
          "operations.payment.charge.breaker.resetMs", "600000");
      put("/operations/payment.charge/faults", TOKEN, "{\"down\":true}");
      Eventually.asserts(SETTLE, () -> {
        OperationException failure = failureOfCharge();
        assertThat(failure.code()).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(failure.getMessage()).contains("circuit breaker", "open");
      });
      assertThat(operation(CHARGE).getJsonObject("breakers")).isEqualTo(new JsonObject().put("local", "open"));
      put("/operations/payment.charge/faults", TOKEN, "{}");
      assertThat(failureOfCharge().getMessage()).as("still open: the callee is back but the breaker waits")
          .contains("circuit breaker");

      Response closed = put("/operations/payment.charge/breaker", TOKEN, "{\"state\":\"closed\"}");

      assertThat(closed.status()).isEqualTo(200);
      assertThat(closed.json().getJsonObject("breakers")).isEqualTo(new JsonObject().put("local", "closed"));
      assertThat(charge()).isNotNull();
    }

    @Test
    @DisplayName("an operation without a breaker is answered 409 saying breaker.failures must be set")
    void noBreaker() {
      startWithToken();

      Response response = put("/operations/payment.charge/breaker", TOKEN, "{\"state\":\"open\"}");

      assertThat(response.status()).isEqualTo(409);
      assertThat(response.json().getString("error")).contains("operations.payment.charge.breaker.failures");
      assertThat(charge()).isNotNull();
    }

    @Test
    @DisplayName("a state other than open or closed is answered 400 naming the field")
    void badState() {
      startWithToken("operations.payment.charge.breaker.failures", "5");

      for (String body : List.of("{\"state\":\"half_open\"}", "{\"state\":true}", "{}", "{\"open\":true}")) {
        Response response = put("/operations/payment.charge/breaker", TOKEN, body);
        assertThat(response.status()).as(body).isEqualTo(400);
        assertThat(response.json().getString("field")).as(body).isIn("state", "open");
      }
      assertThat(operation(CHARGE).getJsonObject("breakers")).isEqualTo(new JsonObject().put("local", "closed"));
    }

    @Test
    @DisplayName("an unknown operation is a bad request (400) naming the field, the value and the known ones")
    void unknownOperation() {
      startWithToken();

      Response response = put("/operations/nope/breaker", TOKEN, "{\"state\":\"open\"}");

      assertThat(response.status()).isEqualTo(400);
      assertThat(response.json().getString("field")).isEqualTo("name");
      assertThat(response.json().getString("error")).contains("\"nope\"");
    }
  }

  @Nested
  @DisplayName("GET /operations")
  class Operations {

    @Test
    @DisplayName("shows the calls in flight while they are, and the calls and handler runs once done")
    void inFlightAndCounts() {
      startWithToken("operations.payment.charge.timeoutMs", "30000");
      assertThat(operation(CHARGE).getInteger("inFlight")).isZero();
      assertThat(operation(CHARGE).getJsonObject("breakers")).isEmpty();
      put("/operations/payment.charge/faults", TOKEN, "{\"latencyMs\":3000}");

      Future<PaymentReceipt> slow = running.node().switchboard().call(CheckoutOperations.PAYMENT_CHARGE,
          chargeRequest(), CallContext.begin("slow-charge"));
      Eventually.asserts(SETTLE, () -> assertThat(operation(CHARGE).getInteger("inFlight")).isEqualTo(1));
      assertThat(Blocking.await(slow)).isNotNull();

      Eventually.asserts(SETTLE, () -> {
        JsonObject charge = operation(CHARGE);
        assertThat(charge.getInteger("inFlight")).isZero();
        assertThat(charge.getJsonObject("calls").getLong("count")).isEqualTo(1);
        assertThat(charge.getJsonObject("calls").getJsonObject("outcomes").getLong("completed")).isEqualTo(1);
        assertThat(charge.getJsonObject("handled").getJsonObject("outcomes").getLong("ok")).isEqualTo(1);
        assertThat(charge.getJsonObject("handled").getDouble("meanMs")).isPositive();
        assertThat(charge.getJsonObject("handled").getDouble("maxMs")).isPositive();
      });
    }
  }

  @Nested
  @DisplayName("PUT /operations/{name}/mode")
  class Mode {

    @Test
    @DisplayName("flips a running operation both ways; GET /operations shows it, and calls go the new way")
    void flipsBothWays() {
      startWithToken();
      Response toEvent = put("/operations/payment.charge/mode", TOKEN, "{\"mode\":\"event\"}");
      assertThat(toEvent.status()).isEqualTo(200);
      assertThat(toEvent.json().getString("mode")).isEqualTo("event");
      assertThat(toEvent.json().getString("transport")).isEqualTo("local");
      assertThat(toEvent.json().getJsonObject("before").getString("mode")).isEqualTo("rpc");
      assertThat(operation(CHARGE).getString("mode")).isEqualTo("event");
      assertThat(running.node().switchboard().settings(CheckoutOperations.PAYMENT_CHARGE).mode().spelling())
          .isEqualTo("event");

      Response toRpc = put("/operations/payment.charge/mode", TOKEN, "{\"mode\":\"rpc\",\"transport\":\"local\"}");
      assertThat(toRpc.status()).isEqualTo(200);
      assertThat(operation(CHARGE).getString("mode")).isEqualTo("rpc");
      assertThat(charge()).as("an rpc call answered inline after the flip back").isNotNull();
    }

    @Test
    @DisplayName("needs the token: 401 without, 403 with a wrong one; the mode stays")
    void needsToken() {
      startWithToken();
      assertThat(put("/operations/payment.charge/mode", null, "{\"mode\":\"event\"}").status()).isEqualTo(401);
      assertThat(put("/operations/payment.charge/mode", TOKEN + "x", "{\"mode\":\"event\"}").status()).isEqualTo(403);
      assertThat(operation(CHARGE).getString("mode")).isEqualTo("rpc");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.switchboard.edge.ManagementControlTest#badModeBodies")
    @DisplayName("a bad body is 400 naming the field; nothing changes")
    void badBody(String body, String field) {
      startWithToken();
      Response response = put("/operations/payment.charge/mode", TOKEN, body);
      assertThat(response.status()).isEqualTo(400);
      assertThat(response.json().getString("field")).isEqualTo(field);
      assertThat(operation(CHARGE).getString("mode")).isEqualTo("rpc");
    }

    @Test
    @DisplayName("to a transport no process consumes the operation on: 409 naming transport and what is allowed")
    void transportNotServed() {
      startWithToken();
      Response response = put("/operations/payment.charge/mode", TOKEN, "{\"mode\":\"event\",\"transport\":\"kafka\"}");
      assertThat(response.status()).isEqualTo(409);
      assertThat(response.json().getString("field")).isEqualTo("transport");
      assertThat(response.json().getString("allowed")).contains("fallbackTransport");
      assertThat(operation(CHARGE).getString("mode")).isEqualTo("rpc");
    }

    @Test
    @DisplayName("to the event bus for an operation served in another process over grpc, the bus not clustered:"
        + " 409 naming transport (its commands would reach nobody); the mode stays")
    void eventBusReachesNobody() {
      startWithToken("operations.payment.charge.transport", "grpc", "operations.payment.charge.target", "127.0.0.1:9",
          "internal.token", "management-control-internal-token-0123");
      Response response = put("/operations/payment.charge/mode", TOKEN, "{\"mode\":\"event\"}");
      assertThat(response.status()).isEqualTo(409);
      assertThat(response.json().getString("field")).isEqualTo("transport");
      assertThat(response.json().getString("value")).isEqualTo("local");
      assertThat(response.json().getString("allowed")).contains("clustered event bus", "fallbackTransport: kafka");
      assertThat(operation(CHARGE).getString("mode")).isEqualTo("rpc");
    }

    @Test
    @DisplayName("an unknown operation is a bad request (400) naming the field and listing the known ones")
    void unknownOperation() {
      startWithToken();
      Response response = put("/operations/payment.chrage/mode", TOKEN, "{\"mode\":\"event\"}");
      assertThat(response.status()).isEqualTo(400);
      assertThat(response.json().getString("field")).isEqualTo("name");
      assertThat(response.json().getString("error")).contains("payment.charge");
    }

    @Test
    @DisplayName("a flip is one audit line (before -> after) and a count of action mode")
    void audited() {
      startWithToken();
      try (CapturedLogs logs = new CapturedLogs()) {
        assertThat(put("/operations/payment.charge/mode", TOKEN, "{\"mode\":\"event\"}").status()).isEqualTo(200);
        assertThat(logs.lines()).anySatisfy(line -> assertThat(line)
            .contains("mode of payment.charge").contains("rpc/local -> event/local"));
      }
      assertThat(running.node().switchboard().metrics().registry().find("switchboard.management.changes")
          .tag("action", "mode").counter().count()).isEqualTo(1);
    }
  }

  static Stream<Arguments> badModeBodies() {
    return Stream.of(
        arguments("{\"mode\":\"sync\"}", "mode"),
        arguments("{}", "mode"),
        arguments("{\"mode\":\"event\",\"transport\":\"pigeon\"}", "transport"),
        arguments("{\"mode\":\"event\",\"colour\":\"red\"}", "colour"),
        arguments("not json", "body"));
  }

  @Nested
  @DisplayName("audit and secrecy")
  class Audit {

    @Test
    @DisplayName("every change is one audit line and a count by action; the token appears in no log line or response")
    void auditedAndNeverPrinted() {
      try (CapturedLogs captured = new CapturedLogs()) {
        startWithToken("operations.payment.charge.breaker.failures", "5");
        assertThat(put("/operations/payment.charge/faults", TOKEN, "{\"latencyMs\":7}").status()).isEqualTo(200);
        assertThat(put("/operations/payment.charge/breaker", TOKEN, "{\"state\":\"open\"}").status()).isEqualTo(200);
        assertThat(put("/operations/payment.charge/breaker", TOKEN, "{\"state\":\"closed\"}").status()).isEqualTo(200);
        assertThat(put("/operations/payment.charge/faults", TOKEN + "x", "{\"down\":true}").status()).isEqualTo(403);
        List<Response> reads = List.of(get("/operations"), get("/metrics"), get("/health"), get("/ready"));

        assertThat(changes("faults")).isEqualTo(1);
        assertThat(changes("breaker")).isEqualTo(2);
        assertThat(reads).allSatisfy(read -> assertThat(read.body()).doesNotContain(TOKEN));
        assertThat(running.node().config().toString()).doesNotContain(TOKEN);
        assertThat(NodeConfig.from(TestNodes.settings(Map.of("management.token", TOKEN))).edge().toString())
            .doesNotContain(TOKEN).contains("managementToken=*****");
        running.close();
        running = null;

        List<String> lines = captured.lines();
        List<String> audit = lines.stream().filter(line -> line.startsWith("management change by token from")).toList();
        assertThat(audit).hasSize(3);
        assertThat(audit.get(0)).contains("faults of payment.charge", "latencyMs=0", "->", "latencyMs=7");
        assertThat(audit.get(1)).contains("breaker of payment.charge", "{local=closed} -> {local=open}");
        assertThat(audit.get(2)).contains("breaker of payment.charge", "{local=open} -> {local=closed}");
        assertThat(lines).noneMatch(line -> line.contains(TOKEN));
      }
    }

    private double changes(String action) {
      Counter counter = running.node().switchboard().metrics().registry().find(SwitchboardMetrics.MANAGEMENT_CHANGES)
          .tag("action", action).counter();
      return counter == null ? 0 : counter.count();
    }
  }

  // ---------------------------------------------------------------- helpers

  private FaultSettings faults() {
    return running.node().switchboard().faults().get(CHARGE);
  }

  private long charges() {
    return Blocking.await(running.node().checkout().payments().chargeCount());
  }

  private static ChargeRequest chargeRequest() {
    return ChargeRequest.newBuilder().setOrderId("management-order-" + ORDERS.incrementAndGet()).setCustomerId("c-1")
        .setAmountCents(700).build();
  }

  private PaymentReceipt charge() {
    return Blocking.await(running.node().switchboard().call(CheckoutOperations.PAYMENT_CHARGE, chargeRequest(),
        CallContext.begin("charge-" + ORDERS.get())));
  }

  private OperationException failureOfCharge() {
    Throwable failure = catchThrowable(this::charge);
    assertThat(failure).as("the charge's failure").isNotNull();
    return OperationException.from(CHARGE, failure);
  }

  private JsonObject operation(String name) {
    Response response = get("/operations");
    assertThat(response.status()).isEqualTo(200);
    for (Object entry : new JsonArray(response.body())) {
      JsonObject operation = (JsonObject) entry;
      if (operation.getString("operation").equals(name)) {
        return operation;
      }
    }
    throw new AssertionError("no " + name + " in " + response.body());
  }

  private Response get(String path) {
    return send(HttpMethod.GET, path, null, null);
  }

  private Response put(String path, String token, String body) {
    return send(HttpMethod.PUT, path, token, body);
  }

  private Response send(HttpMethod method, String path, String token, String body) {
    return ManagementClient.send(http, running.node().httpPort(), method, path, token, body);
  }
}
