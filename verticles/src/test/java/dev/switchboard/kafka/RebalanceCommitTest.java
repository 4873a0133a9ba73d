package dev.switchboard.kafka;

import dev.switchboard.node.Blocking;
import dev.switchboard.platform.transport.KafkaRecordConsumer;
import dev.switchboard.testing.Eventually;
import dev.switchboard.testing.SharedKafka;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A consumer that gives up partitions in a rebalance commits the work it finished first, inside
 * Kafka's rebalance callback, so the partitions' next owner does not get those records again.
 */
@DisplayName("A Kafka consumer giving up partitions in a rebalance")
class RebalanceCommitTest {

  private static final Duration SETTLE = Duration.ofSeconds(60);
  private static final int RECORDS = 40;

  @Test
  @DisplayName("commits its finished records before the partitions go: the new owner gets none of them again")
  void finishedWorkIsCommittedBeforeRevocation() throws Exception {
    String bootstrap = SharedKafka.bootstrapServers();
    String topic = "rebalance-" + UUID.randomUUID();
    String group = topic + ".workers";
    try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", bootstrap))) {
      admin.createTopics(List.of(new NewTopic(topic, 4, (short) 1))).all().get(30, TimeUnit.SECONDS);
      Vertx vertx = Vertx.vertx();
      List<String> seenByFirst = new CopyOnWriteArrayList<>();
      List<String> seenBySecond = new CopyOnWriteArrayList<>();
      Map<String, String> config = Map.of("bootstrap.servers", bootstrap);
      // the first member never commits on its own schedule within the test: only the rebalance makes it commit
      KafkaRecordConsumer first = new KafkaRecordConsumer(vertx, config, topic, group, 1_000, 3_600_000,
          new SimpleMeterRegistry(), record -> {
            seenByFirst.add(record.value().toString());
            return Future.succeededFuture();
          });
      KafkaRecordConsumer second = new KafkaRecordConsumer(vertx, config, topic, group, 1_000,
          new SimpleMeterRegistry(), record -> {
            seenBySecond.add(record.value().toString());
            return Future.succeededFuture();
          });
      try {
        produce(bootstrap, topic, "before-");
        Blocking.await(first.start());
        Eventually.holds("the first member did every record", SETTLE, () -> seenByFirst.size() == RECORDS);

        Blocking.await(second.start());
        Eventually.holds("both members own partitions", SETTLE, Duration.ofMillis(200), () -> {
          ConsumerGroupDescription description = describe(admin, group);
          return description.members().size() == 2 && description.members().stream()
              .allMatch(member -> !member.assignment().topicPartitions().isEmpty());
        });
        produce(bootstrap, topic, "after-");
        Eventually.holds("the records sent after the rebalance are done", SETTLE, () ->
            seenByFirst.stream().filter(value -> value.startsWith("after-")).count()
                + seenBySecond.stream().filter(value -> value.startsWith("after-")).count() == RECORDS);

        assertThat(seenBySecond).as("records the second member got again").noneMatch(value -> value.startsWith("before-"));
        assertThat(seenBySecond).isNotEmpty();
        assertThat(seenByFirst.stream().filter(value -> value.startsWith("before-"))).hasSize(RECORDS);
      } finally {
        Blocking.await(Future.join(first.close(), second.close()));
        Blocking.await(vertx.close());
      }
    }
  }

  private static void produce(String bootstrap, String topic, String prefix) throws Exception {
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.<String, Object>of(
        "bootstrap.servers", bootstrap, "acks", "all"), new StringSerializer(), new StringSerializer())) {
      for (int i = 0; i < RECORDS; i++) {
        producer.send(new ProducerRecord<>(topic, "key-" + i, prefix + i)).get(30, TimeUnit.SECONDS);
      }
    }
  }

  private static ConsumerGroupDescription describe(Admin admin, String group) {
    try {
      return admin.describeConsumerGroups(List.of(group)).all().get(30, TimeUnit.SECONDS).get(group);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
