package dev.switchboard.cli;

import dev.switchboard.checkout.OrderBook;
import dev.switchboard.checkout.v1.Order;
import dev.switchboard.node.Blocking;
import dev.switchboard.testing.RunningNode;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code switchboard load} against nodes running in this JVM, reached only through their public
 * gRPC port, as it would reach {@code serve} processes: every order it sends ends, the counts add up,
 * and the JSON report says so. Rates are modest and nothing here asserts a time or a throughput.
 */
@DisplayName("switchboard load")
class LoadCommandTest {

  /** Enough of each default SKU that no order is rejected for stock. */
  private static final Map<String, String> STOCKED = Map.of(
      "inventory.stock.SKU-APPLE", "100000",
      "inventory.stock.SKU-BANANA", "100000",
      "inventory.stock.SKU-CHERRY", "100000");

  /**
   * The grace period of every run here: a run ends as soon as its last order does, so a long one costs
   * nothing, and a machine busy with other work can take many seconds over a few orders.
   */
  private static final String GRACE = "300";

  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final List<RunningNode> nodes = new ArrayList<>();
  private PrintStream originalErr;
  private PrintStream originalOut;

  @TempDir
  Path directory;

  @BeforeEach
  void captureOutput() {
    originalErr = System.err;
    originalOut = System.out;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restoreOutputAndStop() {
    System.setErr(originalErr);
    System.setOut(originalOut);
    nodes.forEach(RunningNode::close);
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  private RunningNode node(String mode) {
    Map<String, String> settings = new java.util.HashMap<>(STOCKED);
    settings.put("defaults.mode", mode);
    RunningNode node = RunningNode.start(settings);
    nodes.add(node);
    return node;
  }

  private static String target(RunningNode node) {
    return "127.0.0.1:" + node.node().grpcPort();
  }

  private JsonObject json(Path file) throws IOException {
    return new JsonObject(Files.readString(file));
  }

  private static List<Order> stored(RunningNode node) {
    return Blocking.await(node.node().checkout().orders().all());
  }

  /** Every order sent is confirmed, rejected, failed or not ended, exactly one of them. */
  private static void assertCountsAddUp(JsonObject tally) {
    JsonObject rejected = tally.getJsonObject("rejected_by_reason");
    assertThat(rejected.getInteger("stock") + rejected.getInteger("payment") + rejected.getInteger("other"))
        .as("rejected by reason").isEqualTo(tally.getInteger("rejected"));
    assertThat(tally.getJsonObject("failed_by_status").stream().mapToInt(entry -> (Integer) entry.getValue()).sum())
        .as("failed by status").isEqualTo(tally.getInteger("failed"));
    assertThat(tally.getInteger("confirmed") + tally.getInteger("rejected") + tally.getInteger("failed")
        + tally.getInteger("not_ended")).as("confirmed + rejected + failed + not ended").isEqualTo(tally.getInteger("sent"));
  }

  @Nested
  @DisplayName("against a running node")
  class AgainstANode {

    @ParameterizedTest(name = "defaults.mode={0}")
    @ValueSource(strings = {"rpc", "event"})
    @DisplayName("every order sent ends terminal, the counts add up, and the JSON report has every field")
    void everyOrderEnds(String mode) throws IOException {
      RunningNode node = node(mode);
      Path report = directory.resolve("load.json");

      int exitCode = Main.run(new String[] {"load", "--target", target(node), "--rate", "40", "--seconds", "2",
          "--warmup", "1", "--grace", GRACE, "--clients", "2", "--out", report.toString()});

      assertThat(exitCode).as("exit code; stderr: %s", err()).isZero();
      JsonObject json = json(report);
      assertThat(json.fieldNames()).contains("command", "mode", "started_at", "run_id", "targets", "clients_per_target",
          "skus", "rate", "seconds", "warmup_seconds", "grace_seconds", "kept_up", "shortfalls", "backlog_growth",
          "max_send_lag_ms", "total", "per_target");
      assertThat(json.getString("mode")).isEqualTo("run");
      assertThat(json.getJsonArray("targets").getList()).containsExactly(target(node));
      JsonObject total = json.getJsonObject("total");
      assertThat(total.fieldNames()).containsExactly("sent", "answered_pending", "confirmed", "rejected",
          "rejected_by_reason", "failed", "failed_by_status", "not_ended", "not_ended_no_answer", "not_ended_pending",
          "measured_orders", "terminal_in_window", "throughput_per_s", "terminal_latency_ms");
      assertThat(total.getInteger("sent")).as("40/s for 1 + 2 s").isEqualTo(120);
      assertThat(total.getInteger("measured_orders")).as("due after the warm-up").isEqualTo(80);
      assertThat(total.getInteger("not_ended")).isZero();
      assertThat(total.getInteger("failed")).isZero();
      assertThat(total.getInteger("confirmed")).as("one unit at $10 each, stock enough").isEqualTo(120);
      assertThat(total.getInteger("answered_pending")).as("PENDING answers").isEqualTo(mode.equals("event") ? 120 : 0);
      assertCountsAddUp(total);
      JsonObject latency = total.getJsonObject("terminal_latency_ms");
      assertThat(latency.fieldNames()).containsExactly("p50", "p90", "p99", "max", "count");
      assertThat(latency.getLong("count")).isEqualTo(80);
      assertThat(latency.getDouble("p50")).isPositive().isLessThanOrEqualTo(latency.getDouble("p90"));
      assertThat(latency.getDouble("p99")).isLessThanOrEqualTo(latency.getDouble("max"));
      assertThat(json.getJsonObject("per_target").getJsonObject(target(node))).as("the one target's own tally")
          .isEqualTo(total);

      List<Order> stored = stored(node);
      assertThat(stored).as("distinct idempotency keys: one stored order per order sent").hasSize(120)
          .allMatch(OrderBook::isTerminal);
      assertThat(out()).contains("switchboard load: 40 orders/s for 2 s after 1 s of warm-up against " + target(node),
          "target", "confirmed", "p99 ms", "all ");
      assertThat(err()).as("progress lines").contains("sent ", "done ", "in flight ");
    }

    @Test
    @DisplayName("a second run against the same node places new orders, not replays of the first run's")
    void secondRunPlacesNewOrders() {
      RunningNode node = node("rpc");
      String[] args = {"load", "--target", target(node), "--rate", "20", "--seconds", "1", "--warmup", "0", "--grace",
          GRACE};

      assertThat(Main.run(args)).as("first run; stderr: %s", err()).isZero();
      assertThat(Main.run(args)).as("second run; stderr: %s", err()).isZero();

      assertThat(stored(node)).hasSize(40).allMatch(OrderBook::isTerminal);
    }

    @Test
    @DisplayName("two targets: the orders alternate between them, each reported on its own and in the total")
    void twoTargets() throws IOException {
      RunningNode first = node("rpc");
      RunningNode second = node("event");
      Path report = directory.resolve("two.json");

      int exitCode = Main.run(new String[] {"load", "--target", target(first) + "," + target(second), "--rate", "40",
          "--seconds", "2", "--warmup", "0", "--grace", GRACE, "--clients", "3", "--sku", "SKU-APPLE", "--sku", "SKU-CHERRY",
          "--out", report.toString()});

      assertThat(exitCode).as("exit code; stderr: %s", err()).isZero();
      JsonObject json = json(report);
      assertThat(json.getJsonArray("skus").getList()).containsExactly("SKU-APPLE", "SKU-CHERRY");
      JsonObject total = json.getJsonObject("total");
      assertThat(total.getInteger("sent")).isEqualTo(80);
      assertThat(total.getInteger("not_ended")).isZero();
      assertCountsAddUp(total);
      JsonObject perTarget = json.getJsonObject("per_target");
      assertThat(perTarget.fieldNames()).containsExactly(target(first), target(second));
      for (String name : perTarget.fieldNames()) {
        assertThat(perTarget.getJsonObject(name).getInteger("sent")).as(name).isEqualTo(40);
        assertThat(perTarget.getJsonObject(name).getInteger("not_ended")).as(name).isZero();
        assertCountsAddUp(perTarget.getJsonObject(name));
      }
      assertThat(perTarget.getJsonObject(target(first)).getInteger("answered_pending")).as("rpc mode").isZero();
      assertThat(perTarget.getJsonObject(target(second)).getInteger("answered_pending")).as("event mode").isEqualTo(40);
      assertThat(stored(first)).hasSize(40).allMatch(OrderBook::isTerminal)
          .allMatch(order -> order.getItems(0).getSku().matches("SKU-APPLE|SKU-CHERRY"));
      assertThat(stored(second)).hasSize(40).allMatch(OrderBook::isTerminal);
      assertThat(out()).contains(target(first), target(second));
    }

    @Test
    @DisplayName("--find-max runs steps up to --max-rate and reports the highest rate that kept up, each step's counts adding up")
    void findMax() throws IOException {
      RunningNode node = node("rpc");
      Path report = directory.resolve("find-max.json");

      int exitCode = Main.run(new String[] {"load", "--target", target(node), "--find-max", "--rate", "10",
          "--max-rate", "20", "--seconds", "1", "--warmup", "1", "--grace", GRACE, "--out", report.toString()});

      assertThat(exitCode).as("exit code; stderr: %s", err()).isZero();
      JsonObject json = json(report);
      assertThat(json.getString("mode")).isEqualTo("find-max");
      List<JsonObject> steps = json.getJsonArray("steps").stream().map(JsonObject.class::cast).toList();
      assertThat(steps).isNotEmpty().allSatisfy(step -> {
        assertThat(step.getInteger("rate")).isBetween(1, 20);
        assertThat(step.getJsonObject("total").getInteger("sent")).isEqualTo(step.getInteger("rate") * 2);
        assertThat(step.getJsonObject("total").getInteger("not_ended")).isZero();
        assertCountsAddUp(step.getJsonObject("total"));
        assertThat(step.getBoolean("kept_up")).isEqualTo(step.getJsonArray("shortfalls").isEmpty());
      });
      assertThat(steps.get(0).getInteger("rate")).isEqualTo(10);
      int highest = json.getInteger("highest_sustained_rate");
      assertThat(highest).isEqualTo(steps.stream().filter(step -> step.getBoolean("kept_up"))
          .mapToInt(step -> step.getInteger("rate")).max().orElse(0));
      assertThat(out()).contains("highest sustained rate: ");
      assertThat(stored(node)).allMatch(OrderBook::isTerminal)
          .hasSize(steps.stream().mapToInt(step -> step.getJsonObject("total").getInteger("sent")).sum());
    }
  }

  @Test
  @DisplayName("--find-max waits for the orders a step left open to end before the next step, and says so")
  void findMaxSettlesBetweenSteps() throws IOException {
    Map<String, String> settings = new java.util.HashMap<>(STOCKED);
    settings.put("defaults.mode", "event");
    // every charge takes 3 s: the one order of a 1 s step with no grace is still PENDING when the step ends,
    // even with the generator's deadline timer seconds late on a busy machine
    settings.put("operations.payment.charge.faults.latencyMs", "3000");
    RunningNode node = RunningNode.start(settings);
    nodes.add(node);
    Path report = directory.resolve("settling.json");

    int exitCode = Main.run(new String[] {"load", "--target", target(node), "--find-max", "--rate", "1",
        "--max-rate", "1", "--seconds", "1", "--warmup", "0", "--grace", "0", "--out", report.toString()});

    assertThat(exitCode).as("exit code; stderr: %s", err()).isZero();
    List<JsonObject> steps = json(report).getJsonArray("steps").stream().map(JsonObject.class::cast).toList();
    assertThat(steps).as("1/s falls (p99 over 1 s) and is run once more").hasSize(2).allSatisfy(step -> {
      assertThat(step.getBoolean("kept_up")).isFalse();
      assertThat(step.getJsonObject("total").getInteger("sent")).isEqualTo(1);
      assertThat(step.getJsonObject("total").getInteger("not_ended")).as("within the step").isEqualTo(1);
      JsonObject settling = step.getJsonObject("settling");
      assertThat(settling.getLong("open_at_end")).isEqualTo(1);
      assertThat(settling.getLong("still_open")).as("ended before the next step").isZero();
      assertThat(settling.getLong("limit_ms")).isEqualTo(120_000);
    });
    assertThat(stored(node)).as("each step's order ended before the command did, the last one's too").hasSize(2)
        .allMatch(OrderBook::isTerminal);
    assertThat(err()).contains("step 1 1/s 1 order still open at the end: waiting up to 120 s for it to end",
        "step 1 1/s the 1 order open at the end ended within", "step 2 1/s the 1 order open at the end ended within");
    assertThat(out()).contains("each step's open orders waited for (up to 120 s) after it")
        .doesNotContain("started on targets still busy");
  }

  @Test
  @DisplayName("a target nothing listens on: exit 1 naming it, no stack trace, nothing sent")
  void unreachableTarget() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }

    int exitCode = Main.run(new String[] {"load", "--target", "127.0.0.1:" + port, "--rate", "10", "--seconds", "1"});

    assertThat(exitCode).isEqualTo(1);
    assertThat(err()).contains("switchboard: load: target 127.0.0.1:" + port + " is unreachable")
        .doesNotContain("\tat ", "Exception");
    assertThat(out()).isEmpty();
  }

