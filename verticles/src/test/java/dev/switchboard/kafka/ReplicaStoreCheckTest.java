package dev.switchboard.kafka;

import dev.switchboard.checkout.v1.OrderStatus;
import dev.switchboard.node.Blocking;
import dev.switchboard.node.StartupFailure;
import dev.switchboard.node.SwitchboardNode;
import dev.switchboard.testing.ManagementClient;
import dev.switchboard.testing.Orders;
import dev.switchboard.testing.RunningNode;
import dev.switchboard.testing.SharedKafka;
import dev.switchboard.testing.SharedPostgres;
import dev.switchboard.testing.TestNodes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.switchboard.testing.TestNodes.APPLE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Replicas of a service on one Kafka cluster: processes consuming in one group must share one store.
 * Two with stores of their own (embedded H2) on the same topics: the second is refused at start-up,
 * the first goes on; two on one PostgreSQL database: both start, with one store id.
 */
@DisplayName("Replicas on the same Kafka topics")
class ReplicaStoreCheckTest {

  private final List<RunningNode> running = new ArrayList<>();

  @AfterEach
  void stop() {
    running.forEach(RunningNode::close);
  }

  /** Settings of a replica: every operation in event mode on Kafka, under {@code prefix}. */
  private static Map<String, String> replica(Map<String, String> kafka, String instance, Map<String, String> store) {
    Map<String, String> settings = new HashMap<>(kafka);
    settings.put("defaults.mode", "event");
    settings.put("instance.id", instance);
    settings.putAll(store);
    return settings;
  }

  private RunningNode start(Map<String, String> settings) {
    RunningNode node = RunningNode.start(settings);
    running.add(node);
    return node;
  }

  @Test
  @DisplayName("two replicas with per-process H2 stores on the same topics: the second is refused at start-up,"
      + " naming the group, the other member and the fix; the first goes on")
  void perProcessStoresRefused() {
    Map<String, String> kafka = SharedKafka.kafkaTransport();
    String prefix = kafka.get("topics.prefix");
    RunningNode first = start(replica(kafka, "replica-a", Map.of("store.path", "")));
    String firstStore = first.node().switchboard().store().storeId();

    long started = System.nanoTime();
    assertThatThrownBy(() -> Blocking.await(SwitchboardNode.start(TestNodes.settings(
        replica(kafka, "replica-b", Map.of("store.path", ""))))))
        .isInstanceOf(StartupFailure.class)
        .hasMessageStartingWith("kafka group")
        .hasMessageContaining(" " + prefix + ".payment.charge")
        .hasMessageContaining(" of instance replica-a on host 127.0.0.1 with store " + firstStore
            + " (client id switchboard_replica-a_" + firstStore + "_")
        .hasMessageContaining("but this process (instance replica-b) has store ")
        .hasMessageContaining("replicas with stores of their own cannot deduplicate each other's work")
        .hasMessageContaining("Replicas of a service must share one store: set store.url to the same PostgreSQL"
            + " database on each")
        .hasMessageNotContaining(".results");
    assertThat((System.nanoTime() - started) / 1_000_000).as("ms to refuse").isLessThan(30_000);

    // the refused process did no work and left the groups: the first one still serves every order
    Orders.Placed placed = Orders.placeAndFollow(first.newClient(), Orders.order(APPLE, 1, 100));
    assertThat(placed.terminal().getStatus()).isEqualTo(OrderStatus.ORDER_STATUS_CONFIRMED);
  }

  @Test
  @DisplayName("two replicas on one PostgreSQL database on the same topics: both start, with the same store id,"
      + " shown by GET /instance")
  void sharedStoreAllowed() {
    Map<String, String> kafka = SharedKafka.kafkaTransport();
    Map<String, String> store = SharedPostgres.freshStore();
    RunningNode first = start(replica(kafka, "replica-a", store));
    RunningNode second = start(replica(kafka, "replica-b", store));

    String storeId = first.node().switchboard().store().storeId();
    assertThat(second.node().switchboard().store().storeId()).isEqualTo(storeId);
    for (RunningNode node : running) {
      try (ManagementClient management = new ManagementClient(node.node().httpPort(), null)) {
        assertThat(management.get("/instance").json().getString("storeId")).isEqualTo(storeId);
      }
    }
  }
}
