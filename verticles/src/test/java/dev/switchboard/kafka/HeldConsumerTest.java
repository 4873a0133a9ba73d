package dev.switchboard.kafka;

import dev.switchboard.node.Blocking;
import dev.switchboard.platform.transport.KafkaRecordConsumer;
import dev.switchboard.testing.Eventually;
import dev.switchboard.testing.SharedKafka;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A consumer held until the start-up's replica check has passed: it joins its group and takes
 * records, but works on none before the gate opens; then on all of them, in order. If the gate fails
 * (the process is refused), nothing was done or committed: the group's next consumer gets every record.
 */
@DisplayName("A Kafka consumer held until the replica check has passed")
class HeldConsumerTest {

  private static final Duration SETTLE = Duration.ofSeconds(60);
  private static final int RECORDS = 20;

  private final Vertx vertx = Vertx.vertx();
  private final Map<String, String> config = Map.of("bootstrap.servers", SharedKafka.bootstrapServers());
  private String topic;
  private String group;

  @BeforeEach
  void topic() throws Exception {
    topic = "held-" + UUID.randomUUID();
    group = topic + ".workers";
    try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", SharedKafka.bootstrapServers()))) {
      // one partition: one key order over the whole topic
      admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
    }
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.<String, Object>of(
        "bootstrap.servers", SharedKafka.bootstrapServers(), "acks", "all"), new StringSerializer(),
        new StringSerializer())) {
      for (int i = 0; i < RECORDS; i++) {
        producer.send(new ProducerRecord<>(topic, "one-key", "record-" + i)).get(30, TimeUnit.SECONDS);
      }
    }
  }

  @AfterEach
  void close() {
    Blocking.await(vertx.close());
  }

  private KafkaRecordConsumer consumer(List<String> done) {
    return new KafkaRecordConsumer(vertx, config, topic, group, 1_000, new SimpleMeterRegistry(), record -> {
      done.add(record.value().toString());
      return Future.succeededFuture();
    });
  }

  @Test
  @DisplayName("joins and takes records but works on none until the gate opens; then on every one, in order")
  void worksOnceTheGateOpens() {
    List<String> done = new CopyOnWriteArrayList<>();
    Promise<Void> gate = Promise.promise();
    KafkaRecordConsumer held = consumer(done);
    held.holdUntil(gate.future());
    try {
      Blocking.await(held.start());
      Blocking.await(held.joined().timeout(30, TimeUnit.SECONDS));
      Blocking.await(vertx.timer(2_000)); // the records have long been fetched by now

      assertThat(done).as("records worked on before the gate opened").isEmpty();
      gate.complete();
      Eventually.holds("every record is done", SETTLE, () -> done.size() == RECORDS);
      assertThat(done).containsExactlyElementsOf(IntStream.range(0, RECORDS).mapToObj(i -> "record-" + i).toList());
    } finally {
      Blocking.await(held.close());
    }
  }

  @Test
  @DisplayName("a gate that fails leaves every record undone and uncommitted, for the group's next consumer")
  void failedGateLeavesEverything() {
    List<String> doneByRefused = new CopyOnWriteArrayList<>();
    Promise<Void> gate = Promise.promise();
    KafkaRecordConsumer refused = consumer(doneByRefused);
    refused.holdUntil(gate.future());
    Blocking.await(refused.start());
    Blocking.await(refused.joined().timeout(30, TimeUnit.SECONDS));
    Blocking.await(vertx.timer(2_000));
    gate.fail("refused");
    Blocking.await(refused.close());

    List<String> doneByNext = new CopyOnWriteArrayList<>();
    KafkaRecordConsumer next = consumer(doneByNext);
    try {
      Blocking.await(next.start());
      Eventually.holds("the next consumer did every record", SETTLE, () -> doneByNext.size() == RECORDS);
    } finally {
      Blocking.await(next.close());
    }
    assertThat(doneByRefused).isEmpty();
    assertThat(new ArrayList<>(doneByNext)).hasSize(RECORDS).doesNotHaveDuplicates();
  }
}