  static Stream<Arguments> badArguments() {
    return Stream.of(
        Arguments.of(List.of("--rate", "10"), "--target is required"),
        Arguments.of(List.of("--target", "localhost"), "--target = 'localhost': 'localhost' is not HOST:PORT"),
        Arguments.of(List.of("--target", "127.0.0.1:9090,127.0.0.1:70000"),
            "'127.0.0.1:70000' is not HOST:PORT; expected HOST:PORT[,HOST:PORT...] with a port from 1 to 65535"),
        Arguments.of(List.of("--target", "127.0.0.1:9090", "--rate", "0"),
            "--rate = '0': expected a whole number from 1 to 100000"),
        Arguments.of(List.of("--target", "127.0.0.1:9090", "--rate", "fast"),
            "--rate = 'fast': expected a whole number from 1 to 100000"),
        Arguments.of(List.of("--target", "127.0.0.1:9090", "--seconds", "0"),
            "--seconds = '0': expected a whole number from 1 to 3600"),
        Arguments.of(List.of("--target", "127.0.0.1:9090", "--warmup", "-1"),
            "--warmup = '-1': expected a whole number from 0 to 3600"),
        Arguments.of(List.of("--target", "127.0.0.1:9090", "--clients", "1000"),
            "--clients = '1000': expected a whole number from 1 to 256"),
        Arguments.of(List.of("--target", "127.0.0.1:9090", "--sku", "SKU.APPLE"),
            "--sku = 'SKU.APPLE': expected 1 to 64 characters of [A-Za-z0-9_-]"),
        Arguments.of(List.of("--target", "127.0.0.1:9090", "--rat", "10"), "unknown option --rat; load takes"),
        Arguments.of(List.of("--target", "127.0.0.1:9090", "--max-rate", "10"), "--max-rate applies to --find-max only"),
        Arguments.of(List.of("--target", "127.0.0.1:9090", "--rate", "100000", "--seconds", "3600"),
            "--rate × (--warmup + --seconds) = 100000 × 3605 = 360500000 orders in one run: at most 5000000"),
        Arguments.of(List.of("--target", "127.0.0.1:9090", "--find-max", "--max-rate", "100000", "--seconds", "3600"),
            "--max-rate × (--warmup + --seconds) = 100000 × 3605 = 360500000 orders in one run: at most 5000000"),
        Arguments.of(List.of("--target", "127.0.0.1:9090", "--set", "defaults.mode=event"),
            "load takes no --config or --set"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badArguments")
  @DisplayName("a bad option: exit 2 with one line naming the option, the value and what is allowed; nothing sent")
  void badArgument(List<String> arguments, String message) {
    List<String> args = new ArrayList<>(List.of("load"));
    args.addAll(arguments);

    int exitCode = Main.run(args.toArray(String[]::new));

    assertThat(exitCode).isEqualTo(2);
    assertThat(err()).startsWith("switchboard: load: ").contains(message).doesNotContain("\tat ");
    assertThat(out()).isEmpty();
  }

  @Test
  @DisplayName("--help lists load and its options")
  void help() {
    int exitCode = Main.run(new String[] {"--help"});

    assertThat(exitCode).isZero();
    assertThat(out()).contains("load             open-loop load against processes already running",
        "Load options:", "--target HOST:PORT[,HOST:PORT...]", "--find-max", "--clients N", "--sku SKU");
  }
}
