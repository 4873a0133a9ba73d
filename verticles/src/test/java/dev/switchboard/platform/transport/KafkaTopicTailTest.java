package dev.switchboard.platform.transport;

import dev.switchboard.node.Blocking;
import dev.switchboard.testing.SharedKafka;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("A tail of a Kafka topic")
class KafkaTopicTailTest {

  private final Vertx vertx = Vertx.vertx();
  private KafkaTopicTail tail;

  @AfterEach
  void close() {
    if (tail != null) {
      Blocking.await(tail.close());
    }
    Blocking.await(vertx.close());
  }

  @Test
  @DisplayName("of a topic the broker does not know fails to start, naming the topic and topics.create, instead of"
      + " reading nothing")
  void unknownTopicFailsStart() {
    String topic = "tail-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    // a broker that does not make topics on first use, as most production brokers are set up
    tail = new KafkaTopicTail(vertx, Map.of("bootstrap.servers", SharedKafka.bootstrapServers(),
        "allow.auto.create.topics", "false"), topic, 500, record -> { });

    assertThatThrownBy(() -> Blocking.await(tail.start()))
        .hasMessageContaining("topic " + topic + " has no partitions")
        .hasMessageContaining("topics.create=true");
  }
}
