package dev.switchboard.platform.transport;

import dev.switchboard.platform.ErrorCode;
import dev.switchboard.platform.OperationException;
import dev.switchboard.platform.config.KafkaSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Reads what the {@code .dlq} topics hold, for an operator to look at: a short-lived consumer of its
 * own (no group, nothing committed) assigns every partition, reads from the beginning (or the last
 * {@code maxPerPartition} records) up to the end offsets found when it started, and closes. It runs
 * on a worker thread, never on an event loop, and gives up after {@code timeoutMs}: a broker that
 * does not answer fails the read instead of holding it.
 */
public final class KafkaDeadLetterReader {

  /**
   * One record of a {@code .dlq} topic: where it is, when it was written, its headers and body. Of a
   * header given twice the last value counts: the dead-letter writer adds its own after the copied ones.
   */
  public record DeadRecord(String topic, int partition, long offset, long timestampMs, Map<String, String> headers,
                           byte[] body) {
  }

  private final Vertx vertx;
  private final KafkaSettings settings;
  private final long timeoutMs;

  public KafkaDeadLetterReader(Vertx vertx, KafkaSettings settings, long timeoutMs) {
    this.vertx = vertx;
    this.settings = settings;
    this.timeoutMs = timeoutMs;
  }

  /** The records of {@code topics} (a topic that does not exist has none), oldest first per partition. */
  public Future<List<DeadRecord>> read(Collection<String> topics, int maxPerPartition) {
    if (topics.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    List<String> wanted = List.copyOf(topics);
    return vertx.executeBlocking(() -> readBlocking(wanted, maxPerPartition), false)
        .recover(failure -> Future.failedFuture(failure instanceof OperationException ? failure
            : new OperationException(ErrorCode.UNAVAILABLE, "kafka: could not read " + wanted + ": "
                + failure.getMessage())));
  }

  private List<DeadRecord> readBlocking(List<String> topics, int maxPerPartition) {
    long deadline = System.currentTimeMillis() + timeoutMs;
    List<DeadRecord> read = new ArrayList<>();
    KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig());
    try {
      List<TopicPartition> partitions = new ArrayList<>();
      for (String topic : topics) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, left(deadline));
        if (infos != null) {
          infos.forEach(info -> partitions.add(new TopicPartition(info.topic(), info.partition())));
        }
      }
      if (partitions.isEmpty()) {
        return read;
      }
      Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions, left(deadline));
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, left(deadline));
      Map<TopicPartition, Long> start = new LinkedHashMap<>();
      for (TopicPartition partition : partitions) {
        long first = Math.max(begin.getOrDefault(partition, 0L), end.getOrDefault(partition, 0L) - maxPerPartition);
        if (first < end.getOrDefault(partition, 0L)) {
          start.put(partition, first);
        }
      }
      consumer.assign(start.keySet());
      start.forEach(consumer::seek);
      Map<TopicPartition, Long> remaining = new HashMap<>();
      start.keySet().forEach(partition -> remaining.put(partition, end.get(partition)));
      while (!remaining.isEmpty()) {
        if (System.currentTimeMillis() >= deadline) {
          throw new OperationException(ErrorCode.UNAVAILABLE, "kafka: dead letters of " + remaining.keySet()
              + " not read within " + timeoutMs + " ms");
        }
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(Math.min(200, left(deadline)
            .toMillis())))) {
          Long until = remaining.get(new TopicPartition(record.topic(), record.partition()));
          if (until != null && record.offset() < until) {
            read.add(deadRecord(record));
          }
        }
        remaining.entrySet().removeIf(entry -> consumer.position(entry.getKey(), left(deadline)) >= entry.getValue());
      }
      return read;
    } finally {
      consumer.close(Duration.ofSeconds(1));
    }
  }

  private static DeadRecord deadRecord(ConsumerRecord<byte[], byte[]> record) {
    Map<String, String> headers = new LinkedHashMap<>();
    for (Header header : record.headers()) {
      if (header.value() != null) {
        headers.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
      }
    }
    return new DeadRecord(record.topic(), record.partition(), record.offset(), record.timestamp(), headers,
        record.value() == null ? new byte[0] : record.value());
  }

  private Map<String, Object> consumerConfig() {
    Map<String, Object> config = new HashMap<>(settings.clientConfig());
    config.remove("group.id");
    config.put("client.id", "switchboard-dlq-reader-" + UUID.randomUUID().toString().substring(0, 8));
    config.put("enable.auto.commit", "false");
    config.put("allow.auto.create.topics", "false");
    config.put("auto.offset.reset", "earliest");
    config.put("request.timeout.ms", Long.toString(timeoutMs));
    config.put("default.api.timeout.ms", Long.toString(timeoutMs));
    config.put("key.deserializer", ByteArrayDeserializer.class.getName());
    config.put("value.deserializer", ByteArrayDeserializer.class.getName());
    return config;
  }

  private static Duration left(long deadline) {
    return Duration.ofMillis(Math.max(1, deadline - System.currentTimeMillis()));
  }
}
