package dev.switchboard.edge;

import dev.switchboard.experiment.CheckoutGrpcClient;
import dev.switchboard.testing.BrowserScript;
import dev.switchboard.testing.Eventually;
import dev.switchboard.testing.ManagementClient;
import dev.switchboard.testing.Orders;
import dev.switchboard.testing.RunningNode;
import dev.switchboard.testing.TestNodes;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The operator's console as an operator uses it: {@code clients/browser/check-console.js} opens
 * {@code /} of a node's management port in headless Chromium while orders flow, is refused a change
 * without the token (the API's error shown on the page), types the token in, sets faults on
 * {@code payment.charge}, forces its breaker open and closed, and switches it from rpc to event with
 * the row's button — each change seen in the page's table and in {@code GET /operations} — then,
 * where the node keeps dead letters, sets it down until its commands are listed, brings it back and
 * replays them with the button (seen in {@code GET /deadletters}) — and finds
 * the chart drawn and orders.place's rate shown, with nothing fetched from elsewhere and no page or
 * console errors. The node's own view is asserted here once more. A full-page screenshot stays in
 * {@code target/console-browser-it/}. Skipped without Chromium and the client unless
 * {@code SWITCHBOARD_REQUIRE_BROWSER=1} ({@link BrowserScript#require()}).
 */
@DisplayName("The web console in a real browser")
class ConsoleBrowserIT {

  private static final String TOKEN = "console-browser-it-token-" + UUID.randomUUID();
  private static final String CHARGE = "payment.charge";
  private static final Path OUT = Path.of("target", "console-browser-it");
  private static final Duration SETTLE = Duration.ofSeconds(20);

  private RunningNode running;
  private ManagementClient management;
  private ScheduledExecutorService traffic;

  @AfterEach
  void stop() throws InterruptedException {
    if (traffic != null) {
      traffic.shutdownNow();
      traffic.awaitTermination(10, TimeUnit.SECONDS);
    }
    if (management != null) {
      management.close();
    }
    if (running != null) {
      running.close();
    }
  }

  @Test
  @DisplayName("sets faults, forces the breaker and flips payment.charge to event from the page; the API agrees")
  void operatesTheNode() throws Exception {
    BrowserScript.require();
    running = RunningNode.start(Map.of("management.token", TOKEN,
        "operations.payment.charge.breaker.failures", "5",
        "operations.payment.charge.retries", "1", "operations.payment.charge.retryBackoffMs", "20",
        "inventory.stock." + TestNodes.APPLE, "1000000"));
    management = new ManagementClient(running.node().httpPort(), null);
    assertThat(management.operation(CHARGE).getString("mode")).isEqualTo("rpc");
    // where the node keeps dead letters, the page lists and replays them; where not, it says so
    boolean deadLetters = management.get("/deadletters?limit=1").status() == 200;
    CheckoutGrpcClient client = running.newClient();
    traffic = Executors.newSingleThreadScheduledExecutor();
    traffic.scheduleAtFixedRate(() -> client.placeOrder(Orders.order(TestNodes.APPLE, 1, 200),
        "console-it-" + UUID.randomUUID()), 0, 100, TimeUnit.MILLISECONDS);
    Path screenshot = OUT.resolve("console-screenshot.png").toAbsolutePath();
    Files.createDirectories(OUT);
    Files.deleteIfExists(screenshot);

    BrowserScript.Result run = BrowserScript.run(OUT.resolve("check-console.out"), 240, "check-console.js",
        "--url", management.base() + "/", "--token", TOKEN, "--operation", CHARGE, "--flip", "true",
        "--deadletters", Boolean.toString(deadLetters),
        "--screenshot", screenshot.toString(), "--chromium", BrowserScript.CHROMIUM.toString());

    String printed = run.printed();
    JsonObject check = run.json();
    assertThat(check.getJsonArray("failures")).as(printed).isEmpty();
    assertThat(check.getBoolean("ok")).as(printed).isTrue();
    assertThat(run.exitCode()).as(printed).isZero();
    JsonObject steps = check.getJsonObject("steps");
    assertThat(steps.getString("errorWithoutToken")).contains("Authorization: Bearer");
    assertThat(steps.getBoolean("tokenKept")).isTrue();
    assertThat(steps.getJsonObject("faultsInApi").getInteger("latencyMs")).isEqualTo(120);
    assertThat(steps.getString("faultsOnPage")).contains("+120 ms", "10% errors");
    assertThat(steps.getJsonObject("breakersOpenInApi")).isEqualTo(new JsonObject().put("local", "open"));
    assertThat(steps.getJsonObject("breakersClosedInApi")).isEqualTo(new JsonObject().put("local", "closed"));
    assertThat(steps.getString("modeBefore")).isEqualTo("rpc");
    assertThat(steps.getString("modeAfterOnPage")).isEqualTo("event");
    assertThat(steps.getString("modeAfterInApi")).isEqualTo("event");
    assertThat(steps.getString("flipButtonAfter")).isEqualTo("Switch to rpc");
    assertThat(steps.getString("ordersRate")).containsPattern("rpc \\d");
    assertThat(steps.getJsonObject("chart").getInteger("width")).isPositive();
    assertThat(steps.getJsonObject("chart").getInteger("height")).isPositive();
    assertThat(steps.getJsonArray("chartLegend").getList()).contains("rpc calls/s", "event calls/s", "rpc p99 ms",
        "event p99 ms");
    assertThat(check.getJsonArray("consoleErrors")).isEmpty();
    assertThat(check.getJsonArray("pageErrors")).isEmpty();
    assertThat(check.getJsonArray("outsideRequests")).isEmpty();

    if (deadLetters) {
      assertThat(steps.getString("deadLettersListed")).containsPattern("[1-9]\\d* not replayed of");
      assertThat(steps.getString("replayNotice")).containsPattern("replayed [1-9]");
      assertThat(steps.getInteger("deadLettersReplayedInApi")).isPositive();
    } else {
      assertThat(steps.getString("deadLetters")).isEqualTo("dead letters unavailable on this node");
    }

    JsonObject charge = management.operation(CHARGE);
    assertThat(charge.getString("mode")).isEqualTo("event");
    assertThat(charge.getJsonObject("faults").getInteger("latencyMs")).isEqualTo(deadLetters ? 0 : 120);
    assertThat(charge.getJsonObject("faults").getDouble("errorRate")).isEqualTo(deadLetters ? 0.0 : 0.1);
    assertThat(charge.getJsonObject("breakers").getMap()).containsValue("closed").doesNotContainValue("open");
    Eventually.asserts(SETTLE, () -> assertThat(management.operation(CHARGE).getJsonObject("recent")
        .getJsonObject("calls").getJsonObject("event").getLong("count")).as("charges made in event mode").isPositive());

    BufferedImage shot = ImageIO.read(screenshot.toFile());
    assertThat(shot).as("the screenshot %s", screenshot).isNotNull();
  }
}
