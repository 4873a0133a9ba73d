package dev.switchboard.edge;

import dev.switchboard.experiment.CheckoutGrpcClient;
import dev.switchboard.platform.metrics.SwitchboardMetrics;
import dev.switchboard.testing.Eventually;
import dev.switchboard.testing.ManagementClient;
import dev.switchboard.testing.Orders;
import dev.switchboard.testing.RunningNode;
import dev.switchboard.testing.TestNodes;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET /operations} shows each operation's recent rates and latencies by mode: the line of the
 * mode the operation runs in carries its calls, the other mode's line is there with nothing in it,
 * and once traffic stops the window empties.
 */
@DisplayName("Recent rates and latencies in GET /operations")
class RecentMeasuresApiTest {

  private static final Duration SETTLE = Duration.ofSeconds(30);
  private static final String CHARGE = "payment.charge";

  private RunningNode running;
  private ManagementClient management;

  @AfterEach
  void stop() {
    if (management != null) {
      management.close();
    }
    if (running != null) {
      running.close();
    }
  }

  @ParameterizedTest(name = "payment.charge in {0} mode")
  @ValueSource(strings = {"rpc", "event"})
  @DisplayName("orders placed show in the recent calls and handling of the charge's mode, then leave the window")
  void byMode(String mode) {
    running = RunningNode.start(Map.of("operations.payment.charge.mode", mode));
    management = new ManagementClient(running.node().httpPort(), null);
    String other = mode.equals("rpc") ? "event" : "rpc";
    CheckoutGrpcClient client = running.newClient();

    for (int i = 0; i < 5; i++) {
      Orders.placeAndFollow(client, Orders.order(TestNodes.APPLE, 1, 300));
    }

    Eventually.asserts(SETTLE, () -> {
      JsonObject recent = management.operation(CHARGE).getJsonObject("recent");
      assertThat(recent.getInteger("windowSeconds")).isEqualTo(SwitchboardMetrics.RECENT_SECONDS);
      JsonObject calls = recent.getJsonObject("calls").getJsonObject(mode);
      assertThat(calls.getLong("count")).isEqualTo(5);
      assertThat(calls.getDouble("perSecond")).isPositive();
      assertThat(calls.getDouble("failedPerSecond")).isZero();
      assertThat(calls.getDouble("p50Ms")).isPositive();
      assertThat(calls.getDouble("p99Ms")).isGreaterThanOrEqualTo(calls.getDouble("p50Ms"));
      JsonObject handled = recent.getJsonObject("handled").getJsonObject(mode);
      assertThat(handled.getLong("count")).isEqualTo(5);
      assertThat(handled.getDouble("p99Ms")).isPositive();
      JsonObject idle = recent.getJsonObject("calls").getJsonObject(other);
      assertThat(idle.getLong("count")).isZero();
      assertThat(idle.getDouble("perSecond")).isZero();
      assertThat(idle.containsKey("p99Ms")).isTrue();
      assertThat(idle.getValue("p99Ms")).isNull();
    });

    Eventually.asserts(SETTLE, () -> {
      JsonObject calls = management.operation(CHARGE).getJsonObject("recent").getJsonObject("calls")
          .getJsonObject(mode);
      assertThat(calls.getLong("count")).as("once the window has moved past the orders").isZero();
      assertThat(calls.getValue("p99Ms")).isNull();
    });
  }
}
