package dev.switchboard.platform.transport;

import dev.switchboard.platform.config.KafkaSettings;
import dev.switchboard.platform.config.Settings;
import io.vertx.kafka.admin.ConsumerGroupDescription;
import io.vertx.kafka.admin.MemberDescription;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("The replica check's judgement of a consumer group's members")
class ReplicaCheckTest {

  private static final String STORE = "4b7c2a10-0d7e-4c59-9a57-3a1f0e6b2c01";
  private static final String OTHER_STORE = "9e1d5f22-61aa-4f0b-8f3c-7d2b9c4e5a12";

  private final ReplicaCheck check = ReplicaCheck.notHolding("checkout-2", STORE,
      KafkaSettings.from(Settings.of(Map.of("kafka.session.timeout.ms", "6000")), false));

  @Test
  @DisplayName("a consumer's client id names the instance and the store, and is new for every consumer")
  void clientIds() {
    String first = check.clientId();
    String second = check.consumerConfig(Map.of("client.id", "set-by-hand", "bootstrap.servers", "b:9092"))
        .get("client.id");

    assertThat(first).startsWith("switchboard_checkout-2_" + STORE + "_").matches("[A-Za-z0-9._:-]+")
        .isNotEqualTo(second);
    assertThat(second).startsWith("switchboard_checkout-2_" + STORE + "_");
    assertThat(ReplicaCheck.Member.of(first, "/10.0.0.7")).hasValueSatisfying(member -> {
      assertThat(member.instance()).isEqualTo("checkout-2");
      assertThat(member.storeId()).isEqualTo(STORE);
      assertThat(member.host()).isEqualTo("10.0.0.7");
    });
  }

  @Test
  @DisplayName("an instance id with '_', '.', ':' and '-' is read back whole")
  void instanceWithSeparators() {
    assertThat(ReplicaCheck.Member.of("switchboard_orders-2.eu_west:8080_" + STORE + "_17", "/h"))
        .hasValueSatisfying(member -> {
          assertThat(member.instance()).isEqualTo("orders-2.eu_west:8080");
          assertThat(member.storeId()).isEqualTo(STORE);
        });
  }

  @Test
  @DisplayName("members that share the store pass, whatever their instance; consumers outside the platform are not judged")
  void sharedStorePasses() {
    String line = check.judge(Map.of("sb.payment.charge", group("sb.payment.charge",
        member("switchboard_checkout-2_" + STORE + "_1"), member("switchboard_checkout-1_" + STORE + "_4"),
        member("consumer-sb.payment.charge-1"), member("switchboard_but_not_ours"))), List.of());

    assertThat(line).isEqualTo("kafka groups sb.payment.charge: every member shares store " + STORE
        + " (instances checkout-1, checkout-2)");
  }

  @Test
  @DisplayName("a member with another store is refused: the group, that member, this instance, why, and the fix")
  void otherStoreRefused() {
    assertThatThrownBy(() -> check.judge(Map.of(
        "sb.payment.charge", group("sb.payment.charge", member("switchboard_checkout-2_" + STORE + "_1"),
            member("switchboard_checkout-1_" + OTHER_STORE + "_3")),
        "sb.inventory.reserve", group("sb.inventory.reserve", member("switchboard_checkout-2_" + STORE + "_2"))),
        List.of()))
        .isInstanceOf(UnsafeReplicasException.class)
        .hasMessageStartingWith("kafka group sb.payment.charge has a member of instance checkout-1 on host 10.1.2.3"
            + " with store " + OTHER_STORE + " (client id switchboard_checkout-1_" + OTHER_STORE + "_3), but this"
            + " process (instance checkout-2) has store " + STORE + ": replicas with stores of their own cannot"
            + " deduplicate each other's work")
        .hasMessageContaining("Replicas of a service must share one store: set store.url to the same PostgreSQL"
            + " database on each")
        .hasMessageContaining("the group still lists it until its session times out (kafka.session.timeout.ms,"
            + " 6000 ms)")
        .hasMessageNotContaining("sb.inventory.reserve");
  }

  @Test
  @DisplayName("another process in several groups is named once, with every group it is in")
  void otherProcessNamedOnce() {
    assertThatThrownBy(() -> check.judge(Map.of(
        "sb.payment.charge", group("sb.payment.charge", member("switchboard_checkout-1_" + OTHER_STORE + "_3")),
        "sb.inventory.reserve", group("sb.inventory.reserve", member("switchboard_checkout-1_" + OTHER_STORE + "_1"),
            member("switchboard_checkout-3_" + OTHER_STORE + "_8"))), List.of()))
        .isInstanceOf(UnsafeReplicasException.class)
        .hasMessageStartingWith("kafka groups sb.inventory.reserve, sb.payment.charge have members of instance"
            + " checkout-1 on host 10.1.2.3 with store " + OTHER_STORE + " (client id switchboard_checkout-1_"
            + OTHER_STORE + "_1); kafka group sb.inventory.reserve has a member of instance checkout-3 on host"
            + " 10.1.2.3 with store " + OTHER_STORE + " (client id switchboard_checkout-3_" + OTHER_STORE + "_8),"
            + " but this process (instance checkout-2)");
  }

  private static ConsumerGroupDescription group(String id, MemberDescription... members) {
    return new ConsumerGroupDescription().setGroupId(id).setMembers(Arrays.asList(members));
  }

  private static MemberDescription member(String clientId) {
    return new MemberDescription().setClientId(clientId).setHost("/10.1.2.3").setConsumerId(clientId + "-uuid");
  }
}
