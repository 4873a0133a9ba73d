package dev.switchboard.platform.transport;

import io.vertx.kafka.client.common.Node;
import io.vertx.kafka.client.common.TopicPartitionInfo;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the Kafka transport takes, in a topic's metadata, as every partition having a leader: the
 * first half of its check that a topic is served before it is used (the second reads each
 * partition's latest offset from its leader, against a broker: {@code KafkaTransportTest} and the
 * bench's Kafka suite).
 */
@DisplayName("A topic's partitions all have a leader")
class TopicServedTest {

  private static final Node BROKER = new Node(false, "127.0.0.1", 1, "1", false, 9092, null);
  /** What the metadata says of a partition whose leader is not known yet. */
  private static final Node NO_NODE = new Node(false, "", -1, "-1", true, -1, null);

  private static TopicPartitionInfo partition(int number, Node leader) {
    return new TopicPartitionInfo(List.of(BROKER), leader, number, List.of(BROKER));
  }

  @Test
  @DisplayName("every partition with a leader: yes")
  void everyLeaderKnown() {
    assertThat(KafkaClients.leadersKnown(List.of(partition(0, BROKER), partition(1, BROKER)))).isTrue();
  }

  @Test
  @DisplayName("a topic described before its partitions are known (none yet): no")
  void noPartitionsYet() {
    assertThat(KafkaClients.leadersKnown(List.of())).isFalse();
  }

  @Test
  @DisplayName("a partition with no leader, or the empty node for one: no")
  void aLeaderMissing() {
    assertThat(KafkaClients.leadersKnown(List.of(partition(0, BROKER), partition(1, null)))).isFalse();
    assertThat(KafkaClients.leadersKnown(List.of(partition(0, NO_NODE), partition(1, BROKER)))).isFalse();
  }
}
