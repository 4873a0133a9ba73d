package dev.switchboard.kafka;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.switchboard.checkout.v1.Order;
import dev.switchboard.checkout.v1.OrderStatus;
import dev.switchboard.node.Blocking;
import dev.switchboard.testing.Eventually;
import dev.switchboard.testing.OutsideValues;
import dev.switchboard.testing.RunningNode;
import dev.switchboard.testing.SharedKafka;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random and malformed place-order commands through the Kafka bridge of one node (a real broker;
 * internal operations in event mode): every command is answered on the reply topic (OK, or
 * error-code INVALID_ARGUMENT or ALREADY_EXISTS) or dead-lettered as INVALID_ARGUMENT, exactly once
 * each, and every order the bridge placed ends.
 */
@Label("Random and malformed commands through the Kafka bridge")
class BridgeFuzzTest {

  private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
  private static final String COMMANDS = "fuzz-" + RUN + ".orders.commands.v1";
  private static final String REPLIES = "fuzz-" + RUN + ".orders.replies.v1";
  private static final AtomicInteger CE_IDS = new AtomicInteger();

  private static RunningNode running;
  private static KafkaProducer<byte[], byte[]> producer;
  private static int sent;

  @BeforeContainer
  static void start() {
    Map<String, String> settings = new HashMap<>();
    settings.put("kafka.bootstrap.servers", SharedKafka.bootstrapServers());
    settings.put("topics.prefix", "fuzz-" + RUN);
    settings.put("defaults.mode", "event");
    settings.put("bridge.topic", "fuzz-" + RUN + ".orders.v1");
    settings.put("bridge.commandTopic", COMMANDS);
    settings.put("bridge.replyTopic", REPLIES);
    settings.put("inventory.stock.SKU-APPLE", "1000000");
    running = RunningNode.start(settings);
    producer = new KafkaProducer<>(Map.of("bootstrap.servers", SharedKafka.bootstrapServers(), "acks", "all"),
        new ByteArraySerializer(), new ByteArraySerializer());
  }

  @AfterContainer
  static void stop() {
    if (producer != null) {
      producer.close();
    }
    if (running != null) {
      running.close();
    }
  }

  @Property(tries = 300)
  @Label("any command record is answered or dead-lettered")
  void command(@ForAll("keys") String key, @ForAll("headers") List<Header> headers, @ForAll("values") byte[] value)
      throws Exception {
    producer.send(new ProducerRecord<>(COMMANDS, null, key == null ? null : key.getBytes(StandardCharsets.UTF_8), value,
        headers)).get();
    sent++;
  }

  /** After the property: one reply or one dead letter per command, none refused otherwise; every order ends. */
  @AfterProperty
  void everyCommandEndsOnceAndEveryOrderEnds() {
    List<ConsumerRecord<byte[], byte[]>> replies = new ArrayList<>();
    List<ConsumerRecord<byte[], byte[]>> dead = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers",
        SharedKafka.bootstrapServers()), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      Eventually.holds("the reply and dead-letter topics exist", Duration.ofSeconds(30), Duration.ofMillis(200), () -> {
        partitions.clear();
        for (String topic : List.of(REPLIES, COMMANDS + ".dlq")) {
          consumer.listTopics().getOrDefault(topic, List.of())
              .forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
        }
        return partitions.stream().map(TopicPartition::topic).distinct().count() == 2;
      });
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Eventually.holds(sent + " commands answered or dead-lettered", Duration.ofSeconds(60), Duration.ofMillis(1), () -> {
        consumer.poll(Duration.ofMillis(200)).forEach(record -> (record.topic().equals(REPLIES) ? replies : dead)
            .add(record));
        return replies.size() + dead.size() >= sent;
      });
    }
    assertThat(replies.size() + dead.size()).as("replies and dead letters").isEqualTo(sent);
    assertThat(replies).allSatisfy(reply -> assertThat(header(reply, "error-code"))
        .as("error-code of a reply").isIn(null, "INVALID_ARGUMENT", "ALREADY_EXISTS"));
    assertThat(dead).allSatisfy(letter -> assertThat(header(letter, "x-error-code"))
        .as("x-error-code of a dead letter: " + header(letter, "x-error-message")).isEqualTo("INVALID_ARGUMENT"));
    replies.forEach(reply -> Statistics.label("outcome").collect("reply " + header(reply, "error-code")));
    dead.forEach(letter -> Statistics.label("outcome").collect("dead letter"));
    Eventually.holds("every order placed through the bridge ends", Duration.ofSeconds(30), Duration.ofMillis(200), () ->
        Blocking.await(running.node().checkout().orders().all()).stream().allMatch(BridgeFuzzTest::terminal));
  }

  private static boolean terminal(Order order) {
    return order.getStatus() == OrderStatus.ORDER_STATUS_CONFIRMED || order.getStatus() == OrderStatus.ORDER_STATUS_REJECTED;
  }

  private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
    Header header = record.headers().lastHeader(name);
    return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }

  @Provide
  Arbitrary<String> keys() {
    return Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.just((String) null)),
        Tuple.of(4, Arbitraries.of("k-1", "k-2", "k-3", "k-4", "k-5")));
  }

  /** ce_id (fresh, reused, missing or anything), and sometimes x-correlation-id, reply-topic and others. */
  @Provide
  Arbitrary<List<Header>> headers() {
    Arbitrary<List<Header>> ceId = Arbitraries.frequencyOf(
        Tuple.of(10, Arbitraries.create(() -> List.of(header("ce_id", "cmd-" + RUN + "-" + CE_IDS.incrementAndGet())))),
        Tuple.of(1, Arbitraries.of("dup-1", "dup-2").map(id -> List.of(header("ce_id", id)))),
        Tuple.of(1, Arbitraries.just(List.of())),
        Tuple.of(2, anyValue().map(value -> List.of(new RecordHeader("ce_id", value)))));
    Arbitrary<String> names = Arbitraries.of("x-correlation-id", "reply-topic", "correlation-id", "content-type",
        "ce_type", "x-message-id", "CE_ID");
    Arbitrary<Header> other = Arbitraries.frequencyOf(
        Tuple.of(2, Arbitraries.of(REPLIES, "someone.elses.replies", "bad topic!", "..", "")
            .map(topic -> header("reply-topic", topic))),
        Tuple.of(3, Combinators.combine(names, anyValue()).as(RecordHeader::new)));
    return Combinators.combine(ceId, other.list().ofMaxSize(2)).as((first, more) -> {
      List<Header> all = new ArrayList<>(first);
      all.addAll(more);
      return all;
    });
  }

  /** A header value: text of any kind, bytes that are no UTF-8, or none at all. */
  private static Arbitrary<byte[]> anyValue() {
    return Arbitraries.frequencyOf(
        Tuple.of(5, OutsideValues.headerValue().map(text -> text.getBytes(StandardCharsets.UTF_8))),
        Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMaxSize(20)),
        Tuple.of(1, Arbitraries.just((byte[]) null)));
  }

  /** The command: a PlaceOrderRequest in JSON (of any content), other JSON, any bytes, or none. */
  @Provide
  Arbitrary<byte[]> values() {
    Arbitrary<String> json = OutsideValues.order().map(order -> {
      try {
        return JsonFormat.printer().print(order);
      } catch (InvalidProtocolBufferException e) {
        throw new IllegalStateException(e);
      }
    });
    return Arbitraries.frequencyOf(
        Tuple.of(8, json.map(text -> text.getBytes(StandardCharsets.UTF_8))),
        Tuple.of(1, Arbitraries.of("{}", "[]", "null", "{\"customerId\":7}", "{\"unknown\":1}", "{\"items\":[{}]}",
            "[".repeat(10_000), "{\"customerId\":\"" + "\\u0000".repeat(50) + "\"}").map(text ->
            text.getBytes(StandardCharsets.UTF_8))),
        Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMaxSize(100)),
        Tuple.of(1, Arbitraries.just((byte[]) null)));
  }

  private static Header header(String name, String value) {
    return new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8));
  }
}
